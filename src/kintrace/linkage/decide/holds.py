"""Safety rules on one pair: what holds it for review however high it scored (pure).

Each test reads only the pair's own row (its comparison weights `mw_*`, its records' kinds
`source_kind_*` and given-name classes `given_class_*`), so `kintrace explain` and the review
page can ask them of any pair, stored or not.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from kintrace.linkage.decide.rules import PairRule, Stage, State
from kintrace.linkage.spec import ModelSpec

#: A promoted pair may have no comparison speaking against it more strongly than this; no
#: pair whose birth dates speak against it this strongly links without review (decision 0315).
MAX_EVIDENCE_AGAINST = -1.0


def known_class(value: object) -> bool:
    """A given-name class the name tables know ("ivan:m"); a bare key is an unknown spelling."""
    return isinstance(value, str) and ":" in value


def both_known(pair: Mapping[str, Any]) -> bool:
    """Both given names are in the name tables, so a disagreement means two different names;
    an unknown spelling (a typo, a rare diminutive) means nothing sure. Without the classes in
    the pair, assume known (the safe side)."""
    if "given_class_l" not in pair and "given_class_r" not in pair:
        return True
    return known_class(pair.get("given_class_l")) and known_class(pair.get("given_class_r"))


def _kinds(pair: Mapping[str, Any]) -> tuple[object, object]:
    return pair.get("source_kind_l"), pair.get("source_kind_r")


def two_first_names(pair: Mapping[str, Any], spec: ModelSpec) -> bool:
    """Two different given names the tables know: what siblings and twins look like."""
    return float(pair.get("mw_given_name", 0.0)) < 0 and both_known(pair)


def renamed(pair: Mapping[str, Any], spec: ModelSpec) -> bool:
    """A record of a kind that replaces the surname (an adoption listing) under another surname:
    the surname's agreement does not carry the pair (weight at most 1)."""
    kinds = spec.kinds
    return kinds.any_of(kinds.surname, *_kinds(pair)) and (
        float(pair.get("mw_family_name", 1.0)) <= 1.0
    )


def dates_against(pair: Mapping[str, Any], spec: ModelSpec) -> bool:
    """Birth dates that speak against the pair (weight below `MAX_EVIDENCE_AGAINST`: two full
    dates months or years apart), neither record of a kind that changes dates on purpose, and
    the two dates not one mistyped digit apart (decision 0319)."""
    kinds = spec.kinds
    if kinds.any_of(kinds.birth_date, *_kinds(pair)):
        return False
    if float(pair.get("mw_birth_date", 0.0)) >= MAX_EVIDENCE_AGAINST:
        return False
    return not one_digit_apart(pair.get("birth_days_l"), pair.get("birth_days_r"))


_EPOCH = date(1970, 1, 1).toordinal()


def one_digit_apart(days_l: object, days_r: object) -> bool:
    """Two full birth dates (days since 1970-01-01, as `birth_days`) whose YYYYMMDD forms differ
    in exactly one digit: 2015-03-12 and 2015-03-13, 2015-08-12 or 2016-03-12 — a clerk's typo
    (decision 0319). Dates of two children are almost never that close in the same digits
    without other evidence; either date missing: False."""
    if not (present(days_l) and present(days_r)):
        return False
    try:
        one = date.fromordinal(_EPOCH + int(days_l)).strftime("%Y%m%d")  # type: ignore[call-overload]
        two = date.fromordinal(_EPOCH + int(days_r)).strftime("%Y%m%d")  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return False
    return sum(a != b for a, b in zip(one, two, strict=True)) == 1


def evidence_against(pair: Mapping[str, Any], spec: ModelSpec) -> bool:
    """Some comparison speaks clearly against the pair (two full dates months apart, another
    birthplace): a pair the unambiguous rule never promotes. Two birth dates one typed digit
    apart (decision 0319), or moved the way a record's kind moves them (`date_moved`, decision
    0321), are not evidence against."""
    excused = one_digit_apart(pair.get("birth_days_l"), pair.get("birth_days_r")) or (
        date_moved(pair, spec)
    )
    weights = [
        float(pair[f"mw_{c.name}"])
        for c in spec.comparisons
        if f"mw_{c.name}" in pair and not (excused and c.name == "birth_date")
    ]
    return bool(weights) and min(weights) < MAX_EVIDENCE_AGAINST


#: How far a listing that moves birth dates on purpose (an adoption listing, `KindPolicy.
#: birth_date`) moves one, as documented (issue 10, FIELD-NOTES): by weeks — up to the model's
#: "within 2 months" level, 62 days — or by a year, give or take the same (decision 0321).
MOVED_BY_WEEKS = 62
MOVED_BY_A_YEAR = 365


def date_moved(pair: Mapping[str, Any], spec: ModelSpec) -> bool:
    """One record of a kind that moves birth dates (`spec.kinds.birth_date`) and two full
    birth dates that are the same, or apart by weeks (at most `MOVED_BY_WEEKS` days), or by a
    year (`MOVED_BY_A_YEAR` days, give or take `MOVED_BY_WEEKS`): what such a listing does to
    a child's date (decision 0321). Either date missing: False."""
    kinds = spec.kinds
    if not kinds.any_of(kinds.birth_date, *_kinds(pair)):
        return False
    days_l, days_r = pair.get("birth_days_l"), pair.get("birth_days_r")
    if not (present(days_l) and present(days_r)):
        return False
    return bool(moved_apart(abs(float(days_l) - float(days_r))))  # type: ignore[arg-type]


def moved_apart(apart: Any) -> Any:
    """Whether full birth dates `apart` days apart (a number, or a NumPy array of them) are
    apart as a listing moves a child's date: by weeks (at most `MOVED_BY_WEEKS` days) or by a
    year give or take weeks (decision 0321; the offers rank by it too, decision 0337)."""
    return (apart <= MOVED_BY_WEEKS) | (abs(apart - MOVED_BY_A_YEAR) <= MOVED_BY_WEEKS)


def present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and value != value)


def kept_identity(pair: Mapping[str, Any], spec: ModelSpec) -> bool:
    """A renamed pair (`renamed`) where everything a renaming keeps agrees (decisions 0312,
    0321): the same given name (one class the tables know: same name, Ukrainian/Russian form
    or diminutive), full birth dates kept or moved as the listing's kind moves them
    (`date_moved`: the same day, weeks or a year apart), and sex not disagreeing. The
    documented pattern: a child re-registered under a new surname, patronymic and birthplace,
    the first name kept and the birth date unchanged or shifted by weeks or a year. (Until
    decision 0321 an agreeing patronymic under the replaced surname disqualified the pair as a
    namesake's sign; a listing may replace the surname and keep the father's name, and the
    rule's rival test already separates namesakes.)"""
    if not renamed(pair, spec):
        return False
    given_l, given_r = pair.get("given_class_l"), pair.get("given_class_r")
    if not (known_class(given_l) and given_l == given_r):
        return False
    if not date_moved(pair, spec):
        return False
    return float(pair.get("mw_sex", 0.0)) >= 0


def new_first_name_side(pair: Mapping[str, Any], spec: ModelSpec) -> str | None:
    """`"l"` or `"r"`: the side of the pair's one record of a kind that may give a child a new
    first name (`KindPolicy.given_name`, an adoption listing), when the other record is of
    another kind (read at face value); else None. Two such listings' records agreeing on what
    the listings replace are a family's children placed together, not one child."""
    kinds = spec.kinds
    left, right = (kinds.any_of(kinds.given_name, k) for k in _kinds(pair))
    if left == right:
        return None
    return "l" if left else "r"


def new_first_name(pair: Mapping[str, Any], spec: ModelSpec) -> bool:
    """A pair of a listing's record under another first name (decision 0359): one record of a
    kind that may give a child a new first name against one of another kind
    (`new_first_name_side`), two different first names the tables know (`two_first_names`),
    sex not disagreeing, and no other comparison speaking against it (below
    `MAX_EVIDENCE_AGAINST`; birth dates moved as the listing's kind moves them, or one typed
    digit apart, excused as in `evidence_against`). The documented pattern: a child
    re-registered under a new name, the rest of its identity kept. Only the probability, which
    has priced the other first name in, says whether the rest is enough."""
    if new_first_name_side(pair, spec) is None or not two_first_names(pair, spec):
        return False
    if float(pair.get("mw_sex", 0.0)) < 0:
        return False
    excused = one_digit_apart(pair.get("birth_days_l"), pair.get("birth_days_r")) or (
        date_moved(pair, spec)
    )
    return not any(
        float(pair[f"mw_{c.name}"]) < MAX_EVIDENCE_AGAINST
        for c in spec.comparisons
        if f"mw_{c.name}" in pair
        and c.name != "given_name"
        and not (excused and c.name == "birth_date")
    )


class HoldRule(PairRule):
    """A safety rule: an `auto` pair it applies to becomes `pending` (decision 0301)."""

    def excused(self, pair: Mapping[str, Any], spec: ModelSpec) -> bool:
        """Whether `pair` is exempt from this hold although `applies` holds (a refinement's
        exception, see `RenamedHold`); none by default."""
        return False

    def run(self, state: State) -> None:
        for position, row in state.rows().each(state.positions("auto").tolist()):
            if self.test(row, state.spec):
                state.set(position, "pending", self.id)


#: The refinement of `0301-renamed` (decision 0322): a renamed pair at or above auto-link that
#: kept its identity stays `auto`.
KEPT_IDENTITY_AUTO = "0322-kept-identity-auto"
_KEPT_IDENTITY = "0312-kept-identity"


class RenamedHold(HoldRule):
    """`0301-renamed`, with the exception of decision 0322: a renamed pair whose probability
    reached auto-link and that kept its identity (`kept_identity`: the first name, the sex and
    the birth date, the same or moved as the listing's kind moves it) is not held; the rule
    `0322-kept-identity-auto` is recorded as what set its status. Off with that rule, with
    `0312-kept-identity` or with `Thresholds.link_renamed_adoption=False`."""

    def excused(self, pair: Mapping[str, Any], spec: ModelSpec) -> bool:
        probability = float(pair.get("match_probability", 0.0))
        return (
            spec.thresholds.link_renamed_adoption
            and probability >= spec.thresholds.auto_link
            and kept_identity(pair, spec)
        )

    def run(self, state: State) -> None:
        excusing = state.on(KEPT_IDENTITY_AUTO) and state.on(_KEPT_IDENTITY)
        for position, row in state.rows().each(state.positions("auto").tolist()):
            if not self.test(row, state.spec):
                continue
            if excusing and self.excused(row, state.spec):
                state.set(position, "auto", KEPT_IDENTITY_AUTO)
            else:
                state.set(position, "pending", self.id)


HOLDS: tuple[HoldRule, ...] = (
    HoldRule(
        id="0301-first-names",
        why="two different first names the name tables know: what siblings and twins look like",
        stage=Stage.HOLD,
        test=two_first_names,
    ),
    RenamedHold(
        id="0301-renamed",
        why="a record from an adoption listing under another surname: names are replaced there",
        stage=Stage.HOLD,
        test=renamed,
    ),
    HoldRule(
        id="0315-dates-against",
        why="birth dates that speak against the pair, outside adoption listings",
        stage=Stage.HOLD,
        test=dates_against,
    ),
)

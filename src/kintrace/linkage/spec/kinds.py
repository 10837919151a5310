"""Source kinds and what each does to a child's identity, declared once (pure core).

A list's kind says how far its records can be read at face value. A Russian adoption listing
re-registers a child under a new surname and patronymic, often another birthplace, and a birth
date moved by weeks or years; a family's report does none of that. The model's neutral levels,
the safety rules that hold a pair for review, the offers below the review floor and the
identity conflicts all ask the same questions ("does this kind replace the surname?"), so the
answers live here, in the spec, and nowhere else compares kind names as strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class SourceKind(StrEnum):
    """The kinds a source is imported with (`kintrace import --kind`). The values are the
    registry's words (`kintrace.registry.sources.SOURCE_KINDS`, checked equal by a test)."""

    FAMILY = "family"
    REGISTRY = "registry"
    CAMP = "camp"
    ADOPTION = "adoption"
    PARTNER = "partner"
    #: rows of a counterpart's answer to an exchange request (kintrace.exchange): what the other
    #: side says of a child it was asked about, re-spelled in Russian but not re-registered, so
    #: read at face value like a partner list (no identity field is replaced on purpose).
    ANSWER = "answer"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: object) -> SourceKind:
        """The kind named by `value` (the registry's word, or the demo data's longer names such
        as `adoption_listing`); anything else, or nothing, is `UNKNOWN`."""
        text = str(value).strip().lower() if isinstance(value, str) else ""
        text = _LONG_NAMES.get(text, text)
        try:
            return cls(text)
        except ValueError:
            return cls.UNKNOWN


#: The demo and test generators' longer kind names.
_LONG_NAMES = {
    "family_report": "family",
    "state_registry": "registry",
    "camp_list": "camp",
    "adoption_listing": "adoption",
    "partner_list": "partner",
}


def _kinds(values: Iterable[SourceKind]) -> frozenset[SourceKind]:
    return frozenset(SourceKind(v) for v in values)


@dataclass(frozen=True)
class KindPolicy:
    """Which source kinds replace which identity fields on purpose.

    A field a kind replaces says nothing when it disagrees in a pair with such a record (the
    model's neutral level), holds a disagreeing pair for review (the surname), and is left out
    of the identity-conflict test. `offered` kinds are those whose records, having lost most of
    what identifies them, are offered for review below the review floor (decision 0311).
    `given_name` kinds may give a child a new first name: a different first name there does not
    make the record another child's, so such a record takes no twin or sibling cannot-link and
    the unambiguous rule may link it on everything else (decision 0359).
    """

    given_name: frozenset[SourceKind] = frozenset()
    surname: frozenset[SourceKind] = frozenset()
    patronymic: frozenset[SourceKind] = frozenset()
    birth_date: frozenset[SourceKind] = frozenset()
    birth_place: frozenset[SourceKind] = frozenset()
    offered: frozenset[SourceKind] = frozenset()

    @property
    def renaming(self) -> frozenset[SourceKind]:
        """Kinds that replace the surname: their records are "renamed"."""
        return self.surname

    @property
    def rewriting(self) -> frozenset[SourceKind]:
        """Kinds that replace any identity field (left out of identity conflicts)."""
        return self.given_name | self.surname | self.patronymic | self.birth_date | self.birth_place

    def any_of(self, kinds: frozenset[SourceKind], *values: object) -> bool:
        """Whether one of `values` (kinds as the feature table writes them) is in `kinds`."""
        return any(isinstance(v, str) and v in kinds for v in values)

    def sql(self, kinds: frozenset[SourceKind]) -> str | None:
        """A backend-neutral condition on a pair: one of its records is of one of `kinds`
        (None when `kinds` is empty: the level cannot fire)."""
        if not kinds:
            return None
        return " OR ".join(kind_sql(kinds, f"source_kind_{side}") for side in "lr")


def kind_sql(kinds: frozenset[SourceKind], column: str) -> str:
    """A backend-neutral condition on one record: its `column` (the source kind as the feature
    table writes it) is one of `kinds` (`kinds` not empty)."""
    if not kinds:
        raise ValueError("kind condition: expected at least one kind")
    return " OR ".join(f"{column} = '{kind.value}'" for kind in sorted(kinds))


#: Russian adoption listings re-register a child: a new surname and patronymic, often another
#: birthplace, a birth date moved by weeks or years, sometimes a new first name (the documented
#: pattern, FIELD-NOTES: "re-registered under a new name").
KINTRACE_KINDS = KindPolicy(
    given_name=_kinds([SourceKind.ADOPTION]),
    surname=_kinds([SourceKind.ADOPTION]),
    patronymic=_kinds([SourceKind.ADOPTION]),
    birth_date=_kinds([SourceKind.ADOPTION]),
    birth_place=_kinds([SourceKind.ADOPTION]),
    offered=_kinds([SourceKind.ADOPTION]),
)

#: Lists read at face value (FEBRL, a generic model): no kind replaces anything.
NO_KINDS = KindPolicy()

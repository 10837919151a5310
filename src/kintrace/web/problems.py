"""Import refusals, quarantine reasons and refused moves in the reader's language.

The registry writes its reasons in English, with the values that explain them (a column, the cell
as written, a row number), and keeps a quarantined row's reason as text; the case rules and the
review services write their refusals the same way. Each kind is a template written once where it
is written (`kintrace.registry.reasons` and `kintrace.review.refusals`, read here through
`kintrace.services.reasons`; `kintrace.cases.refusals`), with `{placeholders}` for the values
(decisions 0908, 0909). Here a reason is matched against the templates, the template translated
(the Ukrainian catalogue has them all) and the values put back; a column name, a state or a role
among the values is translated too. A reason no template matches is shown as written
(`tests/integration/web/test_ukrainian_problems.py` fills in every template and matches it).
The link run's stages are still listed here: they are written in `kintrace.linkage`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from jinja2 import pass_context
from jinja2.runtime import Context

from kintrace.cases import refusals as case_refusals
from kintrace.services import reasons
from kintrace.web.i18n import N_

#: Values that are one word of the interface: a field, a facet, a state, a role.
_FIELD_VALUES = frozenset({"column", "facet", "from", "to", "role", "status"})
#: Values that list such words or phrases (", ", ", and ", "; " between them).
_LIST_VALUES = frozenset({"expected", "allowed", "roles", "needs", "unmet"})
_LIST_SEPARATOR = re.compile(r"(, and |; |, )")

#: Phrases a case refusal puts together (kintrace.cases.refusals).
PHRASES = case_refusals.PHRASES

TEMPLATES = (
    *reasons.IMPORT_REASONS,
    # the link run after an import: its stages and why it could not link
    N_("waiting for the link run in progress to finish"),
    N_("reading the registry"),
    N_("computing name keys and features"),
    N_("scoring {count} new or changed records against the registry"),
    N_("deciding the pairs (docs/linkage.md, the decision rules) and clustering persons"),
    N_("writing results"),
    N_("training the model (u by random sampling, m by EM)"),
    N_("scoring candidate pairs"),
    N_("estimating the prior"),
    N_("estimating u by random sampling"),
    N_("EM on {plan}"),
    N_("filling the review queue"),
    N_(
        "The registry has no records, so there is nothing to link. Import lists first: "
        "kintrace import FILE..."
    ),
    N_("The registry has one record; linking needs at least two. Import more lists."),
    N_(
        "None of the {count} records has a usable given or family name, and names are the "
        "model's main evidence. Check the name columns of the imported lists (given_name, "
        "family_name or full_name)."
    ),
    N_(
        "None of the {count} records has a birth date or an age, and the model needs dates to "
        "tell children with the same name apart. Check the birth_date / age columns of the "
        "imported lists."
    ),
    N_(
        "{error}: the link run stopped; the imported records are kept. Run it again with "
        "`kintrace link`, or import again."
    ),
    # refused case moves, assignments and verdicts (kintrace.cases, kintrace.review)
    *case_refusals.REFUSALS,
    *reasons.REVIEW_REFUSALS,
)

#: Values that are themselves put together from parts (a file over a limit: where in the file,
#: what was found, what to do; what a file looks like; why its encoding is unknown). They are
#: translated by matching the registry's FRAGMENTS, like a whole reason; a value no fragment
#: reads stays as is.
_FRAGMENT_VALUES = frozenset({"where", "what", "hint", "looks", "why"})
WHERE_FRAGMENTS = reasons.WHERE
FRAGMENTS = reasons.FRAGMENTS

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _patterns() -> list[tuple[re.Pattern[str], str]]:
    return _compiled(TEMPLATES)


@lru_cache(maxsize=4)
def _compiled(templates: tuple[str, ...]) -> list[tuple[re.Pattern[str], str]]:
    compiled = []
    for template in templates:
        parts: list[str] = []
        seen: set[str] = set()
        last = 0
        for match in _PLACEHOLDER.finditer(template):
            parts.append(re.escape(template[last : match.start()]))
            name = match.group(1)
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
            seen.add(name)
            last = match.end()
        parts.append(re.escape(template[last:]))
        compiled.append((re.compile("".join(parts), re.DOTALL), template))
    # the most specific first: longer fixed text wins over a looser template
    compiled.sort(key=lambda p: -len(_PLACEHOLDER.sub("", p[1])))
    return compiled


def translate(text: str | None, gettext: Callable[[str], str]) -> str:
    """`text` (a reason or refusal as the registry wrote it) in the language of `gettext`."""
    if not text:
        return ""
    direct = gettext(text)  # a catalogue message id (the services' errors)
    if direct != text:
        return direct
    for pattern, template in _patterns():
        match = pattern.fullmatch(text)
        if match is None:
            continue
        return _put_back(template, match.groupdict(), gettext) or text
    return text


def _put_back(template: str, found: dict[str, str], gettext: Callable[[str], str]) -> str | None:
    """The translated `template` with the values `found` in it (translated where they are words
    or parts of the interface); None if the translation does not take them."""
    values = {k: _value(k, v, gettext) for k, v in found.items()}
    if "{where}{what}" in template:  # matched lazily: `where` is empty, `what` holds both
        values["where"], values["what"] = _where_and_what(
            found.get("where", "") + found.get("what", ""), gettext
        )
    try:
        return gettext(template).format(**values)
    except (KeyError, IndexError, ValueError):
        return None


def _fragment(text: str, gettext: Callable[[str], str]) -> str:
    """A part of a reason (FRAGMENTS) in the language of `gettext`, or as written."""
    for pattern, template in _compiled(FRAGMENTS):
        match = pattern.fullmatch(text)
        if match is not None:
            return _put_back(template, match.groupdict(), gettext) or text
    return text


def _where_and_what(text: str, gettext: Callable[[str], str]) -> tuple[str, str]:
    """`where` and `what` of a limit refusal, written one after the other, each translated."""
    for pattern, template in _compiled(WHERE_FRAGMENTS):
        match = pattern.match(text)
        if match is None:
            continue
        rest = text[match.end() :]
        what = _fragment(rest, gettext)
        if what != rest:
            return _put_back(template, match.groupdict(), gettext) or text[: match.end()], what
    return "", _fragment(text, gettext)


def _value(name: str, value: str, gettext: Callable[[str], str]) -> str:
    """A value put back into a translated template: words of the interface translated."""
    if not value:
        return value
    if name in _FRAGMENT_VALUES:
        return _fragment(value, gettext)
    if name in _FIELD_VALUES:
        return gettext(value)
    if name in _LIST_VALUES:
        parts = _LIST_SEPARATOR.split(value)
        return "".join(
            p if i % 2 else (gettext(p.strip("'")) if p.strip("'") else p)
            for i, p in enumerate(parts)
        )
    return value


def matches(text: str) -> bool:
    """Whether a template reads `text` (for the tests)."""
    return any(p.fullmatch(text) for p, _ in _patterns())


@pass_context
def problem_filter(context: Context, text: str | None) -> str:
    """Jinja filter `problem`: a reason or refusal in the page's language."""
    return translate(text, context["_"])

"""Import refusals and quarantine reasons in the reader's language.

The registry writes its reasons in English, with the values that explain them (a column, the cell
as written, a row number), and keeps a quarantined row's reason as text. Each kind of reason has a
template here, written exactly as the registry writes it, with `{placeholders}` for the values;
a reason is matched against the templates, the template translated (the Ukrainian catalogue has
them all) and the values put back. A column name among the values is translated too. A reason no
template matches is shown as written (`tests/integration/web/test_ukrainian_problems.py` makes
every reason a bureau's list can produce match one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from jinja2 import pass_context
from jinja2.runtime import Context

from kintrace.web.i18n import N_

#: Values that are one word of the interface: a field, a facet, a state, a role.
_FIELD_VALUES = frozenset({"column", "facet", "from", "to", "role", "status"})
#: Values that list such words or phrases (", ", ", and ", "; " between them).
_LIST_VALUES = frozenset({"expected", "allowed", "roles", "needs", "unmet"})
_LIST_SEPARATOR = re.compile(r"(, and |; |, )")

#: Phrases a case refusal puts together (kintrace.cases.transitions).
PHRASES = (
    N_("a note saying why (--note)"),
    N_("the place (--place)"),
    N_("the date the child was known to be there (--on YYYY-MM-DD)"),
    N_("the reason for closing (--reason)"),
    N_("the child's identity must be verified first"),
    N_("the child's whereabouts must be known first"),
)

TEMPLATES = (
    # rows held back (kintrace.registry.validation, .dates, .importer, .readers)
    N_("no source: the row has none and the import names none"),
    N_("source '{value}' is not a short id (letters, digits, '_', '-', '.'; at most 64)"),
    N_(
        "source '{value}' differs from the import's --source '{option}'; import this row without "
        "--source, or correct it"
    ),
    N_("record_id is empty: a row needs an id unique in its source"),
    N_("record_id is longer than {limit} characters"),
    N_("no name: given_name, family_name and full_name are all empty"),
    N_("sex '{value}' is not one of M, F (also m/f, male/female, ч/ж, м/ж)"),
    N_("observed_on is before birth_date"),
    N_(
        "birth_date makes the person over {limit} at observed_on; Kintrace registers children: "
        "check the dates"
    ),
    N_("age '{value}' is not a whole number of years"),
    N_(
        "age {value} is over {limit}: Kintrace registers children; check the column (is it a "
        "year or a month?) and correct the row"
    ),
    N_("{column} '{value}' is in the future"),
    N_("{column} '{value}' is not a date in a known form ({forms})"),
    N_("{column} '{value}' is not a real date: there is no month {month}"),
    N_("{column} '{value}' is not a real date"),
    N_("{column} '{value}' is before {year}; check the year"),
    N_(
        "{column} '{value}' has a two-digit year that is not within the last {years} years; "
        "write the year with four digits"
    ),
    N_(
        "{column} '{value}' reads only {only} ({shape}), and the file is read {read_as}: correct "
        "the date, or import the file with the date order {order}"
    ),
    N_(
        "record_id {where} in this file with different content; nobody can tell which row is "
        "right, so every such row is held back: keep one and import again"
    ),
    N_(
        "another row of this file has the same names, sex, birth date and birth place and other "
        "details, and the file has no id column: nobody can tell the rows apart or which is "
        "right, so every such row is held back. Add an id column, or keep one row, and import "
        "again"
    ),
    N_(
        "the row has {cells} cells but the header names {width} columns: a value probably holds "
        "an unquoted delimiter"
    ),
    N_("the row has values in columns the header does not name"),
    N_("not valid JSON ({why})"),
    N_("not a JSON object"),
    # whole files refused (kintrace.registry.readers, .header, .validation, .importer, .encoding)
    N_("{file}: the file is empty. Nothing was imported."),
    N_(
        "{file}: the old Excel format (.xls) is not read. Open it in Excel or LibreOffice and "
        "save it as .xlsx or 'CSV UTF-8'."
    ),
    N_(
        "{file}: the name says Excel workbook (.xlsx) but the content is not one{looks}. If it "
        "is a CSV file, rename it to .csv."
    ),
    N_(
        "{file}: the name says {suffix} text but the content is {what}. Give the file its real "
        "extension (.xlsx for a workbook) or export it as CSV."
    ),
    N_(
        "{file}: unknown file type '{suffix}'. Kintrace imports .csv (also .tsv, .txt), .xlsx and "
        ".jsonl (JSON Lines) files."
    ),
    N_(
        "{file}: the column '{name}' appears twice in the header (columns {first} and {second}). "
        "Rename or remove one of them."
    ),
    N_("{file}: the header line is empty; the first line must name the columns."),
    N_(
        "{file}: after row {row} the text is no longer in the encoding the start of the file "
        "uses. Save the whole file as 'CSV UTF-8' and import it again."
    ),
    N_("{file}: row {row} cannot be read ({why})."),
    N_(
        "{file}: cannot be opened as an Excel workbook ({why}). Open it in Excel or LibreOffice "
        "and save it again as .xlsx, or export it as CSV."
    ),
    N_("{file}: the sheet '{sheet}' is empty."),
    N_(
        "{file}: the sheet cannot be read after its row {row} ({why}): the workbook is damaged. "
        "Open it in Excel or LibreOffice and save it again as .xlsx, or export it as CSV."
    ),
    N_(
        "{file}: JSON Lines files must be UTF-8, and this one is not. Save it as UTF-8 and "
        "import it again."
    ),
    N_(
        "{file}: this is a JSON array, not JSON Lines. Write one JSON object per line (for "
        "example with `jq -c '.[]'`) and import that."
    ),
    N_(
        "{file}: the name says JSON Lines but the first line is not a JSON object. If it is a "
        "CSV file, rename it to .csv."
    ),
    N_("{file}: line {line} is not UTF-8. Save the file as UTF-8."),
    N_("{file}: the header is one or two rows, not {rows}."),
    N_("{file}: the header row is counted from 1; got {row}."),
    N_(
        "{file}: row {row} is empty or beyond the first {rows} rows; give the number of the row "
        "that names the columns, as the spreadsheet shows it."
    ),
    N_("{file}: the file has no header row (all of it is empty)."),
    N_("{file}: a two-row header needs a second row under row {row}; it is empty or missing."),
    N_(
        "{file}: --source '{value}' is not a short id: use letters, digits, '_', '-' or '.', at "
        "most 64 characters (e.g. camp-list-7)."
    ),
    N_(
        "{file}: the column map names '{name}' as the id column, and this file has no such "
        "column (found: {found}). Correct the map, or the file's header."
    ),
    N_(
        "{file}: there is no record_id column (found: {found}). Every row needs an id unique "
        "within its source: add or rename the column."
    ),
    N_(
        "{file}: there is no source column and the import names no source. Add --source NAME, "
        "or a source column."
    ),
    N_(
        "{file}: there is no name column (found: {found}). Kintrace recognises surname, given "
        "name and full name columns in Ukrainian, Russian and English (Прізвище, Ім'я, ПІБ, "
        "Фамилия, Имя, ФИО, Surname, First name, Full name ...); map the name columns with --map "
        "(or the web mapping step), see docs/formats.md."
    ),
    N_("{file}: the file has a header but no rows. Nothing was imported."),
    N_(
        "{file}: this file has no id column, and the records of source '{name}' have ids from "
        "one. Map the file's id column (--map, or the web mapping step), or import the file as "
        "another source. Nothing was imported."
    ),
    N_(
        "{file}: this file has an id column, and source '{name}' was imported without one (its "
        "ids are derived from each row). Map the id column to 'ignore' to go on that way, or "
        "import the file as another source. Nothing was imported."
    ),
    N_(
        "{file}: dates such as the one in row {row} read only as month/day/year (US order), and "
        "no date in the file reads only day/month/year. Nothing was imported: if the list writes "
        "the month first, import it with --date-order month-first (on the web: date order); see "
        "docs/formats.md, 'Dates'."
    ),
    N_(
        "{file}: cannot tell the text encoding{looks}: it is not UTF-8: {why}. Kintrace reads "
        "UTF-8, UTF-16 with a BOM, Windows-1251 and KOI8-U. Save the file as 'CSV UTF-8' and "
        "import it again."
    ),
    N_(
        "{file}: {where}{what}; the limit is {limit} ({setting}). Nothing of this file was "
        "imported. {hint}"
    ),
    N_(
        "{file}: the source '{name}' belongs to another agency, so this file cannot be imported "
        "into it. Give the list a source name of your own (the source column, or --source / the "
        "source field) and import it again. Nothing was imported."
    ),
    N_(
        "The file names a source that is not your agency's. Rename the source in the file (or "
        "with the source field) and upload it again."
    ),
    N_("The file is larger than {size} MiB; split it into smaller files."),
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
    N_(
        "Refused {facet} '{from}' -> '{to}': '{to}' is not a {facet} state; expected one of: "
        "{expected}."
    ),
    N_(
        "Refused {facet} '{from}' -> '{to}': not an allowed transition. From '{from}' the "
        "{facet} may move to: {allowed}."
    ),
    N_(
        "Refused {facet} '{from}' -> '{to}': the role '{role}' may not make this transition; "
        "roles that may: {roles}."
    ),
    N_(
        "Refused {facet} '{from}' -> '{to}': the case is closed; an admin must reopen it first "
        "(return 'closed' -> 'not_started')."
    ),
    N_("Refused {facet} '{from}' -> '{to}': it needs {needs}."),
    N_(
        "Refused {facet} '{from}' -> '{to}': the date given is in the future; give the date the "
        "child was known to be there."
    ),
    N_("Refused {facet} '{from}' -> '{to}': {unmet}."),
    N_(
        "Refused assignment: there is no user '{name}'; give the user name of an existing "
        "caseworker."
    ),
    N_(
        "Refused assignment: the user '{name}' has the role '{role}'; a case can be assigned "
        "only to a caseworker or an admin."
    ),
    N_(
        "Refused assignment: the role '{role}' may not assign cases; roles that may: admin, "
        "caseworker."
    ),
    N_(
        "Refused assignment: the case is assigned to another caseworker; only they or an admin "
        "may hand it over."
    ),
    N_(
        "Refused 'different': the model scored this pair {probability}, at or above the "
        "auto-link threshold {threshold}; say why they are different children in a note "
        "(--note)."
    ),
    N_(
        "Refused 'same': you gave the first confirmation of this pair; the two-person rule needs "
        "a second, different reviewer to confirm it."
    ),
    N_(
        "Refused: your claim on {left} / {right} is no longer valid (token {token}, current "
        "{current}): the lease ran out and the pair went back to the queue. Take the next pair "
        "with `kintrace review next`."
    ),
    N_(
        "Refused: another reviewer holds {left} / {right} until {until} UTC; take another pair "
        "or wait."
    ),
    N_("Refused: the role '{role}' may not decide pairs; roles that may: {roles}."),
    N_(
        "Refused: this pair is already {status}; changing a settled decision needs a note "
        "saying why (--note), or undo it with `kintrace review undo`."
    ),
    N_(
        "Refused: decision {decision} is not a 'same child' verdict; give the id of a confirmed "
        "decision (`kintrace review decisions`)."
    ),
    N_(
        "Refused: decision {decision} does not stand as a confirmed link (it was undone, or it "
        "still waits for a second reviewer)."
    ),
    N_("Refused: decision {decision} is about records that are not part of case {case}."),
    N_("Refused: case {case} already follows {record}; see `kintrace cases show {case}`."),
    N_("Refused: the role '{role}' may not open cases; roles that may: admin, caseworker."),
    N_("Expected a date as YYYY-MM-DD (for example 2026-10-01); the date given is not one."),
    # more whole files refused (kintrace.registry.readers, .xlsx_guard, .importer)
    N_(
        "{file}: the archive holds {entries} entries; an Excel workbook has a few dozen (at most "
        "{most} are read). It is not a workbook Kintrace can import: save the sheet as 'CSV "
        "UTF-8' and import that."
    ),
    N_("{file}: the first lines cannot be read as a header ({why})."),
    N_("{file}: cannot be read ({why})."),
    N_("{file}: no such file. Check the path."),
    N_("{file}: there is no sheet '{sheet}'. Its sheets are: {names}."),
    N_(
        "{file}: the column map is for the source '{value}', and the import names '{option}'. "
        "Use the map made for this source, or correct --source."
    ),
)

#: Values that are themselves put together from parts (a file over a limit: where in the file,
#: what was found, what to do; what a file looks like; why its encoding is unknown). They are
#: translated by matching FRAGMENTS, like a whole reason; a value no fragment reads stays as is.
_FRAGMENT_VALUES = frozenset({"where", "what", "hint", "looks", "why"})

#: Where in a file (kintrace.registry.limits, .readers, .xlsx_guard).
WHERE_FRAGMENTS = (
    N_("row {row}: "),
    N_("row {row}, column '{name}': "),
    N_("line {line}: "),
    N_("in shared string no. {number}, "),
    N_("in row {row} of the sheet ({part}), "),
    N_("row {row} of the sheet ({part}): "),
)

FRAGMENTS = (
    *WHERE_FRAGMENTS,
    # what was found over a limit
    N_("the header names {count} columns"),
    N_("the row has values in {count} columns"),
    N_("the value has {count} characters"),
    N_("the row has {count} characters"),
    N_(
        "the row is longer than the limit (or a quote is never closed, so the rest of the file "
        "reads as one value)"
    ),
    N_("the line is longer than the limit"),
    N_("the workbook's parts declare {count} bytes unpacked"),
    N_("its part {part} unpacks to more than the limit allows"),
    N_("a cell holds more characters than the limit allows"),
    N_("its shared-string table holds more distinct texts than the limit allows"),
    N_("the row holds more characters than the limit allows"),
    # what to do
    N_("Correct the file, or raise the limit if the file is trusted."),
    N_("Save the sheet as 'CSV UTF-8' and import that, or raise the limit if the file is trusted."),
    # what a file looks like (kintrace.registry.readers, .encoding)
    N_(" (it looks like {what})"),
    N_(" (it looks like text)"),
    N_("an Excel workbook or another ZIP file"),
    N_("an old Excel (.xls) or Word file"),
    N_("a PDF document"),
    # why the encoding is unknown (kintrace.registry.encoding)
    N_("it contains NUL bytes (UTF-16 without a BOM, or binary)"),
    N_("its letters read as neither Ukrainian nor Russian"),
)

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

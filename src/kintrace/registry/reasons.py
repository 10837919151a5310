"""Why the registry holds a row back or refuses a file: every reason written once, here.

Each reason is a template in English with `{placeholders}` for the values that explain it (a
column, the cell as written, a row number, the file's name). The registry writes its reasons by
filling these templates in (`DATE_NOT_REAL.format(column=..., value=...)`), and the web reads the
same templates to recognise a reason and show it in the reader's language (`kintrace.web.
problems`, decision 0414; reached through `kintrace.services.reasons`). The templates are marked
with `N_` so the web's catalogue extracts them (src/kintrace/web/locale/babel.cfg): changing a
wording here changes the catalogue's message id with it, and the catalogue's tests ask for its
translation. Values go in already written as the reader sees them (numbers with their thousands
separators, a cell cut to its first characters). Pure: no I/O.
"""

from __future__ import annotations

from kintrace.messages import N_

# --- rows held back (kintrace.registry.validation, .dates, .importer, .quarantine, .readers) ---

NO_SOURCE = N_("no source: the row has none and the import names none")
SOURCE_NOT_AN_ID = N_(
    "source '{value}' is not a short id (letters, digits, '_', '-', '.'; at most 64)"
)
SOURCE_DIFFERS = N_(
    "source '{value}' differs from the import's --source '{option}'; import this row without "
    "--source, or correct it"
)
EMPTY_ID = N_("record_id is empty: a row needs an id unique in its source")
ID_TOO_LONG = N_("record_id is longer than {limit} characters")
NO_NAME = N_("no name: given_name, family_name and full_name are all empty")
SEX_UNKNOWN = N_("sex '{value}' is not one of M, F (also m/f, male/female, ч/ж, м/ж)")
OBSERVED_BEFORE_BIRTH = N_("observed_on is before birth_date")
OVER_AGE_AT_OBSERVATION = N_(
    "birth_date makes the person over {limit} at observed_on; Kintrace registers children: "
    "check the dates"
)
AGE_NOT_A_NUMBER = N_("age '{value}' is not a whole number of years")
AGE_OVER_LIMIT = N_(
    "age {value} is over {limit}: Kintrace registers children; check the column (is it a "
    "year or a month?) and correct the row"
)
DATE_IN_FUTURE = N_("{column} '{value}' is in the future")
DATE_UNKNOWN_FORM = N_("{column} '{value}' is not a date in a known form ({forms})")
DATE_NO_SUCH_MONTH = N_("{column} '{value}' is not a real date: there is no month {month}")
DATE_NOT_REAL = N_("{column} '{value}' is not a real date")
DATE_BEFORE_YEAR = N_("{column} '{value}' is before {year}; check the year")
DATE_TWO_DIGIT_YEAR = N_(
    "{column} '{value}' has a two-digit year that is not within the last {years} years; "
    "write the year with four digits"
)
#: `only` and `order` are the same order (day-first, month-first); `shape` spells it out.
DATE_ONE_ORDER_ONLY = N_(
    "{column} '{value}' reads only {only} ({shape}), and the file is read {read_as}: correct "
    "the date, or import the file with the date order {order}"
)
#: `where` is one of DUPLICATE_WHERE.
DUPLICATE_ID = N_(
    "record_id {where} in this file with different content; nobody can tell which row is "
    "right, so every such row is held back: keep one and import again"
)
DERIVED_DUPLICATE = N_(
    "another row of this file has the same names, sex, birth date and birth place and other "
    "details, and the file has no id column: nobody can tell the rows apart or which is "
    "right, so every such row is held back. Add an id column, or keep one row, and import "
    "again"
)
#: Where the same record_id was seen (DUPLICATE_ID's `where`).
MORE_THAN_ONCE = N_("appears more than once")
EARLIER = N_("appears earlier")
AGAIN_LATER = N_("appears again later")
DUPLICATE_WHERE = (MORE_THAN_ONCE, EARLIER, AGAIN_LATER)
ROW_TOO_WIDE = N_(
    "the row has {cells} cells but the header names {width} columns: a value probably holds "
    "an unquoted delimiter"
)
ROW_VALUES_OUTSIDE_HEADER = N_("the row has values in columns the header does not name")
NOT_VALID_JSON = N_("not valid JSON ({why})")
NOT_A_JSON_OBJECT = N_("not a JSON object")

ROW_REASONS = (
    NO_SOURCE,
    SOURCE_NOT_AN_ID,
    SOURCE_DIFFERS,
    EMPTY_ID,
    ID_TOO_LONG,
    NO_NAME,
    SEX_UNKNOWN,
    OBSERVED_BEFORE_BIRTH,
    OVER_AGE_AT_OBSERVATION,
    AGE_NOT_A_NUMBER,
    AGE_OVER_LIMIT,
    DATE_IN_FUTURE,
    DATE_UNKNOWN_FORM,
    DATE_NO_SUCH_MONTH,
    DATE_NOT_REAL,
    DATE_BEFORE_YEAR,
    DATE_TWO_DIGIT_YEAR,
    DATE_ONE_ORDER_ONLY,
    DUPLICATE_ID,
    DERIVED_DUPLICATE,
    ROW_TOO_WIDE,
    ROW_VALUES_OUTSIDE_HEADER,
    NOT_VALID_JSON,
    NOT_A_JSON_OBJECT,
)

# --- whole files refused (.readers, .header, .validation, .importer, .encoding, .ownership,
# .xlsx_guard, .limits) ---

FILE_EMPTY = N_("{file}: the file is empty. Nothing was imported.")
OLD_EXCEL = N_(
    "{file}: the old Excel format (.xls) is not read. Open it in Excel or LibreOffice and "
    "save it as .xlsx or 'CSV UTF-8'."
)
#: `looks` is one of LOOKS_LIKE (or empty).
NOT_A_WORKBOOK = N_(
    "{file}: the name says Excel workbook (.xlsx) but the content is not one{looks}. If it "
    "is a CSV file, rename it to .csv."
)
#: `what` is one of CONTENT_KINDS.
TEXT_IS_NOT_TEXT = N_(
    "{file}: the name says {suffix} text but the content is {what}. Give the file its real "
    "extension (.xlsx for a workbook) or export it as CSV."
)
UNKNOWN_FILE_TYPE = N_(
    "{file}: unknown file type '{suffix}'. Kintrace imports .csv (also .tsv, .txt), .xlsx and "
    ".jsonl (JSON Lines) files."
)
COLUMN_TWICE = N_(
    "{file}: the column '{name}' appears twice in the header (columns {first} and {second}). "
    "Rename or remove one of them."
)
HEADER_LINE_EMPTY = N_("{file}: the header line is empty; the first line must name the columns.")
ENCODING_CHANGES = N_(
    "{file}: after row {row} the text is no longer in the encoding the start of the file "
    "uses. Save the whole file as 'CSV UTF-8' and import it again."
)
ROW_UNREADABLE = N_("{file}: row {row} cannot be read ({why}).")
NOT_OPENED_AS_WORKBOOK = N_(
    "{file}: cannot be opened as an Excel workbook ({why}). Open it in Excel or LibreOffice "
    "and save it again as .xlsx, or export it as CSV."
)
SHEET_EMPTY = N_("{file}: the sheet '{sheet}' is empty.")
SHEET_DAMAGED = N_(
    "{file}: the sheet cannot be read after its row {row} ({why}): the workbook is damaged. "
    "Open it in Excel or LibreOffice and save it again as .xlsx, or export it as CSV."
)
JSONL_NOT_UTF8 = N_(
    "{file}: JSON Lines files must be UTF-8, and this one is not. Save it as UTF-8 and "
    "import it again."
)
JSON_ARRAY = N_(
    "{file}: this is a JSON array, not JSON Lines. Write one JSON object per line (for "
    "example with `jq -c '.[]'`) and import that."
)
JSONL_NOT_AN_OBJECT = N_(
    "{file}: the name says JSON Lines but the first line is not a JSON object. If it is a "
    "CSV file, rename it to .csv."
)
LINE_NOT_UTF8 = N_("{file}: line {line} is not UTF-8. Save the file as UTF-8.")
HEADER_ROWS = N_("{file}: the header is one or two rows, not {rows}.")
HEADER_ROW_FROM_ONE = N_("{file}: the header row is counted from 1; got {row}.")
HEADER_ROW_EMPTY = N_(
    "{file}: row {row} is empty or beyond the first {rows} rows; give the number of the row "
    "that names the columns, as the spreadsheet shows it."
)
NO_HEADER = N_("{file}: the file has no header row (all of it is empty).")
SECOND_HEADER_ROW = N_(
    "{file}: a two-row header needs a second row under row {row}; it is empty or missing."
)
SOURCE_OPTION_NOT_AN_ID = N_(
    "{file}: --source '{value}' is not a short id: use letters, digits, '_', '-' or '.', at "
    "most 64 characters (e.g. camp-list-7)."
)
MAPPED_ID_MISSING = N_(
    "{file}: the column map names '{name}' as the id column, and this file has no such "
    "column (found: {found}). Correct the map, or the file's header."
)
NO_ID_COLUMN = N_(
    "{file}: there is no record_id column (found: {found}). Every row needs an id unique "
    "within its source: add or rename the column."
)
NO_SOURCE_COLUMN = N_(
    "{file}: there is no source column and the import names no source. Add --source NAME, "
    "or a source column."
)
NO_NAME_COLUMN = N_(
    "{file}: there is no name column (found: {found}). Kintrace recognises surname, given "
    "name and full name columns in Ukrainian, Russian and English (Прізвище, Ім'я, ПІБ, "
    "Фамилия, Имя, ФИО, Surname, First name, Full name ...); map the name columns with --map "
    "(or the web mapping step), see docs/formats.md."
)
NO_ROWS = N_("{file}: the file has a header but no rows. Nothing was imported.")
IDS_FROM_A_COLUMN = N_(
    "{file}: this file has no id column, and the records of source '{name}' have ids from "
    "one. Map the file's id column (--map, or the web mapping step), or import the file as "
    "another source. Nothing was imported."
)
IDS_DERIVED = N_(
    "{file}: this file has an id column, and source '{name}' was imported without one (its "
    "ids are derived from each row). Map the id column to 'ignore' to go on that way, or "
    "import the file as another source. Nothing was imported."
)
MONTH_FIRST_FILE = N_(
    "{file}: dates such as the one in row {row} read only as month/day/year (US order), and "
    "no date in the file reads only day/month/year. Nothing was imported: if the list writes "
    "the month first, import it with --date-order month-first (on the web: date order); see "
    "docs/formats.md, 'Dates'."
)
#: `looks` is LOOKS_LIKE_ENCODING (or empty), `why` one of ENCODING_WHY.
UNKNOWN_ENCODING = N_(
    "{file}: cannot tell the text encoding{looks}: it is not UTF-8: {why}. Kintrace reads "
    "UTF-8, UTF-16 with a BOM, Windows-1251 and KOI8-U. Save the file as 'CSV UTF-8' and "
    "import it again."
)
#: A file over an import limit (`kintrace.registry.limits.refuse`): `where` one of WHERE (or
#: empty), `what` one of OVER_LIMIT, `hint` one of LIMIT_HINTS.
OVER_A_LIMIT = N_(
    "{file}: {where}{what}; the limit is {limit} ({setting}). Nothing of this file was "
    "imported. {hint}"
)
FOREIGN_SOURCE = N_(
    "{file}: the source '{name}' belongs to another agency, so this file cannot be imported "
    "into it. Give the list a source name of your own (the source column, or --source / the "
    "source field) and import it again. Nothing was imported."
)
TOO_MANY_ENTRIES = N_(
    "{file}: the archive holds {entries} entries; an Excel workbook has a few dozen (at most "
    "{most} are read). It is not a workbook Kintrace can import: save the sheet as 'CSV "
    "UTF-8' and import that."
)
HEADER_UNREADABLE = N_("{file}: the first lines cannot be read as a header ({why}).")
FILE_UNREADABLE = N_("{file}: cannot be read ({why}).")
NO_SUCH_FILE = N_("{file}: no such file. Check the path.")
NO_SUCH_SHEET = N_("{file}: there is no sheet '{sheet}'. Its sheets are: {names}.")
MAP_FOR_ANOTHER_SOURCE = N_(
    "{file}: the column map is for the source '{value}', and the import names '{option}'. "
    "Use the map made for this source, or correct --source."
)
DATABASE_BUSY = N_(
    "{file}: the database is busy: another import or command is writing to it. Nothing of "
    "this file was imported; run the import again when that has finished."
)
#: Where the header is, as the web's mapping step or --header-row/--header-rows gave it
#: (`kintrace.registry.mapfile.ReadOptions`), before a file is named.
HEADER_ROW_GIVEN = N_("the header row is counted from 1; got {row}.")
HEADER_ROWS_GIVEN = N_("the header is one or two rows; got {rows}.")

FILE_REFUSALS = (
    FILE_EMPTY,
    OLD_EXCEL,
    NOT_A_WORKBOOK,
    TEXT_IS_NOT_TEXT,
    UNKNOWN_FILE_TYPE,
    COLUMN_TWICE,
    HEADER_LINE_EMPTY,
    ENCODING_CHANGES,
    ROW_UNREADABLE,
    NOT_OPENED_AS_WORKBOOK,
    SHEET_EMPTY,
    SHEET_DAMAGED,
    JSONL_NOT_UTF8,
    JSON_ARRAY,
    JSONL_NOT_AN_OBJECT,
    LINE_NOT_UTF8,
    HEADER_ROWS,
    HEADER_ROW_FROM_ONE,
    HEADER_ROW_EMPTY,
    NO_HEADER,
    SECOND_HEADER_ROW,
    SOURCE_OPTION_NOT_AN_ID,
    MAPPED_ID_MISSING,
    NO_ID_COLUMN,
    NO_SOURCE_COLUMN,
    NO_NAME_COLUMN,
    NO_ROWS,
    IDS_FROM_A_COLUMN,
    IDS_DERIVED,
    MONTH_FIRST_FILE,
    UNKNOWN_ENCODING,
    OVER_A_LIMIT,
    FOREIGN_SOURCE,
    TOO_MANY_ENTRIES,
    HEADER_UNREADABLE,
    FILE_UNREADABLE,
    NO_SUCH_FILE,
    NO_SUCH_SHEET,
    MAP_FOR_ANOTHER_SOURCE,
    DATABASE_BUSY,
    HEADER_ROW_GIVEN,
    HEADER_ROWS_GIVEN,
)

# --- parts a reason is put together from (values named where, what, hint, looks, why;
# DUPLICATE_WHERE above) ---

#: Where in a file a limit was passed (.limits, .readers, .xlsx_guard).
AT_ROW = N_("row {row}: ")
AT_CELL = N_("row {row}, column '{name}': ")
AT_LINE = N_("line {line}: ")
IN_SHARED_STRING = N_("in shared string no. {number}, ")
IN_SHEET_ROW = N_("in row {row} of the sheet ({part}), ")
AT_SHEET_ROW = N_("row {row} of the sheet ({part}): ")
WHERE = (AT_ROW, AT_CELL, AT_LINE, IN_SHARED_STRING, IN_SHEET_ROW, AT_SHEET_ROW)

#: What was found over a limit.
HEADER_COLUMNS = N_("the header names {count} columns")
ROW_COLUMNS = N_("the row has values in {count} columns")
VALUE_CHARACTERS = N_("the value has {count} characters")
ROW_CHARACTERS = N_("the row has {count} characters")
RECORD_TOO_LONG = N_(
    "the row is longer than the limit (or a quote is never closed, so the rest of the file "
    "reads as one value)"
)
LINE_TOO_LONG = N_("the line is longer than the limit")
PARTS_DECLARE = N_("the workbook's parts declare {count} bytes unpacked")
PART_UNPACKS = N_("its part {part} unpacks to more than the limit allows")
CELL_TOO_LONG = N_("a cell holds more characters than the limit allows")
TOO_MANY_SHARED_STRINGS = N_(
    "its shared-string table holds more distinct texts than the limit allows"
)
SHEET_ROW_TOO_LONG = N_("the row holds more characters than the limit allows")
OVER_LIMIT = (
    HEADER_COLUMNS,
    ROW_COLUMNS,
    VALUE_CHARACTERS,
    ROW_CHARACTERS,
    RECORD_TOO_LONG,
    LINE_TOO_LONG,
    PARTS_DECLARE,
    PART_UNPACKS,
    CELL_TOO_LONG,
    TOO_MANY_SHARED_STRINGS,
    SHEET_ROW_TOO_LONG,
)

#: What to do about a file over a limit.
CORRECT_OR_RAISE = N_("Correct the file, or raise the limit if the file is trusted.")
SAVE_AS_CSV_OR_RAISE = N_(
    "Save the sheet as 'CSV UTF-8' and import that, or raise the limit if the file is trusted."
)
LIMIT_HINTS = (CORRECT_OR_RAISE, SAVE_AS_CSV_OR_RAISE)

#: What a file looks like (.readers, .encoding): `looks` is LOOKS_LIKE with one of
#: CONTENT_KINDS, LOOKS_LIKE_TEXT, or LOOKS_LIKE with an encoding's name.
LOOKS_LIKE = N_(" (it looks like {what})")
LOOKS_LIKE_TEXT = N_(" (it looks like text)")
ZIP_FILE = N_("an Excel workbook or another ZIP file")
OLD_OFFICE_FILE = N_("an old Excel (.xls) or Word file")
PDF_FILE = N_("a PDF document")
CONTENT_KINDS = (ZIP_FILE, OLD_OFFICE_FILE, PDF_FILE)

#: Why a file's encoding is unknown (.encoding).
NUL_BYTES = N_("it contains NUL bytes (UTF-16 without a BOM, or binary)")
NOT_CYRILLIC = N_("its letters read as neither Ukrainian nor Russian")
ENCODING_WHY = (NUL_BYTES, NOT_CYRILLIC)

#: Every part, for the web's matching (`kintrace.web.problems`).
FRAGMENTS = (
    *DUPLICATE_WHERE,
    *WHERE,
    *OVER_LIMIT,
    *LIMIT_HINTS,
    LOOKS_LIKE,
    LOOKS_LIKE_TEXT,
    *CONTENT_KINDS,
    *ENCODING_WHY,
)

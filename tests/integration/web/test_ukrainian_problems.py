"""Issue 12, finding 7: import refusals, quarantine reasons, source kinds and the quarantine
form are Ukrainian; "see the file format" is a link to the format the app serves.

Every row and file below is synthetic test data.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.integration.web.conftest import csrf_of, upload

from kintrace.registry.importer import import_file
from kintrace.registry.quarantine import list_quarantine
from kintrace.registry.sources import SOURCE_KINDS
from kintrace.web import i18n, problems
from kintrace.web.vocabulary import SOURCE_KIND_LABELS

HEADER = "source,record_id,given_name,family_name,sex,birth_date,age,observed_on\n"
BAD_ROWS = [
    "s,r1,,,M,2012-01-01,,",  # no name
    "s,r2,Synthia,Testenko,X,2012-01-01,,",  # sex
    "s,r3,Synthia,Testenko,F,2999-01-01,,",  # future
    "s,r4,Synthia,Testenko,F,someday,,",  # not a date
    "s,r5,Synthia,Testenko,F,2012-13-01,,",  # no month 13
    "s,r6,Synthia,Testenko,F,2012-02-30,,",  # not a real date
    "s,r7,Synthia,Testenko,F,1800-01-01,,",  # before 1900
    "s,r8,Synthia,Testenko,F,,abc,",  # age not a number
    "s,r9,Synthia,Testenko,F,,40,",  # age over 25
    "s,r10,Synthia,Testenko,F,2012-01-01,,2011-01-01",  # observed before birth
    "s,r11,Synthia,Testenko,F,2000-01-01,,2026-01-01",  # over 25 at observation
    "bad source!,r12,Synthia,Testenko,F,2012-01-01,,",  # source not an id
    "s,,Synthia,Testenko,F,2012-01-01,,",  # empty id
    "s," + "x" * 201 + ",Synthia,Testenko,F,2012-01-01,,",  # id too long
    "s,r13,Synthia,Testenko,F,2012-01-01,,,extra",  # a cell too many
    "s,r14,Synthia,Testenko,F,2012-01-01,,",  # the same id twice, different content
    "s,r14,Synthia,Testenko,M,2012-01-01,,",
    "s,r15,Synthia,Testenko,F,31.12.89,,",  # two-digit year out of the window
]


def test_every_quarantine_reason_reads_in_ukrainian(sqlite_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "\n".join(BAD_ROWS) + "\n", encoding="utf-8")
    import_file(sqlite_store, path, actor="test")
    with sqlite_store.session() as db:
        reasons = {q.reason for q in list_quarantine(db)}
    assert len(reasons) >= 15, reasons
    uk = i18n.load_translations()["uk"].gettext
    for reason in reasons:
        assert problems.matches(reason), reason
        translated = problems.translate(reason, uk)
        assert translated != reason and re.search("[а-яіїєґ]", translated), reason
        assert "appears" not in translated, reason  # a repeated id's part is translated too


def test_every_template_has_a_ukrainian_translation_with_the_same_values() -> None:
    uk = i18n.load_translations()["uk"].gettext
    placeholder = re.compile(r"\{(\w+)\}")
    for template in problems.TEMPLATES:
        translated = uk(template)
        assert translated != template, template
        assert set(placeholder.findall(translated)) == set(placeholder.findall(template)), template


def test_every_reason_the_registry_writes_is_one_the_web_translates() -> None:
    """The registry's templates (kintrace.registry.reasons, issue 17) are the ones the web reads:
    each, filled in, is matched by its own template and shown in Ukrainian."""
    from kintrace.registry import reasons

    uk = i18n.load_translations()["uk"].gettext
    written = {v for k, v in vars(reasons).items() if k.isupper() and isinstance(v, str)}
    assert {*reasons.ROW_REASONS, *reasons.FILE_REFUSALS} <= set(problems.TEMPLATES)
    assert problems.FRAGMENTS == reasons.FRAGMENTS
    whole = written - set(reasons.FRAGMENTS) - set(reasons.DUPLICATE_WHERE)
    assert whole == {*reasons.ROW_REASONS, *reasons.FILE_REFUSALS}
    placeholder = re.compile(r"\{(\w+)\}")
    for template in sorted(whole):
        filled = template.format(**{k: "7" for k in placeholder.findall(template)})
        assert problems.matches(filled), template
        translated = problems.translate(filled, uk)
        assert translated != filled and re.search("[а-яіїєґ]", translated), template
    for where in reasons.DUPLICATE_WHERE:  # the part of a repeated id's reason, too
        translated = problems.translate(reasons.DUPLICATE_ID.format(where=where), uk)
        assert uk(where) != where and uk(where) in translated and "appears" not in translated


def test_header_rows_given_on_the_mapping_step_are_refused_in_ukrainian() -> None:
    """The mapping step shows ReadOptions' refusal of a header row it cannot use (its form
    takes any whole number): in the reader's language, with the number given."""
    import pytest

    from kintrace.registry.errors import ImportRefused
    from kintrace.registry.mapfile import ReadOptions

    uk = i18n.load_translations()["uk"].gettext
    for given in ({"header_row": 0}, {"header_rows": 3}):
        with pytest.raises(ImportRefused) as refused:
            ReadOptions(**given)  # type: ignore[arg-type]
        translated = problems.translate(str(refused.value), uk)
        assert "заголов" in translated and str(next(iter(given.values()))) in translated


def test_every_refusal_of_the_case_rules_and_review_is_one_the_web_translates() -> None:
    """The templates of kintrace.cases.refusals and kintrace.review.refusals (decision 0909)
    are the web's: each, filled in, is matched and shown in Ukrainian."""
    from kintrace.cases import refusals
    from kintrace.review import refusals as review_refusals

    uk = i18n.load_translations()["uk"].gettext
    assert problems.PHRASES == refusals.PHRASES
    assert all(uk(phrase) != phrase for phrase in refusals.PHRASES)
    placeholder = re.compile(r"\{(\w+)\}")
    for template in (*refusals.REFUSALS, *review_refusals.REFUSALS):
        assert template in problems.TEMPLATES, template
        filled = template.format(**{k: "7" for k in placeholder.findall(template)})
        translated = problems.translate(filled, uk)
        assert translated != filled and re.search("[а-яіїєґ]", translated), template


def test_column_names_in_reasons_are_translated() -> None:
    uk = i18n.load_translations()["uk"].gettext
    text = problems.translate("birth_date '2999-01-01' is in the future", uk)
    assert text.startswith(uk("birth_date")) and "2999-01-01" in text and "future" not in text
    assert problems.translate("something no template knows", uk) == "something no template knows"


def test_source_kinds_are_all_listed_and_translated() -> None:
    uk = i18n.load_translations()["uk"]
    assert set(SOURCE_KINDS) == set(SOURCE_KIND_LABELS)
    assert [k for k in SOURCE_KINDS if uk.gettext(k) == k] == []


def _in_ukrainian(client) -> str:  # type: ignore[no-untyped-def]
    """The user's saved language becomes Ukrainian (the test users are made with English)."""
    token = csrf_of(client, "/import")
    r = client.post("/language", data={"language": "uk", "back": "/", "csrf_token": token})
    assert r.status_code == 200
    return token


def test_refused_files_and_quarantine_page_in_ukrainian(signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("u-caseworker")
    token = _in_ukrainian(client)
    empty = client.post(
        "/import",
        data={"csrf_token": token, "source": ""},
        files={"file": ("empty.csv", b"", "text/csv")},
    )
    assert "файл порожній" in empty.text and "the file is empty" not in empty.text
    old = client.post(
        "/import",
        data={"csrf_token": token, "source": ""},
        files={"file": ("old.xls", b"\xd0\xcf\x11\xe0 synthetic", "application/vnd.ms-excel")},
    )
    assert "старий формат Excel" in old.text and "old Excel format" not in old.text
    body = (HEADER + "s,q1,Synthia,Testenko,X,2012-01-01,,\n").encode()
    _, done = upload(client, token, "rows.csv", body)
    assert "стать «X» не є однією з M, F" in done.text  # type: ignore[attr-defined]
    page = client.get("/quarantine").text
    assert "is not one of M, F" not in page and "стать «X»" in page
    assert f">{i18n.load_translations()['uk'].gettext('birth_date')}</label>" in page


def test_see_the_file_format_is_a_link_the_app_serves(signed_in) -> None:  # type: ignore[no-untyped-def]
    """The import page's "see the records file format" opens a page of the workspace in the
    reader's language (Ukrainian here), with the columns the importer really recognises; the
    full docs/formats.md is linked from it as text."""
    from kintrace.registry.columns import FIELDS, SYNONYMS

    client = signed_in("u-caseworker")
    _in_ukrainian(client)
    page = client.get("/import").text
    assert '<a href="/help/formats">' in page
    served = client.get("/help/formats")
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/html")
    html = served.text
    uk = i18n.load_translations()["uk"].gettext
    assert html.lstrip().startswith("<!doctype html>") and '<html lang="uk">' in html
    assert f"<h1>{uk('Records file format')}</h1>" in html
    assert "Формат файлу записів" in html and "Records file format" not in html
    for field in FIELDS:  # every field, with headers from the importer's own table
        assert f"<code>{field}</code>" in html, field
    assert "прізвище" in SYNONYMS["family_name"] and "прізвище" in html
    assert "дата рождения" in html and "по батькові" in html and "date of birth" in html
    assert "піб" in html and "Піб" not in html  # as the table writes it, not capitalised
    assert "Windows-1251" in html and "05.03.2014" in html
    main = html.split("<main", 1)[1]
    prose = main.split("<table", 1)[0] + main.split("</table>", 1)[1]  # the headers are data
    text = re.sub(r"<[^>]+>", " ", prose)
    english = re.findall(r"\b(?:the|is|are|and|of|with|file|files|column|row)\b", text)
    assert english == [], english  # no English sentence left on the Ukrainian page
    assert '<a href="/help/formats.md">' in html
    full = client.get("/help/formats.md")
    assert full.status_code == 200 and full.headers["content-type"].startswith("text/plain")
    docs = Path(__file__).parents[3] / "docs" / "formats.md"
    assert full.text == docs.read_text(encoding="utf-8")
    english_page = signed_in("u-reviewer").get("/help/formats").text
    assert "<h1>Records file format</h1>" in english_page  # a user who reads English


def test_link_run_stages_and_custody_events_read_in_ukrainian() -> None:
    """Each stage a link run reports (`say(...)` in the linkage area and the link service) and
    each custody event has a Ukrainian text."""
    from kintrace.evidence.custody import Event
    from kintrace.services.linkruns import WAITING
    from kintrace.web.vocabulary import CUSTODY_EVENT_LABELS

    uk = i18n.load_translations()["uk"].gettext
    src = Path(problems.__file__).parents[1]
    stages = {WAITING}
    for path in [*(src / "linkage").glob("*.py"), src / "services" / "linkruns.py"]:
        for literal in re.findall(r'say\(f?"([^"]+)"\)', path.read_text(encoding="utf-8")):
            stages.add(re.sub(r"\{[^}]+\}", "7", literal))
    assert len(stages) >= 10
    for stage in stages:
        assert problems.translate(stage, uk) != stage, stage
    assert {e.value for e in Event} <= set(CUSTODY_EVENT_LABELS)
    assert [label for label in CUSTODY_EVENT_LABELS if uk(label) == label] == []


def test_refused_case_moves_and_assignments_read_in_ukrainian() -> None:
    """Refusals made by the case rules themselves (kintrace.cases) are matched and translated,
    the states, roles and phrases inside them too."""
    from datetime import date

    import pytest

    from kintrace.cases import (
        CaseState,
        Change,
        Facet,
        ReturnStage,
        Role,
        WorkflowRefused,
        check,
        check_assignment,
    )

    uk = i18n.load_translations()["uk"].gettext
    today = date(2026, 3, 1)
    refusals = []
    attempts = [
        (CaseState(), Change(Facet.IDENTITY, "nowhere"), Role.CASEWORKER),
        (CaseState(), Change(Facet.RETURN, "returned"), Role.CASEWORKER),
        (CaseState(), Change(Facet.WHEREABOUTS, "known"), Role.ANALYST),
        (CaseState(), Change(Facet.WHEREABOUTS, "known"), Role.CASEWORKER),
        (
            CaseState(),
            Change(Facet.WHEREABOUTS, "known", place="Kherson", on=date(2030, 1, 1)),
            Role.CASEWORKER,
        ),
        (CaseState(return_stage=ReturnStage.CLOSED, closed_reason="x"),
         Change(Facet.IDENTITY, "verified", note="n"), Role.CASEWORKER),
        (CaseState(), Change(Facet.RETURN, "requested"), Role.CASEWORKER),
    ]  # fmt: skip
    for state, change, role in attempts:
        with pytest.raises(WorkflowRefused) as refused:
            check(state, change, role=role, today=today)
        refusals.append(str(refused.value))
    for kwargs in (
        {"assignee_role": None, "current": None, "actor_role": Role.CASEWORKER},
        {"assignee_role": Role.ANALYST, "current": None, "actor_role": Role.CASEWORKER},
        {"assignee_role": Role.CASEWORKER, "current": None, "actor_role": Role.REVIEWER},
        {"assignee_role": Role.CASEWORKER, "current": "other", "actor_role": Role.CASEWORKER},
    ):
        with pytest.raises(WorkflowRefused) as refused:
            check_assignment(actor="me", assignee="synthetic.user", **kwargs)  # type: ignore[arg-type]
        refusals.append(str(refused.value))
    assert len(set(refusals)) == len(refusals)
    for text in refusals:
        translated = problems.translate(text, uk)
        assert translated != text and "Refused" not in translated, text
    needs = problems.translate(refusals[3], uk)
    assert uk("the place (--place)") in needs and uk("whereabouts") in needs


def test_another_agencys_source_is_refused_in_ukrainian(signed_in) -> None:  # type: ignore[no-untyped-def]
    partner = signed_in("u-partner")
    token = _in_ukrainian(partner)
    body = b"source,record_id,given_name,family_name\nlist-a,a1,X,Y\n"
    _, r = upload(partner, token, "synthetic.csv", body)
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert "не належить вашій організації" in r.text and "not your agency" not in r.text  # type: ignore[attr-defined]


#: English words of the refusals' parts; none may be left once a refusal is translated (file
#: names, numbers, settings such as KINTRACE_IMPORT_MAX_COLUMNS and 'CSV UTF-8' are values)
_ENGLISH = re.compile(
    r"\b(the|row|line|column|columns|limit|characters|holds|has|declare|unpacks|raise|trusted|"
    r"Correct|Save|import|looks|neither|contains|shared|cell|value|workbook|file|Nothing)\b"
)


def _refusal(path: Path, limits) -> str:  # type: ignore[no-untyped-def]
    import pytest

    from kintrace.registry.errors import ImportRefused
    from kintrace.registry.readers import open_reader

    with pytest.raises(ImportRefused) as refused:
        reader = open_reader(path, limits=limits)
        try:
            list(reader.rows())
        finally:
            reader.close()
    return str(refused.value)


def test_issue11_limit_refusals_read_whole_in_ukrainian(tmp_path: Path) -> None:
    """Hostile-file refusals (issue 11) are put together from where, what and a hint: each part
    is translated, not only the frame around it. Every kind of refusal the readers make."""
    import json
    import zipfile

    from kintrace.registry.limits import ImportLimits
    from support import hostile

    small = ImportLimits(max_columns=5, max_field_chars=1000, max_row_chars=2000)
    texts = []
    wide = tmp_path / "wide.csv"
    wide.write_text("record_id,given_name,a,b,c,d,e\nr1,Anna,,,,,\n", encoding="utf-8")
    texts.append(_refusal(wide, small))  # the header names 7 columns
    wide.write_text("record_id,given_name\nr1,Anna" + ",x" * 6 + "\n", encoding="utf-8")
    texts.append(_refusal(wide, small))  # the row has values in 8 columns
    long = tmp_path / "long.csv"
    long.write_text("record_id,notes\nr1," + "n" * 1500 + "\n", encoding="utf-8")
    texts.append(_refusal(long, small))  # row 2, column 'notes': the value has 1,500 characters
    long.write_text("record_id,notes,more\nr1," + "n" * 900 + "," + "m" * 900 + "\n")
    texts.append(
        _refusal(long, ImportLimits(max_field_chars=1000, max_row_chars=1500))
    )  # the row has 1,803 characters
    long.write_text('record_id,notes\nr1,"open\n' + "r2,text\n" * 400, encoding="utf-8")
    texts.append(_refusal(long, small))  # a quote never closed
    lines = tmp_path / "rows.jsonl"
    lines.write_text(json.dumps({"record_id": "r1", "notes": "n" * 3000}) + "\n")
    texts.append(_refusal(lines, small))  # line 1: the line is longer than the limit
    strings = hostile.many_short_shared_strings(tmp_path / "strings.xlsx", count=3000)
    texts.append(_refusal(strings, ImportLimits(xlsx_max_shared_strings=2000)))
    big = hostile.one_huge_shared_string(tmp_path / "big.xlsx", mebibytes=3)
    texts.append(_refusal(big, ImportLimits(xlsx_max_unpacked_bytes=2 << 20)))
    texts.append(
        _refusal(
            big,
            ImportLimits(
                xlsx_max_part_bytes=1 << 20, max_field_chars=8 << 20, max_row_chars=8 << 20
            ),
        )
    )  # its part xl/sharedStrings.xml unpacks to more than the limit allows
    cell = hostile.huge_inline_cell(tmp_path / "cell.xlsx", mebibytes=2)
    texts.append(_refusal(cell, ImportLimits()))  # a cell holds more characters ...
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(many, "w") as archive:
        for index in range(10_001):
            archive.writestr(f"x/{index}", b"")
    texts.append(_refusal(many, ImportLimits()))  # the archive holds 10,001 entries
    pdf = tmp_path / "scan.csv"
    pdf.write_bytes(b"%PDF-1.4 synthetic")
    texts.append(_refusal(pdf, ImportLimits()))  # the content is a PDF document
    assert len(set(texts)) == len(texts) == 12, texts
    uk = i18n.load_translations()["uk"].gettext
    for text in texts:
        translated = problems.translate(text, uk)
        assert translated != text, text
        assert not _ENGLISH.search(translated.split(": ", 1)[1]), (text, translated)
        for number in re.findall(r"\d[\d,]*", text):
            assert number in translated, (text, translated)  # the values are all put back


def test_fragments_keep_their_spaces_and_values() -> None:
    """A part written next to another ("row 3: " + "the value ...") keeps its trailing space or
    comma in Ukrainian, and every fragment has a translation with the same placeholders."""
    uk = i18n.load_translations()["uk"].gettext
    placeholder = re.compile(r"\{(\w+)\}")
    for fragment in problems.FRAGMENTS:
        translated = uk(fragment)
        assert translated != fragment, fragment
        assert set(placeholder.findall(translated)) == set(placeholder.findall(fragment))
        assert translated[:1].isspace() == fragment[:1].isspace(), fragment
        assert (
            translated[-2:].strip() == ""
            or fragment[-2:].strip() != ""
            or (translated[-2:] == fragment[-2:])
        ), fragment
    assert problems.translate("x.csv: row 1: something new; the limit is 5 (K). Nothing of this "
        "file was imported. Correct the file, or raise the limit if the file is trusted.", uk
    ).count("something new") == 1  # fmt: skip

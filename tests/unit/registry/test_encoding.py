"""Encoding detection on short Cyrillic lists, where Windows-1251 and KOI8-U are easily confused.
All names are synthetic."""

from __future__ import annotations

import codecs

import pytest

from kintrace.registry.encoding import detect_encoding
from kintrace.registry.errors import ImportRefused

SAMPLES = [
    "record_id;family_name;given_name\n1;КОВАЛЕНКО;ОЛЕКСАНДР\n",  # capitals, Ukrainian
    "record_id,family_name,given_name\n1,Коваленко,Олександр\n",  # title case
    "1;ІВАНЕНКО;МАРІЯ;Київ\n",  # Ukrainian letters і/ї
    "1,Белоус,Александр,Подольск\n",  # Russian
    "ЖУК ЮЛІЯ\n",  # very short
    "Ющенко Єва, Гнатюк Ґражина\n",  # є and ґ
    "ЩУР ЯНА; Шевченко Тарас Григорович; 2014-03-05\n",
]


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("encoding", ["cp1251", "koi8_u"])
def test_single_byte_cyrillic_is_told_apart(text: str, encoding: str) -> None:
    assert detect_encoding(text.encode(encoding), file_label="f.csv") == encoding


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Коваленко,Олена\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "Коваленко\n".encode(), "utf-8-sig"),
        ("Коваленко\n".encode("utf-16"), "utf-16"),  # Excel's "Unicode text" has a BOM
        (b"record_id,given_name\n1,Olena\n", "utf-8"),  # plain ASCII
        ("Коваленко".encode()[:-1], "utf-8"),  # a sample cut inside a character
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "ascii", "cut-sample"],
)
def test_unicode_files(data: bytes, expected: str) -> None:
    assert detect_encoding(data, file_label="f.csv") == expected


@pytest.mark.parametrize(
    "data",
    [
        "Hélène Müller; Zürich; Besançon; François\n".encode("cp1252"),  # Western European
        "Коваленко Олена\n".encode("utf-16-le"),  # UTF-16 without BOM
        bytes(range(128, 256)) * 4,  # binary noise
    ],
    ids=["cp1252", "utf16-no-bom", "binary"],
)
def test_unknown_encodings_are_refused_not_guessed(data: bytes) -> None:
    with pytest.raises(ImportRefused, match="cannot tell the text encoding") as caught:
        detect_encoding(data, file_label="list.csv")
    assert "list.csv" in str(caught.value) and "UTF-8" in str(caught.value)

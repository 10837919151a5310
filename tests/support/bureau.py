"""Lists as a Ukrainian tracing bureau keeps them (issue 12, finding 1): saved from Excel in
Windows-1251 with ';', headers in Ukrainian (or Russian), dates dd.mm.yyyy, no id column,
sometimes a title row above the header. SYNTHETIC: every name and date is invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import openpyxl
from tests.integration.linkage.synthetic import GIVEN, PLACES, SURNAMES

# (Ukrainian masculine, Ukrainian feminine, Russian masculine, Russian feminine)
PATRONYMICS = [
    ("Петрович", "Петрівна", "Петрович", "Петровна"),
    ("Іванович", "Іванівна", "Иванович", "Ивановна"),
    ("Миколайович", "Миколаївна", "Николаевич", "Николаевна"),
    ("Сергійович", "Сергіївна", "Сергеевич", "Сергеевна"),
    ("Андрійович", "Андріївна", "Андреевич", "Андреевна"),
]
UKRAINIAN_HEADER = ["Прізвище", "Ім'я", "По батькові", "Дата народження", "Стать",
                    "Місце народження"]  # fmt: skip
RUSSIAN_HEADER = ["№ п/п", "Фамилия", "Имя", "Отчество", "Дата рождения", "Пол",
                  "Место рождения"]  # fmt: skip
TITLE = "Список дітей (СИНТЕТИЧНІ ДАНІ, вигадані для тестів)"


@dataclass(frozen=True)
class Child:
    given: tuple[str, str, str, str, str]
    surname: tuple[str, str, str, str, str]
    patronymic: tuple[str, str, str, str]
    born: date
    place: tuple[str, str, str]

    @property
    def female(self) -> bool:
        return self.given[4] == "F"

    def ukrainian(self) -> list[str]:
        """The child as a Ukrainian family report writes it."""
        return [
            self.surname[1] if self.female else self.surname[0],
            self.given[0],
            self.patronymic[1] if self.female else self.patronymic[0],
            self.born.strftime("%d.%m.%Y"),
            "жін." if self.female else "чол.",
            self.place[0],
        ]

    def russian(self, number: int) -> list[str]:
        """The child as a Russian camp list writes it (a serial number first)."""
        return [
            str(number),
            self.surname[3] if self.female else self.surname[2],
            self.given[1],
            self.patronymic[3] if self.female else self.patronymic[2],
            self.born.strftime("%d.%m.%Y"),
            "ж" if self.female else "м",
            self.place[1],
        ]


def children(n: int, *, seed: int = 12) -> list[Child]:
    """`n` invented children, all different (name, birth date and place drawn at random)."""
    rng = random.Random(seed)
    made: list[Child] = []
    for _ in range(n):
        made.append(
            Child(
                given=rng.choice(GIVEN),
                surname=rng.choice(SURNAMES),
                patronymic=rng.choice(PATRONYMICS),
                born=date(2008, 1, 1) + timedelta(days=rng.randrange(14 * 365)),
                place=rng.choice(PLACES),
            )
        )
    return made


def family_list_csv(path: Path, kids: list[Child], *, title: bool = False) -> Path:
    """The Ukrainian list of finding 1: Windows-1251, ';', Ukrainian headers, dd.mm.yyyy."""
    lines = [TITLE] if title else []
    lines.append(";".join(UKRAINIAN_HEADER))
    lines += [";".join(child.ukrainian()) for child in kids]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    return path


def camp_list_csv(path: Path, kids: list[Child]) -> Path:
    """The same children as a Russian camp list: Russian headers, a serial-number column."""
    lines = [";".join(RUSSIAN_HEADER)]
    lines += [";".join(child.russian(n)) for n, child in enumerate(kids, start=1)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    return path


def family_list_xlsx(path: Path, kids: list[Child]) -> Path:
    """The Ukrainian list as an Excel workbook: a title row, then "Дитина" merged over the three
    name columns and the other headings merged down over the two header rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([TITLE])
    sheet.merge_cells("A1:F1")
    sheet.append(["Дитина", None, None, "Дата народження", "Стать", "Місце народження"])
    sheet.append(["Прізвище", "Ім'я", "По батькові", None, None, None])
    sheet.merge_cells("A2:C2")
    for column in "DEF":
        sheet.merge_cells(f"{column}2:{column}3")
    for child in kids:
        sheet.append(child.ukrainian())
    book.save(path)
    return path

"""What the per-kind row builders share: the generation context and name-level noise."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from generators.second import noise
from generators.second.model import SYNTHETIC, Source
from generators.second.population import Child, Family
from generators.second.script import feminine_ru, russify
from generators.second.tables import Surname, Tables


@dataclass
class Context:
    """One generation run: its random stream, tables and per-family scratch space.

    `scratch` is cleared for every family; builders keep there what siblings share in one
    source (a camp transport, an adoptive family, a report filed for all the children).
    """

    rng: random.Random
    tables: Tables
    camp_groups: dict[str, int]
    scratch: dict[str, object] = field(default_factory=dict)
    used_numbers: dict[str, set[int]] = field(default_factory=dict)

    def number(self, key: str) -> int:
        """A fresh random number for `key` (a list's reports, cases...), unique within it.

        Random rather than counted: numbers given in the order families are made would tell a
        linker which groups of two lists belong together.
        """
        used = self.used_numbers.setdefault(key, set())
        while True:
            n = self.rng.randrange(10_000_000)
            if n not in used:
                used.add(n)
                return n


def empty_row(source: Source) -> dict[str, str]:
    row = dict.fromkeys(source.columns, "")
    row["source"] = source.name
    row["synthetic"] = SYNTHETIC
    return row


def maybe_typo(text: str, rate: float, layout: str, rng: random.Random) -> str:
    if text and rng.random() < rate:
        return noise.typo(text, rng, layout)
    return text


def russian_surname(surname: Surname, sex: str, *, strict: bool) -> str:
    """The child's surname in Russian letters, in the Russian gendered form."""
    masculine = surname.ru or russify(surname.uk, strict=strict)
    if sex == "M" or surname.feminine == surname.uk:
        return masculine
    return feminine_ru(masculine)


def patronymic_uk(child: Child) -> str:
    return child.father.uk_m if child.sex == "M" else child.father.uk_f


def patronymic_ru(child: Child) -> str:
    return child.father.ru_m if child.sex == "M" else child.father.ru_f


def family_group(ctx: Context, family: Family, key: str, share: float, label: str) -> str:
    """A group id siblings of one family share in one source (or '' when not grouped).

    `label` is a format with one field for the number, e.g. "CASE-{:07d}".
    """
    if len(family.children) < 2:
        return ""
    if key not in ctx.scratch:
        grouped = ctx.rng.random() < share
        ctx.scratch[key] = label.format(ctx.number(key)) if grouped else ""
    return str(ctx.scratch[key])

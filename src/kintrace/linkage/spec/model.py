"""The Kintrace model: one child across Ukrainian, Russian and Latin lists.

Each comparison's levels follow what the lists do to a child's details (see docs/linkage.md):
names are respelt across scripts, Russified, shortened to diminutives and sometimes replaced;
birth dates are swapped day/month, mistyped, reduced to a year or an age, and sometimes changed;
birthplaces are replaced in adoption listings. Every column is precomputed by
`kintrace.linkage.features` so the SQL below stays the same on every backend.
"""

from __future__ import annotations

from kintrace.linkage.spec.base import (
    BlockingRule,
    EitherSide,
    Level,
    ModelSpec,
    Thresholds,
    Training,
    close,
    comparison,
    custom,
    else_level,
    exact,
    null_level,
    rule,
)
from kintrace.linkage.spec.kinds import KINTRACE_KINDS, SourceKind

#: Feature columns the model reads, with their meaning. `features.py` produces exactly these.
FEATURE_COLUMNS: dict[str, str] = {
    "uid": "integer key of the record inside a run",
    "source": "source of the record (kept for explanations and exports)",
    "source_kind": "kind of source: family, registry, camp, adoption, partner, unknown",
    "given_key": "script-independent matching key of the given name",
    "given_class": "Ukrainian/Russian equivalence class of the given name (Олександр = Александр)",
    "given_classes": "every class of the given name, as '|c1|c2|' (Славко: Ярослав, Вячеслав ...)",
    "given_is_dim": "1 when the given name is only known as a diminutive (Сашко, Женя), else 0",
    "family_key": "matching key of the family name",
    "family_stem": "family name key without gender and Russified endings (Ковальова = Ковалев)",
    "patronymic_key": "matching key of the patronymic",
    "patronymic_class": "class of the father's given name the patronymic is formed from",
    "sex": "M or F",
    "birth_days": "birth date as days since 1970-01-01, only when the day is known",
    "birth_ym": "year*12 + month - 1, when at least the month is known",
    "birth_year": "birth year, when a date (full or partial) gives it",
    "birth_month": "birth month when known",
    "birth_day": "birth day when known",
    "birth_year_min": "earliest birth year consistent with the date or the stated age",
    "birth_year_max": "latest birth year consistent with the date or the stated age",
    "birth_place_key": "matching key of the birthplace (any script)",
    "last_place_key": "matching key of the last known place (any script)",
    "group_key": "derived key of (source, group_id): rows the source lists together (siblings "
    "in a report or an adoption listing, a camp transport); None without a group_id",
}

_ONE_SIDE_NO_DAY = "(birth_days_l IS NULL OR birth_days_r IS NULL)"
_ONE_SIDE_NO_MONTH = "(birth_ym_l IS NULL OR birth_ym_r IS NULL)"

# Partial dates reach only the levels their precision allows; two full dates months apart are
# evidence against (look-alike children share name, surname, year and place), so "same year"
# is split by whether both months are known.
_BIRTH_DATE_LEVELS = [
    null_level("birth_year_min"),
    exact("birth_days", label="same date"),
    custom(
        "birth_day_l = birth_month_r AND birth_month_l = birth_day_r "
        "AND birth_year_l = birth_year_r AND birth_day_l <> birth_month_l",
        label="day and month swapped",
    ),
    custom(
        f"birth_ym_l = birth_ym_r AND {_ONE_SIDE_NO_DAY}",
        label="same month (day unknown on one side)",
    ),
    custom(
        "abs(birth_days_l - birth_days_r) <= 62 "
        f"OR (abs(birth_ym_l - birth_ym_r) <= 2 AND {_ONE_SIDE_NO_DAY})",
        label="within 2 months",
    ),
    custom(
        f"birth_year_l = birth_year_r AND {_ONE_SIDE_NO_MONTH}",
        label="same year (month unknown on one side)",
    ),
    exact("birth_year", label="same year, months apart"),
    custom(
        "birth_year_min_l <= birth_year_max_r AND birth_year_min_r <= birth_year_max_l",
        label="consistent with stated age",
    ),
    custom(
        "birth_month_l = birth_month_r AND birth_day_l = birth_day_r",
        label="same day and month, years apart",
    ),
    custom(
        "birth_year_min_l <= birth_year_max_r + 1 AND birth_year_min_r <= birth_year_max_l + 1",
        label="within 1 year",
    ),
    else_level(),
]


#: Adoption listings replace the surname and patronymic and often the birthplace of a child
#: (the documented pattern, `kinds.KINTRACE_KINDS`); in a pair with such a record those
#: differences are expected and say nothing about whether it is the same child, so they get
#: their own level with weight 0. (EM would instead learn how rare adoption records are among
#: matches, which is a prior, not evidence, and would push every renamed child below the review
#: floor.)


def _replaced(kinds: frozenset[SourceKind]) -> list[Level]:
    """The neutral level "different, one record of a kind that replaces this field", or nothing
    when no kind does."""
    sql = KINTRACE_KINDS.sql(kinds)
    if sql is None:
        return []
    return [custom(sql, label="different, one record from an adoption listing", neutral=True)]


def _place(column: str, what: str, *, replaced_by: frozenset[SourceKind]) -> list[Level]:
    levels = [
        null_level(column),
        exact(column, label=f"same {what} across scripts"),
        close(column, 0.88, label=f"close {what} spelling"),
        *_replaced(replaced_by),
    ]
    return [*levels, else_level()]


#: Conditions a blocking rule puts on a pair, from its purpose (decision 0326): a rule written
#: for records whose date, surname or name cannot be relied on pairs only where one record is
#: such a record; between two records that both have it, read at face value, the rules on that
#: field pair them already. The kinds come from the source-kind policy.
UNDATED = EitherSide(
    "undated", missing=("birth_days",), kinds=KINTRACE_KINDS.birth_date
)  # lacks a full birth date, or its kind replaces dates
MONTHLESS = EitherSide(
    "monthless", missing=("birth_ym",), kinds=KINTRACE_KINDS.birth_date
)  # lacks a birth month, or its kind replaces dates
SURNAMELESS = EitherSide(
    "surnameless", missing=("family_stem",), kinds=KINTRACE_KINDS.surname
)  # lacks a surname, or its kind replaces it
YEARLESS = EitherSide("yearless", missing=("birth_year",))  # an age or nothing, no birth year


def kintrace_spec(thresholds: Thresholds | None = None) -> ModelSpec:
    """The default model for Kintrace registries (dedupe across and within sources)."""
    comparisons = (
        comparison(
            "given_name",
            "Given name: same key, Ukrainian/Russian equivalent, diminutive, close spelling",
            [
                null_level("given_key"),
                exact("given_key", label="same name", tf=True),
                custom(
                    "given_class_l = given_class_r AND given_is_dim_l = 0 AND given_is_dim_r = 0",
                    label="Ukrainian/Russian equivalent",
                ),
                custom(
                    "given_class_l = given_class_r "
                    "OR instr(given_classes_r, '|' || given_class_l || '|') > 0 "
                    "OR instr(given_classes_l, '|' || given_class_r || '|') > 0",
                    label="diminutive or another form of the same name",
                ),
                close("given_key", 0.90, label="close spelling"),
                # Siblings and twins share everything but the given name, so EM (which sees them
                # as matches inside a family) learns too mild a penalty; a child's given name is
                # rarely replaced, even in adoption listings.
                else_level(fixed_m=0.01),
            ],
        ),
        comparison(
            "family_name",
            "Family name: same key, gender or Russified form of one stem, close spelling",
            [
                null_level("family_key"),
                exact("family_key", label="same surname", tf=True),
                exact("family_stem", label="gender or Russified form"),
                close("family_key", 0.88, label="close spelling"),
                *_replaced(KINTRACE_KINDS.surname),
                else_level(),
            ],
        ),
        comparison(
            "patronymic",
            "Patronymic: same key, formed from the same father's name, close spelling",
            [
                null_level("patronymic_key"),
                exact("patronymic_key", label="same patronymic"),
                exact("patronymic_class", label="same father's name"),
                close("patronymic_key", 0.88, label="close spelling"),
                *_replaced(KINTRACE_KINDS.patronymic),
                # EM drives this m towards zero (0.00044 at 20,000 demo children) and, on a
                # small registry, to exactly 0.0 by underflow, which Splink refuses; fixed
                # near what it learns on large data.
                else_level(fixed_m=0.0005),
            ],
        ),
        comparison(
            "birth_date",
            "Birth date by precision: day, swapped day/month, months, year, age range",
            _BIRTH_DATE_LEVELS,
        ),
        comparison(
            "sex",
            "Sex",
            [
                null_level("sex"),
                exact("sex", label="same sex"),
                # EM learns 2e-5 to 6e-5 (20,000 demo children, seeds 7 and 11) and underflowed
                # below what Splink accepts at seed 3, where the given-name block holds almost
                # no pair of two sexes that match; fixed at the order it learns
                else_level(fixed_m=0.0001),
            ],
        ),
        comparison(
            "birth_place",
            "Birthplace across scripts",
            _place("birth_place_key", "place", replaced_by=KINTRACE_KINDS.birth_place),
        ),
        comparison(
            "last_place",
            "Last known place across scripts",
            _place("last_place_key", "place", replaced_by=frozenset()),
            # circumstance, not identity: on the second generator's lists agreeing weighs -2.3
            # to 0 (children moved together; one child's lists name different places)
            identifying=False,
        ),
    )
    return ModelSpec(
        name="kintrace",
        comparisons=comparisons,
        blocking_rules=_BLOCKING,
        training=_TRAINING,
        thresholds=thresholds or Thresholds(),
        retain_columns=("source_kind", "given_class", "birth_days"),
        large_blocking_rules=_large_blocking_rules(),
        kinds=KINTRACE_KINDS,
    )


_BLOCKING = (
    rule(
        "given_class",
        "birth_year",
        "sex",
        why="survives a replaced surname and a changed birthplace or day",
    ),
    rule("birth_days", "sex", why="survives replaced names (adoption listings)"),
    rule("given_class", "birth_place_key", why="survives a changed or missing birth date"),
    rule("family_stem", "given_class", why="age-only and undated records of one name"),
    rule("family_stem", "birth_year", why="survives a changed or mistyped given name"),
    rule("family_stem", "birth_place_key", why="undated records under a diminutive"),
    rule("given_class", "patronymic_class", why="a missing surname and date"),
    rule("given_class", "birth_year_min", "sex", why="age-only records (a stated age)"),
    rule(
        "given_class",
        "birth_month",
        "birth_day",
        "sex",
        why="an inflated age or a mistyped year with a replaced surname (adoption listings)",
    ),
)


def _large_blocking_rules() -> tuple[BlockingRule, ...]:
    """The blocking rules above 300,000 records (`ModelSpec.large_registry`).

    "Given class + birth year + sex" is split: by birth month, and by year with the birthplace
    (measured on 1M diverse synthetic records: 679M pairs -> 37M + 1.4M). "Given class +
    birthplace" pairs only where one record of the pair is undated (`only_if`, decision 0326):
    two records that both have a full date, read at face value, are paired by the rules on the
    date, and its blocks of one first name and one place grow with the square of the registry.
    The age-only and day-and-month rules pair only where a surname cannot. "Given class +
    father's class" pairs undated records, and dated ones of the same birth year or the same
    day and month (decision 0342): conditioned on `undated` alone it lost camp-listed children
    whose date is moved by weeks or by one year under a surname misspelt beyond its stem, and
    between two dated records years apart and otherwise it only added look-alikes of one first
    name and one father. Conditioning "surname stem + birthplace" lowered camp-listed children
    located on the second generator (0326).
    """
    (_, birth_days, given_place, stem_given, stem_year, stem_place, given_father, age, day) = (
        _BLOCKING
    )
    return (
        rule("given_class", "birth_ym", "sex", why="as given class + year + sex, at scale"),
        rule(
            "given_class",
            "birth_year",
            "sex",
            "birth_place_key",
            why="year-only records with a birthplace, at scale",
        ),
        birth_days,
        given_place.only_where(UNDATED),
        stem_given,
        stem_year,
        stem_place,
        given_father.only_where(UNDATED, why="a missing surname and date: undated records"),
        rule(
            "given_class",
            "patronymic_class",
            "birth_year",
            why="a missing surname and a date moved within its year, at scale",
        ),
        rule(
            "given_class",
            "patronymic_class",
            "birth_month",
            "birth_day",
            why="a missing surname and a date moved by a year, at scale",
        ),
        age.only_where(
            YEARLESS, SURNAMELESS, why="age-only records under a replaced or missing surname"
        ),
        day.only_where(SURNAMELESS),
    )


_TRAINING = Training(
    prior_rules=(rule("given_class", "family_stem", "birth_days", why="near-certain matches"),),
    prior_recall=0.55,
    em_rules=(
        rule("birth_days", why="trains names, places and sex"),
        rule("given_class", "family_stem", why="trains dates, places and sex"),
    ),
)

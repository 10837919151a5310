"""The per-part comparison levels of `compare`, as SQL conditions over the feature columns.

For the linkage model (Splink): each function returns the levels of one name part, best first,
as `SqlLevel(label, condition)`.  Conditions use Splink's column convention: `<column>_l` and
`<column>_r` for the two records of a pair, columns as produced by `record_name_features`.
Apply them in order (a CASE: the first true condition wins); the first level of each list is the
null level, the last is the "else" level (condition "TRUE").  A label may appear twice (an
early "different" for an initial that does not fit): give both the same comparison level.

Plain strings; nothing here imports Splink or a database.  Column names are left unquoted
(they are plain snake_case), so the same text reads as identifiers in DuckDB and in Spark SQL
(where double quotes would make string literals).  Only three functions differ between
the engines, chosen by `dialect` ("duckdb", the default, or "spark"): list overlap, Jaro-Winkler
and Damerau-Levenshtein (on Spark, Splink's registered UDFs `jaro_winkler` and
`damerau_levenshtein`).  They mirror `kintrace.names.levels`; tests check both agree.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "SqlLevel",
    "family_levels",
    "gender_conflict_condition",
    "given_levels",
    "initial_condition",
    "patronymic_levels",
    "typo_condition",
]


class SqlLevel(NamedTuple):
    label: str  # the `Level` value in kintrace.names.levels ("exact", "equivalent", ...)
    condition: str


_FUNCTIONS = {
    "duckdb": {
        "overlap": "list_has_any({a}, {b})",
        "jw": "jaro_winkler_similarity({a}, {b})",
        "dl": "damerau_levenshtein({a}, {b})",
    },
    "spark": {
        "overlap": "arrays_overlap({a}, {b})",
        "jw": "jaro_winkler({a}, {b})",
        "dl": "damerau_levenshtein({a}, {b})",
    },
}


def _fn(dialect: str, name: str, a: str, b: str) -> str:
    try:
        template = _FUNCTIONS[dialect][name]
    except KeyError:
        raise ValueError(
            f"unknown SQL dialect {dialect!r}; expected one of: {', '.join(_FUNCTIONS)}"
        ) from None
    return template.format(a=a, b=b)


def _null(column: str) -> str:
    return f"{column}_l IS NULL OR {column}_r IS NULL"


def initial_condition(column: str) -> str:
    """SQL for `levels.initial_level`: one key is an initial (at most 2 letters) the other begins
    with."""
    a, b = f"{column}_l", f"{column}_r"
    return (
        f"((length({a}) <= 2 AND left({b}, length({a})) = {a}) OR "
        f"(length({b}) <= 2 AND left({a}, length({b})) = {b}))"
    )


def _initial_else_different(column: str) -> str:
    return f"(length({column}_l) <= 2 OR length({column}_r) <= 2)"


def typo_condition(column: str, dialect: str = "duckdb") -> str:
    """SQL for `levels.is_typo` on `column`: one edit (two for names of 8+ letters), length
    differing by one letter at most, Jaro-Winkler at least 0.85."""
    a, b = f"{column}_l", f"{column}_r"
    shortest = f"least(length({a}), length({b}))"
    return (
        f"({a} <> {b} AND abs(length({a}) - length({b})) <= 1 AND {shortest} >= 4"
        f" AND {_fn(dialect, 'dl', a, b)} <= CASE WHEN {shortest} < 8 THEN 1 ELSE 2 END"
        f" AND {_fn(dialect, 'jw', a, b)} >= 0.85)"
    )


def given_levels(dialect: str = "duckdb") -> list[SqlLevel]:
    """Levels for first names (columns given_key, given_classes, given_known, given_formal)."""
    overlap = _fn(dialect, "overlap", "given_classes_l", "given_classes_r")
    both_known = "given_known_l AND given_known_r"
    return [
        SqlLevel("missing", _null("given_key")),
        SqlLevel("exact", "given_key_l = given_key_r"),
        SqlLevel("initial", initial_condition("given_key")),
        SqlLevel("different", _initial_else_different("given_key")),
        SqlLevel(
            "equivalent",
            f"{both_known} AND {overlap} AND given_formal_l AND given_formal_r",
        ),
        SqlLevel("diminutive", f"{both_known} AND {overlap}"),
        SqlLevel(
            "typo",
            f"NOT ({both_known}) AND NOT (concat(given_key_l, 'a') = given_key_r OR "
            f"concat(given_key_r, 'a') = given_key_l) AND {typo_condition('given_key', dialect)}",
        ),
        SqlLevel("different", "TRUE"),
    ]


def family_levels(dialect: str = "duckdb") -> list[SqlLevel]:
    """Levels for surnames (columns family_key, family_stem)."""
    return [
        SqlLevel("missing", _null("family_key")),
        SqlLevel("exact", "family_key_l = family_key_r"),
        SqlLevel(
            "gender_form",
            "family_stem_l = family_stem_r AND "
            "(family_key_l LIKE '%a') <> (family_key_r LIKE '%a')",
        ),
        SqlLevel("russified", "family_stem_l = family_stem_r"),
        SqlLevel(
            "typo",
            f"({typo_condition('family_key', dialect)} OR "
            f"{typo_condition('family_stem', dialect)})",
        ),
        SqlLevel("different", "TRUE"),
    ]


def patronymic_levels(dialect: str = "duckdb") -> list[SqlLevel]:
    """Levels for patronymics (columns patronymic_key, patronymic_class)."""
    _fn(dialect, "jw", "a", "b")  # validate the dialect
    return [
        SqlLevel("missing", _null("patronymic_key")),
        SqlLevel("exact", "patronymic_key_l = patronymic_key_r"),
        SqlLevel("initial", initial_condition("patronymic_key")),
        SqlLevel("different", _initial_else_different("patronymic_key")),
        SqlLevel("equivalent", "patronymic_class_l = patronymic_class_r"),
        SqlLevel(
            "typo",
            "(patronymic_class_l IS NULL OR patronymic_class_r IS NULL OR "
            "right(patronymic_class_l, 1) = right(patronymic_class_r, 1)) AND "
            + typo_condition("patronymic_key", dialect),
        ),
        SqlLevel("different", "TRUE"),
    ]


def gender_conflict_condition() -> str:
    """True when the two records' names point to different genders (name_gender M vs F)."""
    return (
        "name_gender_l IN ('M', 'F') AND name_gender_r IN ('M', 'F') "
        "AND name_gender_l <> name_gender_r"
    )

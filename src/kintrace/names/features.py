"""Per-record name feature columns for the linkage model (one flat dict per record).

Every column is a pure function of the record's name fields, computed from per-part caches, so
a million records with repeated names run at the speed of dict look-ups.  Missing values are
None (Splink's null level), never "".  The columns and their meaning are documented in
docs/names.md; the linkage model's levels over them are in `kintrace.linkage.spec.model`.
"""

from __future__ import annotations

from functools import lru_cache

from kintrace.names.family import family_gender_of_key, family_stem_of_key
from kintrace.names.given import (
    classes_for_key,
    gender_of_classes,
    given_table,
    is_diminutive_key,
    is_known_class,
    typo_classes,
)
from kintrace.names.keys import coarse_of_key, name_key
from kintrace.names.parts import split_full_name, strip_brackets
from kintrace.names.patronymic import patronymic_class_of_key

__all__ = ["FEATURE_COLUMNS", "normalise_sex", "record_name_features"]

FEATURE_COLUMNS: tuple[str, ...] = (
    "given_key",  # name_key of the first name
    "given_coarse",  # coarse_key of the first name (blocking)
    "given_classes",  # sorted list of classes ("oleksandr:m"; a bare key when unknown)
    "given_class_primary",  # the known class of the record's sex, else the first (or the key)
    "given_known",  # True when the first name is in the tables
    "given_formal",  # True when it is a full form (not only a diminutive) of a known name
    "given_gender",  # "M"/"F" from the first name, None if it does not tell
    "given_is_diminutive",  # True for Сашко, Женя, Sasha...
    "family_key",
    "family_stem",  # gender- and Russification-neutral stem
    "family_coarse",
    "family_gender",  # "M"/"F" from the surname's ending, None if it has none
    "patronymic_key",
    "patronymic_class",  # father's class + child's gender ("oleksandr:f")
    "patronymic_gender",
    "name_gender",  # "M"/"F" from the patronymic, else the first name, else the surname; or None
    "sex",  # the record's sex normalised to "M"/"F", None if absent or unreadable
    "full_key",  # keys of given, family, patronymic joined by spaces (None if all missing)
)

_SEX = {
    "m": "M", "male": "M", "man": "M", "boy": "M", "ч": "M", "м": "M", "чол": "M", "муж": "M",
    "f": "F", "female": "F", "woman": "F", "girl": "F", "ж": "F", "жін": "F", "жен": "F",
}  # fmt: skip


def normalise_sex(value: object) -> str | None:
    """ "M"/"F" from the spellings the records contract allows; None for anything else."""
    if not isinstance(value, str):
        return None
    return _SEX.get(value.strip().lower().rstrip("."))


@lru_cache(maxsize=300_000)
def _given(key: str) -> tuple[object, ...]:
    if not key:
        return (None, None, None, None, False, False, None, False)
    classes = classes_for_key(key)
    if not any(is_known_class(c) for c in classes):
        # a typo of a known full name (Ефгений, Аелксей): its class, so that the model's
        # Ukrainian/Russian levels and the twin rule see the name it stands for
        classes = typo_classes(key) or classes
    known = sorted(c for c in classes if is_known_class(c))
    table = given_table()
    return (
        key,
        coarse_of_key(key) or None,
        sorted(classes),
        known[0] if known else key,
        bool(known),
        key in table.formal,
        gender_of_classes(classes) or None,
        is_diminutive_key(key),
    )


@lru_cache(maxsize=300_000)
def _family(key: str) -> tuple[str | None, ...]:
    if not key:
        return (None, None, None, None)
    return (
        key,
        family_stem_of_key(key),
        coarse_of_key(key) or None,
        family_gender_of_key(key) or None,
    )


@lru_cache(maxsize=100_000)
def _patronymic(key: str) -> tuple[str | None, ...]:
    if not key:
        return (None, None, None)
    stem_class = patronymic_class_of_key(key)
    return (key, stem_class or None, stem_class.rsplit(":", 1)[1].upper() if stem_class else None)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _swapped(given: str, family: str) -> bool:
    """Given name and surname written in each other's columns: the given-name column holds no
    name the tables know and the surname column holds one (Лещенко / Михайло). Single words
    only; when both are known given names (a surname like Марко) nothing is swapped."""
    if " " in given or " " in family:
        return False
    return not _given(name_key(given))[4] and bool(_given(name_key(family))[4])


def record_name_features(
    *,
    given: str | None,
    family: str | None,
    patronymic: str | None,
    full_name: str | None,
    sex: str | None,
) -> dict[str, object]:
    """The name feature columns of one record (see `FEATURE_COLUMNS`); never raises.

    When `given` and `family` are both empty, `full_name` is split with `split_full_name`.
    A given-name field holding "Олександр Петрович" (name and patronymic) is split too.
    """
    g, f, p = (strip_brackets(_text(x)).strip() for x in (given, family, patronymic))
    if not g and not f:
        parts = split_full_name(_text(full_name))
        g, f, p = parts.given, parts.family, p or parts.patronymic
    elif g and not p and (" " in g or "." in g):
        parts = split_full_name(g)
        if parts.patronymic and not parts.family:
            g, p = parts.given, parts.patronymic
    elif g and f and _swapped(g, f):
        g, f = f, g  # a clerk's swap: the surname in the given-name column and the other way round
    sex_value = normalise_sex(sex)
    gv = _given(name_key(g))
    if sex_value and gv[4] and isinstance(gv[2], list) and len(gv[2]) > 1:
        # a shared diminutive (Саша): block on the class of the record's sex
        wanted = f":{sex_value.lower()}"
        primary = next((c for c in gv[2] if c.endswith(wanted)), gv[3])
        gv = (*gv[:3], primary, *gv[4:])
    fv = _family(name_key(f).replace("ou", "u"))  # French ou = у (Mousiienko, Kouzmenko)
    pv = _patronymic(name_key(p))
    # the patronymic's ending is grammar (-івна/-овна: a daughter), the first name's gender is
    # the tables' (a typo or a rare name can mislead it), the surname's the weakest
    name_gender = pv[2] or gv[6] or (fv[3] if " " not in f else None)
    keys = [k for k in (gv[0], fv[0], pv[0]) if isinstance(k, str) and k]
    return {
        "given_key": gv[0],
        "given_coarse": gv[1],
        "given_classes": list(gv[2]) if isinstance(gv[2], list) else None,
        "given_class_primary": gv[3],
        "given_known": gv[4],
        "given_formal": gv[5],
        "given_gender": gv[6],
        "given_is_diminutive": gv[7],
        "family_key": fv[0],
        "family_stem": fv[1],
        "family_coarse": fv[2],
        "family_gender": fv[3],
        "patronymic_key": pv[0],
        "patronymic_class": pv[1],
        "patronymic_gender": pv[2],
        "name_gender": name_gender,
        "sex": sex_value,
        "full_key": " ".join(keys) if keys else None,
    }

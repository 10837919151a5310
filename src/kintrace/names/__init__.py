"""kintrace.names: the project's knowledge of Ukrainian and Russian children's names.

Pure code (no I/O beyond the bundled data files, read lazily once).  Public API, kept stable for
the linkage model and the CLI:

    detect_script(text) -> Script            repair_homoglyphs(text) -> str
    transliterate(text, standard) -> str     transliterations(text) -> dict[str, str];  STANDARDS
    name_key(part) -> str                    coarse_key(part) -> str
    given_name_classes(part) -> frozenset    family_name_stem(part) -> str
    patronymic_class(part) -> str            split_full_name(full) -> NameParts
    compare(a, b) -> NameComparison          record_name_features(...) -> dict

See docs/names.md.
"""

from kintrace.names.compare import MATCH, NO_MATCH, NameComparison, compare
from kintrace.names.family import family_gender, family_name_stem
from kintrace.names.features import FEATURE_COLUMNS, normalise_sex, record_name_features
from kintrace.names.given import given_gender, given_is_diminutive, given_name_classes
from kintrace.names.keys import coarse_key, name_key
from kintrace.names.levels import Level
from kintrace.names.parts import NameParts, split_full_name
from kintrace.names.patronymic import patronymic_class, patronymic_gender
from kintrace.names.script import Script, detect_script, repair_homoglyphs
from kintrace.names.translit import STANDARDS, transliterate, transliterations

__all__ = [
    "FEATURE_COLUMNS",
    "MATCH",
    "NO_MATCH",
    "STANDARDS",
    "Level",
    "NameComparison",
    "NameParts",
    "Script",
    "coarse_key",
    "compare",
    "detect_script",
    "family_gender",
    "family_name_stem",
    "given_gender",
    "given_is_diminutive",
    "given_name_classes",
    "name_key",
    "normalise_sex",
    "patronymic_class",
    "patronymic_gender",
    "record_name_features",
    "repair_homoglyphs",
    "split_full_name",
    "transliterate",
    "transliterations",
]

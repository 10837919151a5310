"""Spellings: Ukrainian to Russian letters, and Cyrillic to Latin under the standards lists use.

Why hand-written tables instead of a library: the generator must not share code with the
matcher it checks (Kintrace uses translitua for KMU 2010), and the GPL libraries are excluded.
Each standard is a letter map plus the few position rules that make it recognisable:
initial Є/Ї/Й/Ю/Я in KMU 2010, Ye after vowels in BGN/PCGN, ss between vowels in German and
French, soft L and Ł in Polish. They are approximations of the standards, good enough to produce
the spelling families a tracing bureau meets; they are not references for the standards.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

APOSTROPHES = "'’ʼ`"
_VOWELS_CYR = set("аеєиіїоуюяыэё")
_SEPARATORS = " -"

# -- Ukrainian to Russian letters (what a Russian clerk writes from a Ukrainian name) ----------

_NO_YERY_AFTER = set("жчшщцгкх")  # Russian writes и, never ы, after these
_RUSSIAN_ENDINGS = {"ик", "ич"}  # Олейник, Бабич: the suffix is the Russian one


@lru_cache(maxsize=100_000)
def russify(name: str, *, strict: bool = True) -> str:
    """Ukrainian spelling -> Russian letters: і/ї->и, и->ы (strict), є->е, ґ->г, ' dropped.

    `strict=False` keeps Ukrainian и as и (the established Russian spelling of many surnames,
    Литвиненко); `strict=True` writes it as ы as a clerk spelling by ear does (Лысенко), except
    after the letters Russian never follows with ы (Шевчишин stays).
    """
    return _by_token(name, lambda word: _russify_word(word, strict))


@lru_cache(maxsize=100_000)
def _russify_word(word: str, strict: bool) -> str:
    src = "".join(ch for ch in word if ch not in APOSTROPHES)
    out: list[str] = []
    n = len(src)
    i = 0
    while i < n:
        ch = src[i]
        nxt = src[i + 1] if i + 1 < n else ""
        prev = out[-1] if out else ""
        if ch == "і" and nxt == "й" and i + 2 < n and src[i + 2] not in _VOWELS_CYR:
            out.append("ей")  # Олійник -> Олейник
            i += 2
            continue
        if ch == "ь" and nxt == "о":
            out.append("ё")  # Ковальов -> Ковалёв
            i += 2
            continue
        if ch == "й" and nxt == "о" and prev and prev not in _VOWELS_CYR:
            out.append("ьё")  # Соловйов -> Соловьёв
            i += 2
            continue
        if ch == "ь" and ((nxt == "" and prev == "ц") or (nxt == "к" and prev in "сцз")):
            i += 1  # Швець -> Швец, Ковальський -> Ковальский
            continue
        if ch in ("і", "ї"):
            out.append("и")
        elif ch == "и":
            keep = not strict or not prev or prev in _NO_YERY_AFTER or src[i:] in _RUSSIAN_ENDINGS
            out.append("и" if keep else "ы")
        elif ch == "є":
            out.append("е")
        elif ch == "ґ":
            out.append("г")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


# -- Cyrillic to Latin ------------------------------------------------------------------------

_KMU = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia",
    # Russian letters, should a Russian spelling reach a Ukrainian-standard writer
    "ё": "io", "ы": "y", "э": "e", "ъ": "",
}  # fmt: skip
_KMU_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

_ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip

_BGN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "ë", "є": "ye",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "'", "э": "e",
    "ю": "yu", "я": "ya",
}  # fmt: skip
_BGN_IOTATED = {"е": "ye", "ё": "yë"}  # at the start, after a vowel, ь or ъ

_GERMAN = {
    "а": "a", "б": "b", "в": "w", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "jo", "є": "je",
    "ж": "sch", "з": "s", "и": "i", "і": "i", "ї": "ji", "й": "j", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch",
    "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "ju", "я": "ja",
}  # fmt: skip
_GERMAN_UK = {"г": "h", "и": "y"}  # German writers of Ukrainian forms
_GERMAN_NAMES = {
    "Александр": "Alexander", "Алексей": "Alexej", "Александра": "Alexandra", "Мария": "Maria",
    "Дмитрий": "Dmitri", "Юрий": "Juri", "Евгений": "Jewgeni", "Наталья": "Natalja",
    "Виктория": "Viktoria", "Кристина": "Kristina", "Максим": "Maxim", "Ксения": "Xenia",
}  # fmt: skip

_FRENCH = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "io", "є": "ie",
    "ж": "j", "з": "z", "и": "i", "і": "i", "ї": "ï", "й": "ï", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "ou", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "tch", "ш": "ch", "щ": "chtch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "iou", "я": "ia",
}  # fmt: skip
_FRENCH_UK = {"г": "h", "и": "y"}

_POLISH = {
    "а": "a", "б": "b", "в": "w", "г": "h", "ґ": "g", "д": "d", "е": "e", "ё": "io", "є": "ie",
    "ж": "ż", "з": "z", "и": "y", "і": "i", "ї": "ji", "й": "j", "к": "k", "л": "ł", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch",
    "ц": "c", "ч": "cz", "ш": "sz", "щ": "szcz", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip
_POLISH_SOFT = {"н": "ń", "с": "ś", "з": "ź", "ц": "ć", "л": "l"}  # before ь
_POLISH_IOTATED = {"є": "je", "ю": "ju", "я": "ja", "ї": "ji"}  # at start / after vowel
_POLISH_AFTER_L = {"я": "a", "ю": "u", "є": "e", "і": "i", "ї": "i"}  # ля -> la

_ADHOC = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ye",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}  # fmt: skip
_ADHOC_RU = {"г": "g", "и": "i"}


def _simple(table: dict[str, str], initial: dict[str, str] | None = None) -> Callable[[str], str]:
    def word(src: str) -> str:
        out = []
        for i, ch in enumerate(src):
            if i == 0 and initial and ch in initial:
                out.append(initial[ch])
            elif ch == "з" and i + 1 < len(src) and src[i + 1] == "г" and table is _KMU:
                out.append("zg")  # зг -> zgh (the г adds its h next)
            else:
                out.append(table.get(ch, ch))
        return "".join(out)

    return word


def _bgn(src: str) -> str:
    out = []
    for i, ch in enumerate(src):
        prev = src[i - 1] if i else ""
        if ch in _BGN_IOTATED and (not prev or prev in _VOWELS_CYR or prev in "ьъй"):
            out.append(_BGN_IOTATED[ch])
        else:
            out.append(_BGN.get(ch, ch))
    return "".join(out)


def _german(src: str, table: dict[str, str]) -> str:
    """Duden-style: w, sch, tsch, s/ss, z; je/ja/ju/jo; кс -> x; -ий -> -i; Sergej, Nikolai."""
    out = []
    n = len(src)
    for i, ch in enumerate(src):
        prev = src[i - 1] if i else ""
        nxt = src[i + 1] if i + 1 < n else ""
        if ch == "с" and prev == "к":
            continue  # written with the к as x
        if ch == "к" and nxt == "с":
            out.append("x")
        elif ch == "с" and prev in _VOWELS_CYR and nxt in _VOWELS_CYR and prev and nxt:
            out.append("ss")
        elif ch == "е" and (not prev or prev in _VOWELS_CYR or prev in "ьъ"):
            out.append("je")
        elif ch == "й" and i == n - 1 and prev in ("и", "ы"):
            continue  # Дмитрий -> Dmitri
        elif ch == "й" and prev == "а":
            out.append("i")  # Николай -> Nikolai
        else:
            out.append(table.get(ch, ch))
    return "".join(out)


def _french(src: str, table: dict[str, str]) -> str:
    """French usage: ou, ch, tch, j, kh; s between vowels doubled; -ий -> -i."""
    out = []
    n = len(src)
    for i, ch in enumerate(src):
        prev = src[i - 1] if i else ""
        nxt = src[i + 1] if i + 1 < n else ""
        if ch == "с" and prev in _VOWELS_CYR and nxt in _VOWELS_CYR and prev and nxt:
            out.append("ss")
        elif ch == "й" and i == n - 1 and prev in ("и", "і", "ы"):
            continue  # Юрій -> Iouri
        elif ch == "й" and prev not in _VOWELS_CYR:
            out.append("i")
        else:
            out.append(table.get(ch, ch))
    return "".join(out)


def _polish(src: str) -> str:
    out = []
    n = len(src)
    for i, ch in enumerate(src):
        prev = src[i - 1] if i else ""
        nxt = src[i + 1] if i + 1 < n else ""
        if ch in APOSTROPHES:
            continue
        if ch == "ь":
            continue
        if nxt == "ь" and ch in _POLISH_SOFT:
            out.append(_POLISH_SOFT[ch])
        elif ch == "л" and nxt in _POLISH_AFTER_L:
            out.append("l")
        elif prev == "л" and ch in _POLISH_AFTER_L:
            out.append(_POLISH_AFTER_L[ch])
        elif ch in _POLISH_IOTATED and (not prev or prev in _VOWELS_CYR or prev in APOSTROPHES):
            out.append(_POLISH_IOTATED[ch])
        else:
            out.append(_POLISH.get(ch, ch))
    return "".join(out)


_KMU_WORD = _simple(_KMU, _KMU_INITIAL)
_ICAO_WORD = _simple(_ICAO)
_ADHOC_UK_WORD = _simple(_ADHOC)
_ADHOC_RU_WORD = _simple({**_ADHOC, **_ADHOC_RU})
_GERMAN_UK_TABLE = {**_GERMAN, **_GERMAN_UK}
_FRENCH_UK_TABLE = {**_FRENCH, **_FRENCH_UK}

# standard id -> (word function, which spelling it is applied to: "uk" or "ru")
LATIN_STANDARDS: dict[str, tuple[Callable[[str], str], str]] = {
    "kmu2010": (_KMU_WORD, "uk"),
    "icao": (_ICAO_WORD, "ru"),
    "bgn_pcgn": (_bgn, "ru"),
    "german": (lambda w: _german(w, _GERMAN_UK_TABLE), "uk"),
    "german_ru": (lambda w: _german(w, _GERMAN), "ru"),
    "french": (lambda w: _french(w, _FRENCH_UK_TABLE), "uk"),
    "polish": (_polish, "uk"),
    "adhoc_uk": (_ADHOC_UK_WORD, "uk"),
    "adhoc_ru": (_ADHOC_RU_WORD, "ru"),
}


@lru_cache(maxsize=200_000)
def latin(name: str, standard: str) -> str:
    """`name` (Cyrillic, either language) in Latin letters under `standard` (LATIN_STANDARDS)."""
    if standard.startswith("german") and name in _GERMAN_NAMES:
        return _GERMAN_NAMES[name]
    word_fn = LATIN_STANDARDS[standard][0]
    return _by_token(name, lambda w: word_fn("".join(c for c in w if c not in APOSTROPHES)))


def _by_token(name: str, convert: Callable[[str], str]) -> str:
    """Convert word by word (spaces and hyphens kept), re-capitalising like the original."""
    out: list[str] = []
    word: list[str] = []

    def flush() -> None:
        if word:
            original = "".join(word)
            converted = convert(original.lower())
            if original[:1].isupper():
                if original.isupper() and len(original) > 1:
                    converted = converted.upper()
                else:
                    converted = converted[:1].upper() + converted[1:]
            out.append(converted)
            word.clear()

    for ch in name:
        if ch in _SEPARATORS:
            flush()
            out.append(ch)
        else:
            word.append(ch)
    flush()
    return "".join(out)


# -- Grammatical gender of surnames -----------------------------------------------------------


def feminine_uk(surname: str) -> str:
    """The Ukrainian feminine form: -ський -> -ська, -ий -> -а, -ов/-ев/-єв -> +а; else the same."""
    if surname.endswith("ий"):
        return surname[:-2] + "а"
    if surname.endswith(("ов", "ев", "єв", "ёв")):
        return surname + "а"
    return surname


def feminine_ru(surname: str) -> str:
    """The Russian feminine form: -ский/-ый/-ий -> -ая, -ов/-ев/-ёв/-ин/-ын -> +а."""
    if surname.endswith(("ий", "ый", "ой")):
        return surname[:-2] + "ая"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname

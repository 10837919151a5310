"""Free-text statuses of an answer, mapped to the exchange's vocabulary (pure, table-driven).

Answers say where a child is in the counterpart's words: "находится в семье опекуна",
"возвращен", "не найден". Each rule is a list of word stems (lower case, ё read as е); the first
rule with a stem in the text wins, so negations ("не найден") come before what they negate
("найден"). A text no rule knows is not guessed: it is held for a person to classify
(`classify` returns None). An empty status is `no_answer`. Decision 0600.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    FOUND = "found"
    IN_CARE = "in_care"
    IN_FAMILY = "in_family"
    RETURNED = "returned"
    NOT_FOUND = "not_found"
    NO_ANSWER = "no_answer"
    OTHER = "other"


#: (status, stems). Order matters: the first match wins.
RULES: tuple[tuple[Status, tuple[str, ...]], ...] = (
    (
        Status.NO_ANSWER,
        (
            "нет ответа",
            "нет данных",
            "ответ не получен",
            "проверяется",
            "на проверке",
            "немає відповіді",
            "no answer",
            "pending",
            "under check",
        ),
    ),
    (
        Status.NOT_FOUND,
        (
            "не найден",
            "не обнаружен",
            "не значится",
            "не числится",
            "не установлен",
            "сведений нет",
            "сведения отсутствуют",
            "не знайден",
            "не виявлен",
            "not found",
            "no record",
            "unknown to",
        ),
    ),
    (
        Status.RETURNED,
        (
            "возвращен",
            "вернули",
            "вернулся",
            "передан украин",
            "передан родител",
            "передан матери",
            "передан отцу",
            "воссоединен",
            "повернут",
            "повернен",
            "returned",
            "reunited",
            "handed over",
        ),
    ),
    (
        Status.IN_FAMILY,
        (
            "в семье",
            "в семью",
            "опекун",
            "под опекой",
            "приемн",
            "усыновл",
            "удочер",
            "у родствен",
            "у бабушки",
            "у дедушки",
            "у тети",
            "в сім",
            "опікун",
            "прийомн",
            "foster",
            "in a family",
            "with a family",
            "guardian",
            "adopted",
            "relatives",
        ),
    ),
    (
        Status.IN_CARE,
        (
            "детск",
            "детдом",
            "интернат",
            "социальн",
            "реабилитацион",
            "приют",
            "учрежден",
            "лагер",
            "санатор",
            "больниц",
            "дитяч",
            "притулок",
            "in care",
            "institution",
            "orphanage",
            "children's home",
            "camp",
            "hospital",
        ),
    ),
    (
        Status.FOUND,
        (
            "найден",
            "обнаружен",
            "находится",
            "проживает",
            "местонахождение установлено",
            # "on the territory of Ukraine": located, and outside the counterpart's control; not
            # taken for a return, which a caseworker confirms (decision 0600)
            "на территории украины",
            "в украине",
            "знайден",
            "перебуває",
            "located",
            "found",
            "lives in",
            "is in",
        ),
    ),
    (Status.OTHER, ("иное", "другое", "інше", "other")),
)


def normalise(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").replace("’", "'").split())


def classify(text: str | None) -> Status | None:
    """The status `text` says, or None: held for a person to classify."""
    words = normalise(text or "")
    if not words or words in ("-", "—", "?"):
        return Status.NO_ANSWER
    for status, stems in RULES:
        if any(stem in words for stem in stems):
            return status
    return None

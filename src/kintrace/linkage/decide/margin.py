"""The clear best close fit (decision 0352): a renamed record whose kept identity fits several
children may still be linked to the one whose record agrees on more of what the listing
usually replaces.

Decision 0334 holds a renamed adoption-listing record for review when more than one person
among its candidates fits it as closely as a listing's record of one child does (the same known
first-name class, sex not disagreeing, full birth dates at most weeks apart:
`unambiguous.close_fit_persons`). Those fields cannot tell such persons apart, and neither can
the model's probability: it prices the same day far above a date weeks apart, a difference a
listing that moves dates by weeks makes as readily as it keeps them. What can is a field the
listing usually replaces and, for this record, kept: the surname, the father's name, the
birthplace (a listing keeps the birthplace of half its records and the father's name of a third,
decision 0350). Where such a field disagrees in a listing's pair the model weighs it at its
neutral level (0); where it agrees, 4-8 bits.

So each close-fit person is weighed by `replaced_evidence`: the sum of the match weights of
those fields in its best close-fit pair. When the pair's person has at least `MARGIN_BITS`
more than every other close fit, a field the listing kept chooses between them, and the record
is as unambiguous as a record with one close fit. Pure: reads the pairs' weights.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

CLEAR_BEST = "0352-clear-best-close-fit"

#: The comparisons of the fields a renaming listing replaces (`KindPolicy.surname`,
#: `.patronymic`, `.birth_place`): their agreement is what the listing kept beyond the identity.
REPLACED = ("family_name", "patronymic", "birth_place")

#: How much more, in bits of match weight, the pair's person must have of `REPLACED` than every
#: other person that fits a renamed record closely (decision 0352): one agreeing field (a
#: birthplace weighs 4.3-5.1 bits, a father's name 5.6-6.1, a surname kept 7-8; a partial
#: father's name 0.9 is not enough). Set from the model's levels before any run, not tuned: the
#: demo generator's listings never keep those fields, so it cannot choose it, and the second
#: generator must not.
MARGIN_BITS = 4.0


def replaced_evidence(pairs: pd.DataFrame, at: np.ndarray | None = None) -> np.ndarray:
    """For each pair (or the pairs at positions `at`), the sum of its match weights on the
    `REPLACED` fields (0 for a comparison the pairs do not have)."""
    total = np.zeros(len(pairs) if at is None else len(at), dtype=float)
    for name in REPLACED:
        column = f"mw_{name}"
        if column in pairs:
            values = pairs[column].to_numpy(float)
            total += np.nan_to_num(values if at is None else values[at])
    return total


def clear_best(fits: Mapping[str, float], person: str, margin: float = MARGIN_BITS) -> bool:
    """`person` is among the persons that fit a renamed record closely (`fits`: person -> the
    best `replaced_evidence` of the record's close-fit pairs with it) and has at least `margin`
    bits more than every other one of them."""
    if person not in fits:
        return False
    own = fits[person]
    return all(own - evidence >= margin for other, evidence in fits.items() if other != person)

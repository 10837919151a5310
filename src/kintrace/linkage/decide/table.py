"""The decision pipeline, declared: every rule in the order `decide()` runs it.

Read top to bottom, this table is what happens to the scored pairs of a run. docs/linkage.md
shows it as a table (id, why, order, switch); `bench/rule_ablation.py` switches each rule off in
turn and prints what it is worth on two independent generators.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

import kintrace.linkage.decide.holds as holds
import kintrace.linkage.decide.offers as offers
import kintrace.linkage.decide.siblings as siblings
import kintrace.linkage.decide.unambiguous as unambiguous
from kintrace.linkage.decide.holds import HOLDS
from kintrace.linkage.decide.rules import PairRule, Rule, SetRule, Stage, State
from kintrace.linkage.spec import ModelSpec


def _by_threshold(state: State) -> None:
    """`Thresholds.status` of every pair, in one pass over the probabilities (a Python call per
    pair was seconds at millions of pairs)."""
    t = state.spec.thresholds
    probability = state.pairs["match_probability"].to_numpy(float)
    status = np.where(
        probability >= t.auto_link, "auto", np.where(probability >= t.review_floor, "pending", "")
    )
    state.status[:] = [s or None for s in status.tolist()]
    state.rule[:] = [THRESHOLDS.id if s else None for s in state.status]


def _cluster(state: State) -> None:
    state.person_of = state.cluster(state)


def _siblings(state: State) -> None:
    if siblings.link_through_siblings(state):
        state.person_of = state.cluster(state)


def _pending_at_floor(pair: Mapping[str, Any], spec: ModelSpec) -> bool:
    """A pending pair the unambiguous rule may weigh: from `unambiguous_link` up to auto-link."""
    t = spec.thresholds
    return t.unambiguous_link <= float(pair.get("match_probability", 0.0)) < t.auto_link


def _sibling_link_candidate(pair: Mapping[str, Any], spec: ModelSpec) -> bool:
    """A renamed pair whose given name agrees, sex does not disagree and father's name does
    not agree: what a sibling link needs of the pair itself."""
    return (
        holds.renamed(pair, spec)
        and float(pair.get("mw_given_name", 0.0)) > 0
        and float(pair.get("mw_sex", 0.0)) >= 0
        and float(pair.get("mw_patronymic", 0.0)) <= 0
    )


THRESHOLDS = SetRule(
    id="0301-thresholds",
    why="the calibrated probability: auto-link at or above 0.99, pending from the review floor",
    stage=Stage.SCORE,
    switchable=False,
    action=_by_threshold,
)

CONSTRAINTS: tuple[Rule, ...] = (
    Rule(
        id="0301-twins",
        why="one surname and one birth date or father, two known first names: twins or siblings",
        stage=Stage.CONSTRAIN,
    ),
    Rule(
        id="0316-listed-together",
        why="rows one list names together (one group) are different children",
        stage=Stage.CONSTRAIN,
    ),
    Rule(
        id="0316-namesakes",
        why="two of surname, father's name and birth date disagree outside adoption listings",
        stage=Stage.CONSTRAIN,
    ),
)

RULES: tuple[Rule, ...] = (
    THRESHOLDS,
    *HOLDS[:2],
    Rule(
        id=holds.KEPT_IDENTITY_AUTO,
        why="a renamed pair at or above auto-link that kept its identity (0312, 0321) is not held",
        stage=Stage.REFINE,
        refines="0301-renamed",
    ),
    *HOLDS[2:],
    *CONSTRAINTS,
    SetRule(
        id=offers.SIBLING_OFFERS,
        why="an adoption record's candidate supported by its listed-together siblings is offered",
        stage=Stage.OFFER,
        action=offers.offer_through_siblings,
        test=offers.is_offerable,
    ),
    SetRule(
        id=offers.UNSEEN_OFFERS,
        why="an adoption record nobody would see has its best candidates offered",
        stage=Stage.OFFER,
        action=offers.offer_unseen,
        test=offers.is_offerable,
    ),
    SetRule(
        id=offers.FILL_OFFERS,
        why="an unlinked adoption record shown with under 3 candidates has its next best offered",
        stage=Stage.OFFER,
        action=offers.offer_fill,
        test=offers.is_offerable,
    ),
    SetRule(
        id="0301-provisional-persons",
        why="the auto links make the persons the unambiguous rule weighs candidates against",
        stage=Stage.CLUSTER,
        switchable=False,
        action=_cluster,
    ),
    SetRule(
        id=unambiguous.UNAMBIGUOUS,
        why="a pending pair at or above 0.8 that is each record's only plausible match is linked",
        stage=Stage.LINK,
        action=unambiguous.promote,
        test=_pending_at_floor,
    ),
    Rule(
        id=unambiguous.LONE_RECORDS,
        why="it attaches a record alone in its person; it never merges two persons",
        stage=Stage.REFINE,
        refines=unambiguous.UNAMBIGUOUS,
    ),
    PairRule(
        id=unambiguous.KEPT_IDENTITY,
        why=(
            "a renamed adoption record that kept first name, sex and birth date "
            "(or moved it, 0321) may link"
        ),
        stage=Stage.REFINE,
        refines=unambiguous.UNAMBIGUOUS,
        test=holds.kept_identity,
    ),
    PairRule(
        id=unambiguous.NEW_FIRST_NAME,
        why=(
            "a listing's record under a new first name may link when alone and nothing else "
            "is against it"
        ),
        stage=Stage.REFINE,
        refines=unambiguous.UNAMBIGUOUS,
        test=holds.new_first_name,
    ),
    Rule(
        id=unambiguous.THREE_WAY,
        why="another list's lone record that is a candidate of the same person is no rival",
        stage=Stage.REFINE,
        refines=unambiguous.UNAMBIGUOUS,
    ),
    Rule(
        id=unambiguous.GROUP_SUPPORT,
        why="a pair its listed-together siblings support beats a rival they do not",
        stage=Stage.REFINE,
        refines=unambiguous.UNAMBIGUOUS,
    ),
    Rule(
        id=unambiguous.ESTABLISHED_SIDE,
        why="on the joined person's side only lone records of the attaching record's list rival",
        stage=Stage.REFINE,
        refines=unambiguous.UNAMBIGUOUS,
    ),
    SetRule(
        id="0301-persons",
        why="the auto links, reviewers' decisions and the data's constraints make the persons",
        stage=Stage.CLUSTER,
        switchable=False,
        action=_cluster,
    ),
    SetRule(
        id=siblings.SIBLING_LINKS,
        why="a renamed adoption record is linked to the sibling of its listed-together sibling",
        stage=Stage.LINK,
        action=_siblings,
        test=_sibling_link_candidate,
    ),
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def rule(rule_id: str) -> Rule:
    """The rule of that id; a clear error for an id the pipeline does not have."""
    try:
        return BY_ID[rule_id]
    except KeyError:
        raise ValueError(
            f"no decision rule {rule_id!r}; the rules are: {', '.join(BY_ID)}"
        ) from None


def switchable() -> list[str]:
    """The ids of the rules that can be switched off, in pipeline order."""
    return [r.id for r in RULES if r.switchable]

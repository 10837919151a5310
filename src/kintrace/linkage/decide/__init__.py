"""The decisions after scoring, as one declared pipeline (pure: no Splink, no database).

A calibrated probability alone does not decide a pair: siblings and twins, renamed adoption
records, partner lists' year-only rows and look-alike children each need a rule. Each rule is
an object with an id (its decision record, docs/decisions/), a one-line why, a test on one pair
(`applies`) and a switch; `table.RULES` lists them in the order `decide()` runs them. The
service and every bench call `decide()`; `kintrace explain` and the review page read the ids
and whys from here.
"""

from kintrace.linkage.decide.holds import HOLDS
from kintrace.linkage.decide.rules import Rule, Stage
from kintrace.linkage.decide.run import Decided, check_off, decide
from kintrace.linkage.decide.table import RULES, rule, switchable

__all__ = [
    "HOLDS",
    "RULES",
    "Decided",
    "Rule",
    "Stage",
    "check_off",
    "decide",
    "rule",
    "switchable",
]

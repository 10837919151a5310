"""The linkage model specification: pure data, bound to Splink only when a run starts."""

from kintrace.linkage.spec.base import (
    BlockingRule,
    Comparison,
    EitherSide,
    Level,
    ModelSpec,
    Thresholds,
    Training,
)
from kintrace.linkage.spec.generic import generic_spec
from kintrace.linkage.spec.kinds import KINTRACE_KINDS, KindPolicy, SourceKind
from kintrace.linkage.spec.model import FEATURE_COLUMNS, kintrace_spec

__all__ = [
    "FEATURE_COLUMNS",
    "KINTRACE_KINDS",
    "BlockingRule",
    "Comparison",
    "EitherSide",
    "KindPolicy",
    "Level",
    "ModelSpec",
    "SourceKind",
    "Thresholds",
    "Training",
    "generic_spec",
    "kintrace_spec",
]

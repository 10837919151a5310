"""What a generation run knows besides the lists: which child each record describes, and what
the run wrote. Shared by the generator (`dataset`) and the file writers (`writers`), which
import it and not each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class TruthRow:
    """Which child a record describes, and the scenarios it shows (see docs/demo-data.md)."""

    source: str
    record_id: str
    child_id: str
    family_id: str
    tags: tuple[str, ...]


@dataclass
class DatasetSummary:
    """What a run produced: counts per source and the files written."""

    children: int
    rows: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(self.rows.values())

"""What the generator hands back: the sources, their rows, and who each row really is."""

from __future__ import annotations

from dataclasses import dataclass, field

SYNTHETIC = "SYNTHETIC"
KINDS = ("family", "registry", "camp", "adoption", "partner")


@dataclass(frozen=True)
class Source:
    """One list of a delivery: what the manifest says about it and how its file is written.

    `format` is csv, xlsx or jsonl; `encoding` and `delimiter` are empty when the format fixes
    them. `header` is how the file spells the column names (the importer matches them
    case-insensitively, spaces as underscores); `columns` are their canonical names.
    """

    name: str
    kind: str
    file_name: str
    format: str
    encoding: str
    delimiter: str
    description: str
    columns: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    received_on: str = ""


@dataclass(frozen=True, slots=True)
class ChildTruth:
    """The child behind the rows (for benches that score siblings and twins)."""

    child_id: str
    family_id: str
    sex: str
    birth_date: str
    twin: bool


@dataclass
class Dataset:
    """Rows per source (every row a dict of its source's columns, all text) and the truth.

    `truth` maps (source name, record_id) to the child's id; a repeated row (the same child
    entered twice in a list) has its own record_id and the same child id.
    """

    profile: str
    seed: int
    sources: list[Source]
    records: dict[str, list[dict[str, str]]]
    truth: dict[tuple[str, str], str]
    children: list[ChildTruth] = field(default_factory=list)
    declare_kinds: bool = True

    @property
    def record_count(self) -> int:
        return sum(len(rows) for rows in self.records.values())

"""Synthetic demo data that looks like the real problem (issue 2 item 7).

    from kintrace.demo import generate, write_dataset, stream_dataset
    ds = generate(children=2000, seed=7)         # in memory: ds.records[source] -> rows
    write_dataset(ds, Path("demo-lists"))        # the lists, truth/ground_truth.csv, README.txt
    stream_dataset(children=300_000, seed=7, out_dir=Path("big"))  # bounded memory

All of it is synthetic; the generator's name tables are its own (never `kintrace.names`).
"""

from kintrace.demo.dataset import (
    MAX_CHILDREN,
    DatasetSummary,
    DemoDataset,
    TruthRow,
    children_for_records,
    generate,
    iter_units,
    stream_dataset,
    write_dataset,
)
from kintrace.demo.proportions import DEFAULT_PROPORTIONS, Proportions
from kintrace.demo.records import SYNTHETIC_MARK
from kintrace.demo.sources import CONTRACT_COLUMNS, SOURCES, SOURCES_BY_NAME, SourceSpec
from kintrace.demo.writers import GROUND_TRUTH, MANIFEST, README, TRUTH_DIR

__all__ = [
    "CONTRACT_COLUMNS",
    "DEFAULT_PROPORTIONS",
    "GROUND_TRUTH",
    "MANIFEST",
    "MAX_CHILDREN",
    "README",
    "SOURCES",
    "SOURCES_BY_NAME",
    "SYNTHETIC_MARK",
    "TRUTH_DIR",
    "DatasetSummary",
    "DemoDataset",
    "Proportions",
    "SourceSpec",
    "TruthRow",
    "children_for_records",
    "generate",
    "iter_units",
    "stream_dataset",
    "write_dataset",
]

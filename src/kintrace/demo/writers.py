"""Writing the lists in their formats (CSV in several encodings, XLSX, JSON Lines), the ground
truth, a README that says the data is synthetic, and a machine-readable manifest.

The ground truth goes under `truth/`, not beside the lists, so that importing `DIR/*.csv` imports
the lists only (docs/decisions/0200-demo-ground-truth-location.md).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from kintrace.demo.children import Child
from kintrace.demo.sources import SOURCES, SourceSpec
from kintrace.demo.truth import DatasetSummary, TruthRow

TRUTH_DIR = "truth"
GROUND_TRUTH = "ground_truth.csv"
CHILDREN_FILE = "children.csv"
README = "README.txt"
MANIFEST = "sources.json"
TRUTH_COLUMNS = ("source", "record_id", "child_id", "family_id", "tags")
CHILD_COLUMNS = (
    "child_id", "family_id", "sex", "given_name", "family_name", "patronymic", "birth_date",
    "birth_place", "twin", "similar_to",
)  # fmt: skip
# Fixed time stamp inside the XLSX package, so that a seed always gives the same bytes.
_XLSX_TIME = (2026, 1, 1, 0, 0, 0)
_XLSX_STAMP = "2026-01-01T00:00:00Z"


class _CsvList:
    def __init__(self, path: Path, spec: SourceSpec) -> None:
        self._file = path.open("w", encoding=spec.encoding, newline="")
        self._writer = csv.writer(self._file, delimiter=spec.delimiter, lineterminator="\r\n")
        self._columns = spec.columns
        self._writer.writerow(spec.columns)

    def add(self, row: dict[str, str | int]) -> None:
        self._writer.writerow([row.get(c, "") for c in self._columns])

    def close(self) -> None:
        self._file.close()


class _JsonLinesList:
    def __init__(self, path: Path, spec: SourceSpec) -> None:
        self._file = path.open("w", encoding="utf-8", newline="\n")
        self._columns = spec.columns

    def add(self, row: dict[str, str | int]) -> None:
        obj = {c: row[c] for c in self._columns if row.get(c, "") != ""}
        self._file.write(json.dumps(obj, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self._file.close()


class _XlsxList:
    """Excel workbook written in openpyxl's streaming mode (rows are not kept in memory)."""

    def __init__(self, path: Path, spec: SourceSpec) -> None:
        from openpyxl import Workbook  # imported on use: only this list needs it

        self._path = path
        self._book = Workbook(write_only=True)
        self._sheet: Any = self._book.create_sheet("Анкеты")
        self._columns = spec.columns
        self._sheet.append(list(spec.columns))

    def add(self, row: dict[str, str | int]) -> None:
        self._sheet.append([row.get(c) if row.get(c, "") != "" else None for c in self._columns])

    def close(self) -> None:
        self._book.save(self._path)
        _normalise_xlsx(self._path)


def _normalise_xlsx(path: Path) -> None:
    """Rewrite the package with fixed time stamps (same seed, same bytes), entry by entry."""
    rewritten = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=_XLSX_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            if entry.filename == "docProps/core.xml":
                text = source.read(entry).decode("utf-8")
                text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", _XLSX_STAMP, text)
                target.writestr(info, text.encode("utf-8"))
                continue
            with source.open(entry) as reader, target.open(info, "w") as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)
    rewritten.replace(path)


_ListWriter = _CsvList | _JsonLinesList | _XlsxList
_LIST_WRITERS: dict[str, type[_ListWriter]] = {
    "csv": _CsvList,
    "jsonl": _JsonLinesList,
    "xlsx": _XlsxList,
}


class DatasetWriter:
    """Open one file per list plus the truth files; add rows as they are generated."""

    def __init__(self, out_dir: Path, *, seed: int, sources: tuple[SourceSpec, ...] = SOURCES):
        self.out_dir = out_dir
        self.seed = seed
        self.sources = sources
        self.rows = {spec.name: 0 for spec in sources}
        self._lists: dict[str, _ListWriter] = {}
        self._truth: IO[str] | None = None
        self._children: IO[str] | None = None

    def __enter__(self) -> DatasetWriter:
        truth_dir = self.out_dir / TRUTH_DIR
        truth_dir.mkdir(parents=True, exist_ok=True)
        for spec in self.sources:
            self._lists[spec.name] = _LIST_WRITERS[spec.format](self.out_dir / spec.file_name, spec)
        self._truth = (truth_dir / GROUND_TRUTH).open("w", encoding="utf-8", newline="")
        self._truth_csv = csv.writer(self._truth, lineterminator="\n")
        self._truth_csv.writerow(TRUTH_COLUMNS)
        self._children = (truth_dir / CHILDREN_FILE).open("w", encoding="utf-8", newline="")
        self._children_csv = csv.writer(self._children, lineterminator="\n")
        self._children_csv.writerow(CHILD_COLUMNS)
        return self

    def add_row(self, row: dict[str, str | int], truth: TruthRow) -> None:
        self._lists[truth.source].add(row)
        self.rows[truth.source] += 1
        self._truth_csv.writerow(
            (truth.source, truth.record_id, truth.child_id, truth.family_id, ";".join(truth.tags))
        )

    def add_children(self, children: tuple[Child, ...] | list[Child]) -> None:
        for c in children:
            self._children_csv.writerow(
                (
                    c.child_id, c.family_id, c.sex, c.given.ua, c.ua_surname, c.ua_patronymic,
                    c.birth_date.isoformat(), c.birth_place.ua, int(c.twin), c.similar_to,
                )
            )  # fmt: skip

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for writer in self._lists.values():
            # A failed run leaves no half-written workbook.
            if exc is None or not isinstance(writer, _XlsxList):
                writer.close()
        for handle in (self._truth, self._children):
            if handle is not None:
                handle.close()
        if exc is None:
            self._write_readme()
            self._write_manifest()

    def files(self) -> list[Path]:
        listed = [self.out_dir / spec.file_name for spec in self.sources]
        truth = [self.out_dir / TRUTH_DIR / GROUND_TRUTH, self.out_dir / TRUTH_DIR / CHILDREN_FILE]
        return [*listed, *truth, self.out_dir / README, self.out_dir / MANIFEST]

    def summary(self, *, children: int) -> DatasetSummary:
        return DatasetSummary(children=children, rows=dict(self.rows), files=self.files())

    def _write_manifest(self) -> None:
        manifest = {
            "synthetic": True,
            "notice": "SYNTHETIC demo data: every name, date, place and contact is invented.",
            "seed": self.seed,
            "ground_truth": f"{TRUTH_DIR}/{GROUND_TRUTH}",
            "sources": [
                {
                    "name": spec.name,
                    "kind": spec.registry_kind,
                    "demo_kind": spec.kind,
                    "file": spec.file_name,
                    "format": spec.format,
                    "encoding": spec.encoding or None,
                    "delimiter": spec.delimiter or None,
                    "rows": self.rows[spec.name],
                    "description": spec.description,
                    "extra_columns": list(spec.extra_columns),
                }
                for spec in self.sources
            ],
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        (self.out_dir / MANIFEST).write_text(text, encoding="utf-8")

    def _write_readme(self) -> None:
        lines = [
            "SYNTHETIC DATA - NOT REAL CHILDREN",
            "===================================",
            "",
            "Every name, date, place, contact and story in this directory was invented by",
            f"`kintrace demo-data` (seed {self.seed}). Phone numbers are of the form",
            "+380 00 000 xxxx or +7 000 000-xx-xx and e-mail addresses end in example.org.",
            "Every row of every list carries the column `synthetic` = SYNTHETIC.",
            "",
            "Lists (import them with `kintrace import FILE...`):",
        ]
        for spec in self.sources:
            encoding = f"{spec.format.upper()}" + (
                f", {spec.encoding}, delimiter {spec.delimiter!r}" if spec.format == "csv" else ""
            )
            lines.append(f"  {spec.file_name}  ({encoding}; {self.rows[spec.name]} rows)")
            lines.append(f"      {spec.description}")
        lines += [
            "",
            f"Ground truth: {TRUTH_DIR}/{GROUND_TRUTH}",
            "  (source, record_id, child_id, family_id, tags)",
            f"and {TRUTH_DIR}/{CHILDREN_FILE} (each child as they really are).",
            "Do not import the truth files: they are the answers, not lists.",
            f"Machine-readable description of the lists: {MANIFEST}.",
            "See docs/demo-data.md in the Kintrace repository for the scenarios and proportions.",
            "",
        ]
        (self.out_dir / README).write_text("\n".join(lines), encoding="utf-8")

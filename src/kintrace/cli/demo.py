"""CLI commands for the synthetic demo data."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from kintrace.cli.output import literal_console
from kintrace.demo import MAX_CHILDREN, SOURCES_BY_NAME, stream_dataset

_HELP = (
    "Write [bold]synthetic[/bold] source lists that look like the real problem, with ground "
    "truth.\n\n"
    "Lists: Ukrainian family reports (Cyrillic, UTF-8), a Ukrainian registry (Latin, national "
    "2010 system), two Russian camp lists (Windows-1251 with ';', KOI8-U with tabs), a Russian "
    "adoption listing (XLSX) and two partner lists (JSON Lines). The answers go to "
    "OUT/truth/ground_truth.csv, apart from the lists.\n\n"
    "Every row is marked SYNTHETIC; no real child is described. See docs/demo-data.md."
)
# Below this many children a run takes well under a second: no progress bar.
_PROGRESS_FROM = 20_000


def demo_data(
    children: Annotated[
        int,
        typer.Option("--children", "-n", help="How many synthetic children to invent."),
    ] = 2000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same files.")
    ] = 7,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Directory to write the lists into (created if needed)."),
    ] = Path("demo-lists"),
) -> None:
    """Write synthetic source lists with ground truth (see _HELP)."""
    err = literal_console(stderr=True, soft_wrap=True)
    if not 1 <= children <= MAX_CHILDREN:
        err.print(
            Text.assemble(
                (f"--children must be between 1 and {MAX_CHILDREN:,}; got {children:,}.", "red"),
                " Give a positive number, e.g. --children 2000.",
            )
        )
        raise typer.Exit(2)
    if out.exists() and not out.is_dir():
        err.print(
            Text.assemble(
                (f"--out {out} is a file, not a directory.", "red"),
                " Give the path of a directory (it is created if it does not exist).",
            )
        )
        raise typer.Exit(2)
    started = time.perf_counter()
    try:
        if children >= _PROGRESS_FROM:
            with Progress(
                TextColumn("generating"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=err,
            ) as progress:
                task = progress.add_task("children", total=children)
                summary = stream_dataset(
                    children=children,
                    seed=seed,
                    out_dir=out,
                    on_progress=lambda n: progress.advance(task, n),
                )
        else:
            summary = stream_dataset(children=children, seed=seed, out_dir=out)
    except OSError as exc:
        err.print(
            Text.assemble(
                (f"Cannot write the demo lists to {out}: {exc.strerror or exc}.", "red"),
                " Choose a directory you can write to with --out.",
            )
        )
        raise typer.Exit(1) from None
    elapsed = time.perf_counter() - started
    table = Table(title=f"Synthetic demo lists in {out} (seed {seed})")
    table.add_column("source")
    table.add_column("file")
    table.add_column("format")
    table.add_column("rows", justify="right")
    for name, rows in summary.rows.items():
        spec = SOURCES_BY_NAME[name]
        fmt = spec.format if not spec.encoding or spec.format != "csv" else spec.encoding
        table.add_row(name, spec.file_name, fmt, f"{rows:,}")
    console = literal_console(soft_wrap=True)
    console.print(table)
    console.print(
        f"{summary.children:,} children, {summary.records:,} records in {elapsed:.1f} s. "
        f"Ground truth: {out / 'truth' / 'ground_truth.csv'}. All of it is SYNTHETIC."
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.command("demo-data", help=_HELP)(demo_data)

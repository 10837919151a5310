"""Reading and validating a file as a stream of chunks, in this process or in a helper process.

The importer spends about half its CPU reading and validating rows and half writing them. With
`parallel=True` a helper process ("spawn", so nothing of the database connection is shared) reads
and validates while this process writes, so the halves can run on two cores; the pipe holds at
most a couple of chunks, so memory stays bounded. It is off by default: starting the helper costs
about a CPU-second, and on a machine whose cores are already busy it was slower
(bench/import_bench.py prints both; docs/decisions/0001).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kintrace.registry.errors import ImportRefused
from kintrace.registry.readers import RowReader, open_reader
from kintrace.registry.validation import ParsedRow, Rejection, RowValidator

CHUNK_ROWS = 5000

Item = tuple[int, ParsedRow | Rejection]


@dataclass(frozen=True, slots=True)
class Chunk:
    """Validated rows (row number, result) and how far the reader has got."""

    items: list[Item]
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class _Failure:
    message: str


def parsed_chunks(
    reader: RowReader, *, source_option: str | None, today: date, parallel: bool = False
) -> Iterator[Chunk]:
    """Validated rows of an open reader, chunk by chunk. With `parallel` the reading and
    validating happens in a helper process; `reader` is then only used for what it detected."""
    if not parallel:
        yield from _chunks(reader, RowValidator(source_option=source_option, today=today))
        return
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_work,
        args=(sender, reader.path, reader.sheet, source_option, today),
        daemon=True,
    )
    worker.start()
    sender.close()
    try:
        while True:
            try:
                message = receiver.recv()
            except EOFError:
                raise ImportRefused(
                    f"{reader.path.name}: the reading process stopped unexpectedly "
                    f"(exit code {worker.exitcode}). Nothing was imported; try again."
                ) from None
            if message is None:
                return
            if isinstance(message, _Failure):
                raise ImportRefused(message.message)
            items, done, total = message
            yield Chunk([(n, _from_wire(kind, fields)) for n, kind, fields in items], done, total)
    finally:
        receiver.close()
        worker.join(timeout=5)
        if worker.is_alive():
            worker.kill()
            worker.join()


def _chunks(reader: RowReader, validator: RowValidator) -> Iterator[Chunk]:
    items: list[Item] = []
    for raw in reader.rows():
        items.append((raw.number, validator.parse(raw.cells, raw.problem)))
        if len(items) >= CHUNK_ROWS:
            yield Chunk(items, reader.done(), reader.total)
            items = []
    yield Chunk(items, reader.done(), reader.total)


# Rows cross the pipe as plain tuples: pickling slotted dataclasses costs several times more.


def _to_wire(result: ParsedRow | Rejection) -> tuple[bool, tuple[Any, ...]]:
    if isinstance(result, ParsedRow):
        fields = (result.source, result.record_id, result.values, result.content_hash,
                  result.raw_json, result.quarantine_id)  # fmt: skip
        return True, fields
    return False, (result.column, result.reason, result.source, result.record_id, result.raw_json)


def _from_wire(parsed: bool, fields: tuple[Any, ...]) -> ParsedRow | Rejection:
    return ParsedRow(*fields) if parsed else Rejection(*fields)


def _work(
    sender: Connection, path: Path, sheet: str | None, source_option: str | None, today: date
) -> None:
    """Helper process: read and validate, send chunks, then None (or a _Failure)."""
    try:
        reader = open_reader(path, sheet=sheet)
        try:
            validator = RowValidator(source_option=source_option, today=today)
            for chunk in _chunks(reader, validator):
                items = [(n, *_to_wire(result)) for n, result in chunk.items]
                sender.send((items, chunk.done, chunk.total))
        finally:
            reader.close()
        sender.send(None)
    except ImportRefused as exc:
        sender.send(_Failure(str(exc)))
    except BrokenPipeError:
        pass  # the importer stopped (an error, or it was killed): nothing to do
    finally:
        sender.close()

"""A store with synthetic records, one person of two records and one case, for the evidence
tests. All names are synthetic test data."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import insert

from kintrace.cases.facets import CaseState
from kintrace.config import Settings
from kintrace.registry.importer import import_file
from kintrace.store.engine import Store
from kintrace.store.review_tables import cases
from support.seed import add_link_run, add_linked_records, write_records_csv

ROWS = [  # (source, record_id, given, family, birth_date, birth_place)
    ("list-a", "a1", "Олександр", "Ковальчук", "2012-03-14", "Херсон"),
    ("list-a", "a2", "Марія", "Шевченко", "2010-07-01", "Маріуполь"),
    ("list-r", "r1", "Александр", "Ковальчук", "2012-03-14", "Херсон"),
]
PERSON = "person-1"


@pytest.fixture
def registry(store: Store, tmp_path: Path) -> Store:
    """Three records; list-a:a1 and list-r:r1 are one person; case 1 follows list-a:a1."""
    import_file(store, write_records_csv(tmp_path / "lists.csv", ROWS), actor="test")
    now = datetime.now(UTC)
    with store.session(write=True) as db:
        run = add_link_run(db, at=now, finished=True)
        add_linked_records(
            db,
            run_id=run,
            members=[("list-a", "a1", PERSON), ("list-r", "r1", PERSON), ("list-a", "a2", "p2")],
        )
        db.execute(
            insert(cases).values(
                id=1,
                subject_source="list-a",
                subject_record_id="a1",
                opened_at=now,
                opened_by="test",
                identity=CaseState().identity.value,
                whereabouts=CaseState().whereabouts.value,
                return_stage=CaseState().return_stage.value,
                last_progress_at=now,
            )
        )
    return store


@pytest.fixture
def evidence_settings(registry: Store) -> Settings:
    return registry.settings


def gps_jpeg(seed: int = 0) -> bytes:
    """A small synthetic JPEG whose EXIF holds GPS coordinates and a camera name."""
    image = Image.new("RGB", (32, 24), ((seed * 37) % 256, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SyntheticCam"  # Make
    exif[0x0132] = f"2024:05:01 10:00:{seed % 60:02d}"  # DateTime: distinct bytes per seed
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (46.0, 38.0, 0.0)
    gps[3] = "E"
    gps[4] = (32.0, 37.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()

"""Working copies (issue 14 acceptance): a JPEG with GPS EXIF keeps its original bytes; the copy
caseworkers and reviewers see has no GPS and no other metadata. Synthetic images only."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from kintrace.evidence import EvidenceNotFound, EvidenceRefused
from kintrace.evidence.copies import strip_metadata, working_copy
from kintrace.evidence.custody import Custodian
from kintrace.evidence.items import Description, Target, custody_log, ingest_file, register
from kintrace.evidence.kinds import Kind
from kintrace.evidence.storage import EvidenceStore
from kintrace.store.engine import Store

from .conftest import gps_jpeg

CASEWORKER = Custodian(name="cw", role="caseworker")


def _add(registry: Store, data: bytes, *, kind: Kind = Kind.PHOTO) -> int:
    store = EvidenceStore(registry.settings.home)
    about = Description(kind=kind)
    stored = ingest_file(store, io.BytesIO(data), about=about)
    with registry.session(write=True) as db:
        added = register(
            db,
            stored,
            about=about,
            targets=[Target.case(1)],
            custodian=Custodian("cli:test", "operator"),
        )
    return added.item.id


def test_gps_jpeg_original_unchanged_and_the_served_copy_has_no_gps(registry: Store) -> None:
    data = gps_jpeg()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the fixture has GPS
    item_id = _add(registry, data)
    store = EvidenceStore(registry.settings.home)
    with registry.session(write=True) as db:
        copy = working_copy(db, store, item_id=item_id, custodian=CASEWORKER, purpose="review")
    served = Image.open(io.BytesIO(copy.data))
    assert copy.media_type == "image/jpeg"
    assert served.getexif().get_ifd(0x8825) == {}
    assert len(served.getexif()) == 0
    assert b"Exif" not in copy.data and b"SyntheticCam" not in copy.data
    assert served.size == (32, 24)
    original = store.original_path(hashlib.sha256(data).hexdigest())
    assert original.read_bytes() == data  # byte for byte
    with registry.session(write=True) as db:  # second showing: no second derivation
        again = working_copy(db, store, item_id=item_id, custodian=CASEWORKER, purpose="again")
    assert again.data == copy.data
    with registry.session() as db:
        events = [(e.event, e.role) for e in custody_log(db, item_id)]
    assert events[-3:] == [("derive", "caseworker"), ("view", "caseworker"), ("view", "caseworker")]


def test_png_text_chunks_and_orientation(registry: Store) -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "synthetic secret place")
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 20), (1, 2, 3, 128)).save(buffer, "PNG", pnginfo=info)
    data, media_type = strip_metadata(buffer.getvalue(), jpeg=False)
    assert media_type == "image/png" and b"synthetic secret place" not in data
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees to view
    buffer = io.BytesIO()
    Image.new("RGB", (40, 10)).save(buffer, "JPEG", exif=exif)
    data, _ = strip_metadata(buffer.getvalue(), jpeg=True)
    assert Image.open(io.BytesIO(data)).size == (10, 40)  # upright, orientation tag gone


def test_no_copy_of_what_is_not_an_image_nor_of_a_bomb(registry: Store) -> None:
    item_id = _add(registry, b"%PDF-1.7 synthetic", kind=Kind.DOCUMENT)
    store = EvidenceStore(registry.settings.home)
    with registry.session(write=True) as db, pytest.raises(EvidenceRefused, match="only of"):
        working_copy(db, store, item_id=item_id, custodian=CASEWORKER, purpose="")
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, "PNG")
    with pytest.raises(EvidenceRefused, match="pixels"):
        strip_metadata(buffer.getvalue(), jpeg=False)
    with registry.session(write=True) as db, pytest.raises(EvidenceNotFound):
        working_copy(db, store, item_id=item_id, custodian=Custodian("x", "analyst"), purpose="")

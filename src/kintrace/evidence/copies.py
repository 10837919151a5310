"""Working copies: what caseworkers and reviewers see of a photo or a scanned document.

A working copy is made from the pixels alone (Pillow): the image is turned upright as its EXIF
orientation says, then rebuilt from its pixel data into a new image with no EXIF, GPS, XMP, IPTC,
ICC profile, comments or thumbnails, and saved as JPEG (from a JPEG) or PNG. Only the first frame
of an animated or multi-page image is kept. The original is never changed; it is given to the
investigator role only (`items.open_original`).

Making the copy is a custody event `derive` (with the copy's SHA-256), and every showing of it a
`view`. An image too large to decode safely (Pillow's decompression-bomb limit) is refused, as is a
type Pillow cannot read here (HEIC) and anything that is not an image: such items are seen by
investigators only.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from kintrace.evidence.custody import Custodian, Event, record
from kintrace.evidence.errors import EvidenceNotFound, EvidenceRefused
from kintrace.evidence.items import ItemView, get_item
from kintrace.evidence.storage import EvidenceStore

#: Roles that see working copies (the investigator sees them too, and the originals).
COPY_READERS = frozenset({"admin", "caseworker", "reviewer", "investigator", "operator"})
#: Pixels above which an image is not decoded (a decompression bomb); Pillow's own default.
MAX_PIXELS = 89_478_485
_DERIVABLE = ("image/jpeg", "image/png", "image/gif", "image/tiff", "image/webp", "image/bmp")


@dataclass(frozen=True)
class WorkingCopy:
    item: ItemView
    data: bytes
    media_type: str
    sha256: str


def strip_metadata(original: bytes, *, jpeg: bool) -> tuple[bytes, str]:
    """The pixels of `original` in a new file with no metadata: (bytes, media type)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(original)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise Image.DecompressionBombError("too many pixels")
                image.seek(0)
                upright = ImageOps.exif_transpose(image)
                upright.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise EvidenceRefused(
                f"The image has more than {MAX_PIXELS:,} pixels; no working copy is made of it. "
                "An investigator can download the original."
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise EvidenceRefused(
                "The image cannot be decoded, so no working copy can be made; an investigator "
                "can download the original."
            ) from None
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    mode = "RGBA" if has_alpha else ("L" if upright.mode in ("L", "1", "I;16") else "RGB")
    pixels = upright.convert(mode)
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())  # nothing but the pixels
    out = io.BytesIO()
    if jpeg and mode != "RGBA":  # a JPEG has no alpha channel
        clean.save(out, "JPEG", quality=90)
        return out.getvalue(), "image/jpeg"
    clean.save(out, "PNG")
    return out.getvalue(), "image/png"


def working_copy(
    db: Session, store: EvidenceStore, *, item_id: int, custodian: Custodian, purpose: str
) -> WorkingCopy:
    """The item's working copy (made on first use), shown to `custodian`: a custody event."""
    if custodian.role not in COPY_READERS:
        raise EvidenceNotFound(f"There is no evidence item {item_id}.")
    item = get_item(db, item_id)
    if item.erased_at is not None:
        raise EvidenceNotFound(f"Evidence item {item_id} was erased on {item.erased_at[:10]}.")
    if item.media_type not in _DERIVABLE:
        raise EvidenceRefused(
            f"No working copy can be made of {item.media_type} (only of images); an "
            "investigator can download the original."
        )
    jpeg = item.media_type == "image/jpeg"
    suffix = ".jpg" if jpeg else ".png"
    path = store.copy_path(item.sha256, suffix)
    if path.exists():
        data = path.read_bytes()
        media_type = "image/jpeg" if jpeg else "image/png"
    else:
        original = store.original_path(item.sha256).read_bytes()
        if hashlib.sha256(original).hexdigest() != item.sha256:
            raise EvidenceRefused(
                f"The original of item {item_id} no longer matches its SHA-256; no copy was "
                "made. Run `kintrace evidence verify --all`."
            )
        data, media_type = strip_metadata(original, jpeg=jpeg)
        store.write_copy(item.sha256, suffix, data)
        record(
            db,
            item_id=item_id,
            event=Event.DERIVE,
            custodian=custodian,
            purpose="working copy without metadata",
            sha256=item.sha256,
            details={"copy_sha256": hashlib.sha256(data).hexdigest(), "copy_type": media_type},
        )
    digest = hashlib.sha256(data).hexdigest()
    record(
        db,
        item_id=item_id,
        event=Event.VIEW,
        custodian=custodian,
        purpose=purpose or "working copy shown",
        sha256=item.sha256,
        details={"copy_sha256": digest},
    )
    return WorkingCopy(item=item, data=data, media_type=media_type, sha256=digest)

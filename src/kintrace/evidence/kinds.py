"""What a file is, from its first bytes (never from its name), and which kinds of evidence accept
which types.

A file whose name promises one family of types (photo.jpg) while its content is another (a PDF, a
program) is "disguised" and refused, as is content no kind accepts (programs, unknown binaries).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePath

from kintrace.evidence.errors import EvidenceRefused

#: How many leading bytes `sniff` looks at.
SNIFF_BYTES = 4096
UNKNOWN = "application/octet-stream"


class Kind(StrEnum):
    DOCUMENT = "document"
    PHOTO = "photo"
    VIDEO = "video"
    AUDIO = "audio"
    TESTIMONY = "testimony"
    CAPTURE = "capture"

    @classmethod
    def parse(cls, value: str) -> Kind:
        try:
            return cls(value.strip().lower())
        except ValueError:
            allowed = "|".join(k.value for k in cls)
            raise EvidenceRefused(
                f"Unknown evidence kind {value[:40]!r}: expected one of {allowed}."
            ) from None


#: The media types each kind accepts, by prefix ("image/" accepts every image type).
ACCEPTS: dict[Kind, tuple[str, ...]] = {
    Kind.PHOTO: ("image/",),
    Kind.VIDEO: ("video/",),
    Kind.AUDIO: ("audio/",),
    Kind.DOCUMENT: (
        "image/",
        "application/pdf",
        "application/zip",
        "text/plain",
        "text/html",
        "multipart/related",
    ),
    Kind.TESTIMONY: ("audio/", "video/", "application/pdf", "text/plain"),
    Kind.CAPTURE: (
        "image/",
        "application/pdf",
        "text/html",
        "multipart/related",
        "application/warc",
    ),
}

#: Name endings and the type (prefix) they promise; a name without one promises nothing.
_EXTENSIONS: dict[str, str] = {
    **dict.fromkeys(
        (".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".webp", ".heic", ".bmp"), "image/"
    ),
    **dict.fromkeys((".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi"), "video/"),
    **dict.fromkeys((".mp3", ".wav", ".ogg", ".oga", ".flac", ".m4a", ".opus"), "audio/"),
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    **dict.fromkeys((".html", ".htm"), "text/html"),
    **dict.fromkeys((".mhtml", ".mht"), "multipart/related"),
    ".warc": "application/warc",
    **dict.fromkeys((".zip", ".docx", ".xlsx", ".odt", ".ods"), "application/zip"),
}

#: Suffixes of the files in a bundle, by media type.
SUFFIXES: dict[str, str] = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/tiff": ".tif",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "image/bmp": ".bmp",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
    "video/x-msvideo": ".avi",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/ogg": ".ogg",
    "audio/flac": ".flac",
    "audio/mp4": ".m4a",
    "application/pdf": ".pdf",
    "application/zip": ".zip",
    "application/warc": ".warc",
    "text/plain": ".txt",
    "text/html": ".html",
    "multipart/related": ".mhtml",
}


def sniff(head: bytes) -> str:
    """The media type of content starting with `head`; UNKNOWN when it is none Kintrace knows
    (programs included, which no kind accepts)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head.startswith(b"BM") and len(head) > 14 and head[6:10] == b"\x00\x00\x00\x00":
        return "image/bmp"
    if head[:4] == b"RIFF" and len(head) >= 12:
        riff = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
        return riff.get(head[8:12], UNKNOWN)
    if head[4:8] == b"ftyp":
        return _iso_media_type(head[8:12])
    if head.startswith(b"\x1aE\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    if head.startswith(b"WARC/1."):
        return "application/warc"
    return _text_type(head)


def _iso_media_type(brand: bytes) -> str:
    if brand in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic"
    if brand == b"qt  ":
        return "video/quicktime"
    if brand in (b"M4A ", b"M4B "):
        return "audio/mp4"
    return "video/mp4"


def _text_type(head: bytes) -> str:
    if not head or b"\x00" in head:
        return UNKNOWN
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the end of the sample
            return UNKNOWN
        text = head[: exc.start].decode("utf-8")
    if any(ord(c) < 32 and c not in "\t\r\n\f" for c in text):
        return UNKNOWN
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html")):
        return "text/html"
    if start.startswith(("mime-version:", "from: <saved by")):
        return "multipart/related"
    return "text/plain"


def check_kind(*, kind: Kind, media_type: str, file_name: str | None) -> None:
    """Refuse content that `kind` does not accept, or whose name promises another type."""
    if media_type == UNKNOWN:
        raise EvidenceRefused(
            "The file's content is not a type Kintrace keeps as evidence (an image, video, "
            "audio, PDF, text, web capture or ZIP; programs are refused). Convert it to one of "
            "those types."
        )
    if file_name:
        suffix = PurePath(file_name).suffix.lower()
        promised = _EXTENSIONS.get(suffix)
        if promised is not None and not media_type.startswith(promised):
            raise EvidenceRefused(
                f"The file's name ends in {suffix!r}, but its content is {media_type}: a "
                "disguised file is refused. If the content is what you meant to keep, rename "
                "the file to match it."
            )
    if not media_type.startswith(ACCEPTS[kind]):
        accepted = ", ".join(f"{a}*" if a.endswith("/") else a for a in ACCEPTS[kind])
        raise EvidenceRefused(
            f"Evidence of kind {kind.value} cannot be {media_type}; it accepts {accepted}. "
            "Choose the right --kind."
        )

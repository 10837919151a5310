"""TOTP second factor (RFC 6238, 30 s steps, 6 digits) and one-time recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg

ISSUER = "Kintrace"
STEP_S = 30
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud safely


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, *, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG (no image files, no JavaScript, CSP-safe)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


def matching_step(secret: str, code: str, *, now: datetime, last_step: int | None) -> int | None:
    """The time step `code` belongs to (now, one before or one after), or None.

    A step at or before `last_step` is refused: a code works once (no replay).
    """
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_S
    for step in (current - 1, current, current + 1):
        expected = totp.generate_otp(step)
        if hmac.compare_digest(expected, code) and (last_step is None or step > last_step):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes of 12 characters (about 59 bits each), shown once as xxxx-xxxx-xxxx."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def recovery_code_hash(code: str) -> str:
    """Hash of a normalised recovery code. The codes are random and long, so SHA-256 suffices."""
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()

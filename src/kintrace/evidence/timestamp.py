"""RFC 3161 time-stamps of a bundle's manifest, from the time-stamping authority (TSA) named by
`KINTRACE_TSA_URL`.

The request carries the SHA-256 of `manifest.json`, a random nonce and asks for the TSA's
certificate. The answer is accepted only when it is granted, names the same hash and nonce, and
its CMS signature verifies with the certificate it carries (message digest of the TSTInfo and the
signature over the signed attributes). Whether that certificate is a TSA the court trusts is the
reader's check, with the TSA's CA: `openssl ts -verify -data manifest.json -in timestamp.tsr
-CAfile TSA-CA.pem`. The whole response (TimeStampResp, DER) is kept as `timestamp.tsr`.

Library: asn1crypto (MIT) for the ASN.1, cryptography for the signature.
"""

from __future__ import annotations

import hashlib
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from kintrace.evidence.errors import EvidenceError

MAX_RESPONSE_BYTES = 1 << 20
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class TimestampError(EvidenceError):
    """The TSA could not be reached, refused, or answered something that does not hold."""


def timestamper_for(url: str, *, timeout: float = 30.0) -> Callable[[bytes], bytes] | None:
    """A function time-stamping data at `url`, or None when no TSA is configured."""
    url = url.strip()
    if not url:
        return None
    if urlsplit(url).scheme not in ("http", "https"):
        raise TimestampError(
            "KINTRACE_TSA_URL must be an http:// or https:// address of an RFC 3161 "
            "time-stamping authority."
        )
    return lambda data: request_timestamp(url, data, timeout=timeout)


def request_timestamp(url: str, data: bytes, *, timeout: float = 30.0) -> bytes:
    """The TSA's response (DER) time-stamping the SHA-256 of `data`, checked."""
    digest = hashlib.sha256(data).digest()
    nonce = secrets.randbits(63)
    request = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    http = urllib.request.Request(
        url,
        data=request.dump(),
        headers={
            "Content-Type": "application/timestamp-query",
            "Accept": "application/timestamp-reply",
        },
        method="POST",
    )
    host = urlsplit(url).netloc
    try:
        with urllib.request.urlopen(http, timeout=timeout) as answer:
            body = answer.read(MAX_RESPONSE_BYTES + 1)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TimestampError(
            f"The time-stamping authority at {host} could not be reached ({reason}); no bundle "
            "was written. Check KINTRACE_TSA_URL, or unset it to bundle without a time-stamp."
        ) from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise TimestampError(f"The time-stamping authority at {host} answered too much data.")
    check_response(body, digest=digest, nonce=nonce)
    return body


def check_response(body: bytes, *, digest: bytes, nonce: int | None) -> datetime:
    """Check a TimeStampResp for `digest` (and `nonce`); return the time it vouches for."""
    try:
        response = tsp.TimeStampResp.load(body)
        status = response["status"]["status"].native
        if status not in ("granted", "granted_with_mods"):
            raise TimestampError(f"The time-stamping authority refused the request ({status}).")
        signed = response["time_stamp_token"]["content"]
        info = signed["encap_content_info"]["content"].parsed
        imprint = info["message_imprint"]
        if (
            imprint["hash_algorithm"]["algorithm"].native != "sha256"
            or imprint["hashed_message"].native != digest
        ):
            raise TimestampError("The time-stamp does not cover this manifest (another hash).")
        if nonce is not None and info["nonce"].native != nonce:
            raise TimestampError("The time-stamp answers another request (nonce differs).")
        _check_signature(signed)
        gen_time: datetime = info["gen_time"].native
    except TimestampError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise TimestampError(
            f"The time-stamping authority's answer is not a valid RFC 3161 response ({exc})."
        ) from None
    return gen_time


def _check_signature(signed: cms.SignedData) -> None:
    signer = signed["signer_infos"][0]
    algorithm = signer["digest_algorithm"]["algorithm"].native
    if algorithm not in _HASHES:
        raise TimestampError(f"The time-stamp uses an unsupported digest ({algorithm}).")
    content = signed["encap_content_info"]["content"].contents
    attrs = signer["signed_attrs"]
    digests = [a["values"][0].native for a in attrs if a["type"].native == "message_digest"]
    hasher = hashes.Hash(_HASHES[algorithm]())
    hasher.update(content)
    if digests != [hasher.finalize()]:
        raise TimestampError("The time-stamp's signed digest does not match its content.")
    sid = signer["sid"].chosen
    certificate = next(
        (
            c.chosen
            for c in signed["certificates"] or []
            if c.name == "certificate"
            and c.chosen.issuer == sid["issuer"]
            and c.chosen.serial_number == sid["serial_number"].native
        ),
        None,
    )
    if certificate is None:
        raise TimestampError("The time-stamp does not carry the certificate that signed it.")
    key = x509.load_der_x509_certificate(certificate.dump()).public_key()
    to_verify = b"\x31" + attrs.dump()[1:]  # signed over as a SET OF, not as [0]
    signature = signer["signature"].native
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, to_verify, padding.PKCS1v15(), _HASHES[algorithm]())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, to_verify, ec.ECDSA(_HASHES[algorithm]()))
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, to_verify)
        else:
            raise TimestampError("The time-stamp is signed with an unsupported key type.")
    except InvalidSignature:
        raise TimestampError("The time-stamp's signature does not verify.") from None

"""A small RFC 3161 time-stamping authority on 127.0.0.1, for tests: a self-signed ECDSA
certificate made at start (cryptography), responses built with asn1crypto. It answers every
well-formed request with a token signed over the signed attributes (content type, message digest,
signing certificate v2), as a real TSA does; `tamper` makes it answer for another hash."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


class TestTsa:
    __test__ = False  # not a test class

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kintrace test TSA")])
        now = datetime.now(UTC)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
            .sign(self.key, hashes.SHA256())
        )
        self.cert_der = self.certificate.public_bytes(serialization.Encoding.DER)
        self.requests = 0
        self.tamper = False
        self.serial = 0

    def respond(self, body: bytes) -> bytes:
        request = tsp.TimeStampReq.load(body)
        self.requests += 1
        self.serial += 1
        imprint = request["message_imprint"]
        if self.tamper:
            imprint = tsp.MessageImprint(
                {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": b"\x00" * 32}
            )
        info = tsp.TSTInfo(
            {
                "version": "v1",
                "policy": "1.3.6.1.4.1.99999.1",
                "message_imprint": imprint,
                "serial_number": self.serial,
                "gen_time": datetime.now(UTC).replace(microsecond=0),
                "nonce": request["nonce"].native,
            }
        )
        content = info.dump()
        certificate = asn1_x509.Certificate.load(self.cert_der)
        attrs = cms.CMSAttributes(
            [
                cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
                cms.CMSAttribute(
                    {"type": "message_digest", "values": [hashlib.sha256(content).digest()]}
                ),
                cms.CMSAttribute(
                    {
                        "type": "signing_certificate_v2",
                        "values": [
                            {"certs": [{"cert_hash": hashlib.sha256(self.cert_der).digest()}]}
                        ],
                    }
                ),
            ]
        )
        signature = self.key.sign(attrs.dump(), ec.ECDSA(hashes.SHA256()))
        signed = cms.SignedData(
            {
                "version": "v3",
                "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
                "encap_content_info": {
                    "content_type": "tst_info",
                    "content": core.ParsableOctetString(content),
                },
                "certificates": [certificate],
                "signer_infos": [
                    {
                        "version": "v1",
                        "sid": cms.SignerIdentifier(
                            {
                                "issuer_and_serial_number": {
                                    "issuer": certificate.issuer,
                                    "serial_number": certificate.serial_number,
                                }
                            }
                        ),
                        "digest_algorithm": {"algorithm": "sha256"},
                        "signed_attrs": attrs,
                        "signature_algorithm": {"algorithm": "sha256_ecdsa"},
                        "signature": signature,
                    }
                ],
            }
        )
        response = tsp.TimeStampResp(
            {
                "status": {"status": "granted"},
                "time_stamp_token": {"content_type": "signed_data", "content": signed},
            }
        )
        return response.dump()


@contextmanager
def running_tsa() -> Iterator[tuple[str, TestTsa]]:
    """(URL, TSA) of a TSA listening on 127.0.0.1 for the duration of the block."""
    tsa = TestTsa()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                answer = tsa.respond(body)
            except Exception:
                self.send_response(400)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa", tsa
    finally:
        server.shutdown()
        server.server_close()

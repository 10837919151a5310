"""Evidence and accountability (issue 14): files with a chain of custody, court bundles anyone can
verify, retention and legal hold.

- `storage`: content-addressed, write-once files in the data directory (SHA-256 and SHA-512
  computed while the bytes stream in);
- `kinds`: what a file is, found from its content, and which kinds of evidence accept it;
- `custody`: the hash-chained custody log;
- `items`: the services (add, link, log, originals, working copies, fixity);
- `copies`: working copies without EXIF/GPS or other metadata (Pillow);
- `bundle`: court bundles with a signed manifest and a stand-alone verify.py;
- `retention`: per-source retention rules, legal holds, erasure with a tombstone.

Routes and commands call these services; they hold the queries and the rules.
"""

from __future__ import annotations

from kintrace.evidence.errors import EvidenceError, EvidenceNotFound, EvidenceRefused

__all__ = ["EvidenceError", "EvidenceNotFound", "EvidenceRefused"]

"""Mediator list exchange (issue 13): partners and their data-sharing agreements, outbound
requests (lists of sought children, encrypted to the partner's age key and signed with the
installation's Ed25519 key), inbound answers, and their reconciliation with the request.

- `errors`: what the exchange refuses, with messages that hold no child's data;
- `identity`: our age identity in the data directory (0600), never logged or exported;
- `partners`: partners and agreements (the rules an export must keep);

The web and the command line reach these through `kintrace.services.exchange`. See
docs/exchange.md.
"""

from __future__ import annotations

from kintrace.exchange.errors import ExchangeError, ExchangeNotFound, ExchangeRefused

__all__ = ["ExchangeError", "ExchangeNotFound", "ExchangeRefused"]

"""Kintrace: trace children separated from their families by war.

The package is layered (see docs/architecture.md): a pure core (`names`, `cases`,
`linkage.spec`) wrapped by adapters (`store`, `registry`, the Splink runner, `web`, `cli`).
Nothing is built at import time.
"""

__version__ = "0.1.0"

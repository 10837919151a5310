"""The name index brought up to date in the background when a search finds it behind.

Search never writes the index (decision 0420): on SQLite a read transaction cannot become a
write while another writer (an import, a link run) holds the lock, and a page must not fail for
that. The import's callers bring the index up to date after their commit; a list imported by a
process that stopped before doing so (or by an older version) is caught up here: the first search
that finds the index behind starts one catch-up on a worker thread, in short write transactions
(`kintrace.services.records.catch_up_index`), and answers with what the index holds meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kintrace.services.context import Store
from kintrace.services.records import catch_up_index

log = logging.getLogger(__name__)


class IndexCatchUp:
    """At most one catch-up at a time; a request during a run starts another after it (the
    run may have read the records before the newest list came in)."""

    def __init__(self, run: Callable[[], int]) -> None:
        self._run = run
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._again = False

    def request(self) -> None:
        with self._lock:
            if self._worker is not None and self._worker.is_alive():
                self._again = True
                return
            self._again = False
            self._worker = threading.Thread(
                target=self._work, name="kintrace-name-index", daemon=True
            )
            self._worker.start()

    def wait(self, timeout: float) -> bool:
        """Block until no catch-up runs or `timeout` seconds passed (tests); True if idle."""
        with self._lock:
            worker = self._worker
        if worker is not None:
            worker.join(timeout)
            return not worker.is_alive()
        return True

    def _work(self) -> None:
        while True:
            try:
                self._run()
            except Exception as exc:  # the next search that finds it behind asks again
                log.warning("name index catch-up stopped: %s", type(exc).__name__)
            with self._lock:
                if not self._again:
                    self._worker = None
                    return
                self._again = False


def index_catch_up_for(store: Store) -> IndexCatchUp:
    """The catch-up of a process serving `store` (the web app makes one at start; search pages
    and the search API request it when a search finds the index behind)."""
    return IndexCatchUp(lambda: catch_up_index(store))

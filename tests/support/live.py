"""A real HTTP server (uvicorn, in a thread of the test process) around an app, and a raw
client that sends a request's head now and its body later: what a slow or hostile client does,
which TestClient cannot (it hands the whole body over at once, outside any event loop).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve `app` on a free loopback port for the block; yields the base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


class SlowRequest:
    """A request whose head (and the start of its body) is sent now; `finish` sends the rest."""

    def __init__(
        self,
        base_url: str,
        method: str,
        path: str,
        *,
        headers: dict[str, str],
        body: bytes,
        send_now: int,
        content_length: int | None = None,
    ) -> None:
        port = int(base_url.rsplit(":", 1)[1])
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=15)
        self.body = body
        self.sent = send_now
        length = len(body) if content_length is None else content_length
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {length}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body[:send_now])

    def finish(self) -> None:
        self.sock.sendall(self.body[self.sent :])

    def status(self, timeout: float = 15) -> int:
        """The response's status code (read without sending anything more)."""
        self.sock.settimeout(timeout)
        data = b""
        while b"\r\n" not in data:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return int(data.split(b" ", 2)[1])

    def close(self) -> None:
        self.sock.close()

"""What the browser tests and the README's screenshots (``make screenshots``) share: the app
served by uvicorn in a background thread, and how Debian's Chromium is launched to drive it."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator

from fastapi import FastAPI

# Debian's; TALENTA_CHROMIUM names another build (e.g. a distribution's chromium-browser)
CHROMIUM = os.environ.get("TALENTA_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium reaches for Google's services, which a
# closed network refuses (and which a government server has no business contacting).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(app: FastAPI, port: int | None = None, start_timeout_s: float = 120) -> Iterator[str]:
    """``app`` served on ``port`` (default: a free one) until the block ends; yields its URL."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=port or free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="talenta-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)

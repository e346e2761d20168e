"""Real servers for service tests: the app under uvicorn, a static host page, a KB data dir copy."""

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import uvicorn
from fastapi import FastAPI


def copy_data_dir(source: Path, target: Path) -> Path:
    """A private copy of an ingested data dir: a test may write to it (feedback, more documents)
    without touching the session's corpus KB. The source must have no writer running."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".writer.lock"))
    return target


def listening_socket() -> socket.socket:
    """A bound, listening socket on a free loopback port (held: no race with other tests)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


@contextmanager
def serve_app(app: FastAPI, sock: socket.socket | None = None) -> Iterator[str]:
    """Run ``app`` (lifespan included) under uvicorn in a thread; yields its base URL."""
    sock = sock or listening_socket()
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(1200):  # the lifespan loads the model: allow a minute
            if server.started or not thread.is_alive():
                break
            time.sleep(0.05)
        if not server.started:
            raise RuntimeError("uvicorn did not start (see the log above)")
        host, port = sock.getsockname()[:2]
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_directory(directory: Path, sock: socket.socket | None = None) -> Iterator[str]:
    """A plain static web server (the "host" website that embeds the widget)."""
    sock = sock or listening_socket()
    handler = partial(_QuietHandler, directory=str(directory))
    httpd = ThreadingHTTPServer(sock.getsockname()[:2], handler, bind_and_activate=False)
    httpd.socket.close()
    httpd.socket = sock
    httpd.server_address = sock.getsockname()[:2]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = httpd.server_address
        yield f"http://{host}:{port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)

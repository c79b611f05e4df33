"""A local web server that serves a built site the way the README's nginx setup does.

Precompressed ``x.br`` / ``x.gz`` copies are sent when the browser accepts them (nginx
``brotli_static``/``gzip_static``); other text files are gzipped on the fly (nginx
``gzip on``), so a site without copies, like the plain Material baseline of
scripts/bench_pages.py, is compressed too. Fingerprinted files get a year of caching.
The site may be served under a sub-path (``prefix``), as on GitHub Pages project sites.

A plain module (not conftest) so tests and benchmark scripts can share it.
"""

from __future__ import annotations

import gzip
import mimetypes
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.(?:min\.)?(?:css|js)$")
mimetypes.add_type("font/woff2", ".woff2")
mimetypes.add_type("application/javascript", ".js")
mimetypes.add_type("image/webp", ".webp")


def _handler(site_dir: Path, prefix: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Keep test and benchmark output readable."""

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self._serve(body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._serve(body=False)

        def _serve(self, body: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            if not path.startswith(prefix):
                return self._send(404, b"not found", "text/plain", body=body)
            rel = path[len(prefix):]
            target = (site_dir / rel).resolve()
            if not target.is_relative_to(site_dir):
                return self._send(404, b"not found", "text/plain", body=body)
            if target.is_dir():
                if not path.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                target = target / "index.html"
            if not target.is_file():
                missing = site_dir / "404.html"
                data = missing.read_bytes() if missing.is_file() else b"not found"
                return self._send(404, data, "text/html; charset=utf-8", body=body)
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
                kind += "; charset=utf-8"
            accepts = self.headers.get("Accept-Encoding", "")
            encoding = None
            data: bytes
            if "br" in accepts and target.with_name(target.name + ".br").is_file():
                data, encoding = target.with_name(target.name + ".br").read_bytes(), "br"
            elif "gzip" in accepts and target.with_name(target.name + ".gz").is_file():
                data, encoding = target.with_name(target.name + ".gz").read_bytes(), "gzip"
            else:
                data = target.read_bytes()
                if "gzip" in accepts and kind.startswith(TEXT_TYPES) and len(data) > 1024:
                    data, encoding = gzip.compress(data, compresslevel=6, mtime=0), "gzip"
            cache = "public, max-age=31536000, immutable" if FINGERPRINTED.search(target.name) else "no-cache"
            return self._send(200, data, kind, encoding=encoding, cache=cache, body=body)

        def _send(self, status: int, data: bytes, kind: str, *, encoding: str | None = None,
                  cache: str = "no-cache", body: bool = True) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", cache)
            self.send_header("Vary", "Accept-Encoding")
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.end_headers()
            if body:
                self.wfile.write(data)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Browsers drop connections they no longer need; that is not an error of the site."""


@contextmanager
def serve(site_dir: Path, prefix: str = "/") -> Iterator[str]:
    """Serve ``site_dir`` at ``http://127.0.0.1:<free port><prefix>``; yields that URL."""
    server = _Server(("127.0.0.1", 0), _handler(Path(site_dir).resolve(), prefix))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()

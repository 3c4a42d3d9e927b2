"""The HAProxy configuration: deploy/haproxy.cfg.template filled in with the proxy's address and
one `server` line per Streamlit process.

    text = render(port=8080, backends=[Backend("b1", 8601), Backend("b2", 8602)])
    path = write(text, directory)          # <directory>/haproxy.cfg
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "haproxy.cfg.template"
COOKIE = "playground_backend"   # the sticky cookie; its value is a backend's name
MAXCONN = 4096                  # open connections through the proxy: ~2 per open tab


@dataclass(frozen=True)
class Backend:
    """One Streamlit process as the proxy sees it: its name (the cookie's value) and address."""

    name: str
    port: int
    host: str = "127.0.0.1"


def backend_name(number: int) -> str:
    """The name of the `number`-th process (1-based): b1, b2, ...; the cookie value and the
    PLAYGROUND_BACKEND the process gets."""
    return f"b{number}"


def server_line(backend: Backend) -> str:
    """The backend in the sticky pool: health-checked, its name as the cookie value."""
    return f"    server {backend.name} {backend.host}:{backend.port} check cookie {backend.name}"


def any_server_line(backend: Backend) -> str:
    """The backend in the cookie-less pool for the reconnect pings: up and down with its sticky twin."""
    return f"    server {backend.name} {backend.host}:{backend.port} track streamlit/{backend.name}"


def render(port: int, backends: Sequence[Backend], host: str = "127.0.0.1", template: Path = TEMPLATE) -> str:
    """The configuration text for a proxy on `host`:`port` in front of `backends`."""
    if not backends:
        raise ValueError(f"Expected at least one backend. Received: backends={list(backends)!r}")
    if not 0 < port < 65536:
        raise ValueError(f"Expected a TCP port in 1..65535. Received: port={port!r}")
    text = string.Template(template.read_text())
    return text.substitute(host=host, port=port, maxconn=MAXCONN,
                           servers="\n".join(server_line(b) for b in backends),
                           any_servers="\n".join(any_server_line(b) for b in backends))


def write(text: str, directory: Path) -> Path:
    """Write `text` as <directory>/haproxy.cfg; return its path."""
    path = Path(directory) / "haproxy.cfg"
    path.write_text(text)
    return path

"""Finding and starting HAProxy.

Debian installs it as /usr/sbin/haproxy, which is not on an ordinary user's PATH, so the usual
sbin directories are searched after PATH.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

SBIN = ("/usr/sbin", "/usr/local/sbin", "/opt/homebrew/sbin", "/opt/homebrew/bin")
MISSING = (
    "HAProxy is not installed (no `haproxy` on PATH or in {sbin}). The playground's lecture-hall "
    "server puts HAProxy in front of its Streamlit processes. Install it with "
    "`sudo apt-get install haproxy` on Debian or Ubuntu, or `brew install haproxy` on macOS, "
    "then run this command again (or pass --haproxy /path/to/haproxy). "
    "For one person, `streamlit run app.py` needs no proxy."
)


def find_haproxy(search_path: str | None = None, also: tuple[str, ...] = SBIN) -> Path | None:
    """The haproxy executable on `search_path` (default: PATH), then in the directories `also`;
    None if there is none."""
    path = os.environ.get("PATH", "") if search_path is None else search_path
    found = shutil.which("haproxy", path=os.pathsep.join([path, *also]))
    return Path(found) if found else None


def missing_message(requested: Path | None = None) -> str:
    """What to tell a user who has no haproxy (or whose --haproxy names no executable): one
    paragraph with how to install it."""
    if requested is not None:
        return (f"No runnable haproxy at {requested} (from --haproxy). "
                + MISSING.split(". ", 1)[1].format(sbin=", ".join(SBIN)))
    return MISSING.format(sbin=", ".join(SBIN))


def command(binary: Path, config: Path) -> list[str]:
    """HAProxy in the foreground (-db: no daemon, no master-worker fork) on `config`."""
    return [str(binary), "-db", "-f", str(config)]


def check_command(binary: Path, config: Path) -> list[str]:
    """HAProxy's own check of `config` (exit 0 when valid)."""
    return [str(binary), "-c", "-f", str(config)]

"""playground.serve without a browser: the rendered HAProxy config, HAProxy's own check of it, the
message for a missing haproxy, and the restart note's rule."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from playground.serve import proxy
from playground.serve.backends import ROOT, free_ports
from playground.serve.proxy_config import COOKIE, Backend, backend_name, render, write
from playground.ui.restart_note import BACKEND_ENV, moved_here

BACKENDS = [Backend(backend_name(n), port) for n, port in enumerate((8601, 8602, 8603), start=1)]


def lines(text: str) -> list[str]:
    """The config's directives, comments and blank lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def section(text: str, header: str) -> list[str]:
    """The directives of one section (`backend streamlit`, ...)."""
    out, inside = [], False
    for line in lines(text):
        if re.match(r"(global|defaults|frontend|backend|listen)\b", line):
            inside = line == header
        elif inside:
            out.append(line)
    return out


def test_sticky_cookie_websocket_timeout_and_health_check():
    text = render(8080, BACKENDS)
    sticky = section(text, "backend streamlit")
    cookie = [line for line in sticky if line.startswith("cookie ")]
    assert len(cookie) == 1 and cookie[0].split()[1] == COOKIE == "playground_backend", cookie
    assert {"insert", "nocache"} <= set(cookie[0].split())
    assert "option redispatch" in section(text, "defaults")
    assert "timeout tunnel 2h" in section(text, "defaults")  # a WebSocket lives a whole lecture
    assert "option httpchk GET /_stcore/health" in sticky
    assert "balance leastconn" in sticky
    assert "bind 127.0.0.1:8080" in section(text, "frontend playground")


def test_one_server_line_per_backend_with_its_port_and_cookie():
    text = render(9000, BACKENDS, host="0.0.0.0")
    servers = [line for line in section(text, "backend streamlit") if line.startswith("server ")]
    assert servers == [f"server b{n} 127.0.0.1:{port} check cookie b{n}"
                       for n, port in enumerate((8601, 8602, 8603), start=1)]
    pings = [line for line in section(text, "backend streamlit_any") if line.startswith("server ")]
    assert pings == [f"server b{n} 127.0.0.1:{port} track streamlit/b{n}"
                     for n, port in enumerate((8601, 8602, 8603), start=1)]
    assert "bind 0.0.0.0:9000" in section(text, "frontend playground")
    assert not [line for line in lines(text) if "$" in line]  # every placeholder filled in


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="at least one backend"):
        render(8080, [])
    with pytest.raises(ValueError, match="Received: port=70000"):
        render(70000, BACKENDS)


def test_haproxy_accepts_the_rendered_config(tmp_path):
    binary = proxy.find_haproxy()
    if binary is None:
        pytest.skip("needs haproxy (apt-get install haproxy; .ci/run installs it)")
    ports = free_ports(3)
    backends = [Backend(backend_name(n), port) for n, port in enumerate(ports[1:], start=1)]
    config = write(render(ports[0], backends), tmp_path)
    check = subprocess.run(proxy.check_command(binary, config), capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr


def test_find_haproxy_looks_on_the_path_then_in_the_extra_directories(tmp_path):
    assert proxy.find_haproxy(search_path=str(tmp_path), also=()) is None
    fake = tmp_path / "sbin" / "haproxy"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert proxy.find_haproxy(search_path=str(tmp_path), also=(str(fake.parent),)) == fake
    assert proxy.find_haproxy(search_path=str(fake.parent), also=()) == fake


def run_serve(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "playground.serve", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=env)


def test_a_missing_haproxy_says_how_to_install_it_and_exits_2(tmp_path):
    done = run_serve("--processes", "1", "--haproxy", str(tmp_path / "haproxy"))
    assert done.returncode == 2, done
    message = done.stderr
    assert "apt-get install haproxy" in message and "brew install haproxy" in message, message
    assert "Traceback" not in message and done.stdout == ""
    # Nothing was started: no backend line.
    assert "backend" not in done.stdout


def test_the_missing_message_names_both_installers_in_one_paragraph():
    message = proxy.missing_message()
    assert "apt-get install haproxy" in message and "brew install haproxy" in message
    assert "\n" not in message


def test_usage_errors_exit_2_without_a_traceback():
    done = run_serve("--processes", "0", env={**os.environ})
    assert done.returncode == 2 and "Expected --processes" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(("cookie", "backend", "moved"), [
    ("b1", "b2", True),      # the browser's process died; the proxy sent it here
    ("b2", "b2", False),     # its own process
    (None, "b2", False),     # a first visit
    ("b1", None, False),     # `streamlit run app.py`, no proxy: never a note
    ("", "b2", False),
])
def test_the_restart_note_is_for_browsers_that_came_from_another_process(cookie, backend, moved):
    assert moved_here(cookie, backend) is moved
    assert BACKEND_ENV == "PLAYGROUND_BACKEND"

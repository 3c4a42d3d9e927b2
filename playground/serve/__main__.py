"""`python -m playground.serve --processes N --port P [--host 127.0.0.1]`: see playground/serve/__init__.py.

Exit codes: 0 after Ctrl-C or SIGTERM, 1 when a process fails to start or HAProxy dies, 2 for a
usage error or a missing haproxy.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
from pathlib import Path

from playground.serve import proxy
from playground.serve.backends import StreamlitProcess, free_ports
from playground.serve.proxy_config import Backend, backend_name, render, write
from playground.serve.supervisor import Supervisor


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m playground.serve",
        description="Serve the playground to a lecture hall: N Streamlit processes behind HAProxy "
                    "(sticky sessions, WebSockets, health checks, restarts).")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="Streamlit processes to run, about one per core (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8080, help="the proxy's port (default: %(default)s)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the proxy's address (default: %(default)s, this machine only; "
                             "0.0.0.0 for a lecture hall's network)")
    parser.add_argument("--haproxy", type=Path, default=None,
                        help="the haproxy executable (default: found on PATH or in /usr/sbin)")
    args = parser.parse_args(argv)
    if not 1 <= args.processes <= 64:
        parser.error(f"Expected --processes between 1 and 64. Received: --processes={args.processes}")
    if not 0 < args.port < 65536:
        parser.error(f"Expected --port between 1 and 65535. Received: --port={args.port}")
    return args


def find_binary(requested: Path | None) -> Path | None:
    if requested is None:
        return proxy.find_haproxy()
    return requested if requested.is_file() and os.access(requested, os.X_OK) else None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    binary = find_binary(args.haproxy)
    if binary is None:
        print(proxy.missing_message(args.haproxy), file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="playground-serve-") as run_dir:
        ports = free_ports(args.processes, avoid=[args.port])
        backends = [Backend(backend_name(n), port) for n, port in enumerate(ports, start=1)]
        config = write(render(args.port, backends, host=args.host), Path(run_dir))
        # One cookie secret for all processes (Streamlit signs its own cookies with it), not on
        # the command line where `ps` shows it.
        env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
        processes = [StreamlitProcess(backend, Path(run_dir), env) for backend in backends]
        print(f"Starting {args.processes} Streamlit processes (logs and haproxy.cfg in {run_dir}) ...",
              file=sys.stderr, flush=True)
        return Supervisor(processes, proxy.command(binary, config), args.port, args.host).run()


if __name__ == "__main__":
    sys.exit(main())

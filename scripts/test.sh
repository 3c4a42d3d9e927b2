#!/usr/bin/env bash
# Install the test dependencies and run the whole suite: lint, then pytest.
# pytest exits 5 when no test ran; that is a failure here too.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -r requirements-dev.txt
python -m ruff check .
python -m pytest -q -n 2 "$@"

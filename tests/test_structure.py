"""The direction of imports: playground -> playground.nn -> numpy, and no Streamlit below the UI."""

import subprocess
import sys

import pytest


def modules_loaded_by(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in output.stdout.split()}


@pytest.mark.parametrize("statement,forbidden", [
    ("import playground", {"streamlit"}),
    ("import playground.nn, playground.nn.optimizers, playground.nn.schedules", {"plotly", "sklearn", "streamlit",
                                                                               "scipy", "pandas"}),
])
def test_library_layers_do_not_import_what_is_above_them(statement, forbidden):
    assert not modules_loaded_by(statement) & forbidden


def test_the_library_without_ui_imports_no_streamlit():
    statement = ("import importlib, pkgutil, playground; "
                 "[importlib.import_module(m.name) for m in pkgutil.walk_packages(playground.__path__, 'playground.') "
                 "if not m.name.startswith('playground.ui')]")
    assert "streamlit" not in modules_loaded_by(statement)

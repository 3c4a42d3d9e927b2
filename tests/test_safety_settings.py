"""The production settings in the shipped .streamlit/config.toml: no error details for users, a
short life for disconnected sessions; both options exist in the installed Streamlit."""

from __future__ import annotations

import tomllib
from pathlib import Path

from streamlit import config

SETTINGS = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())


def test_users_see_no_exception_type_message_or_traceback():
    value = SETTINGS["client"]["showErrorDetails"]
    assert value == config.ShowErrorDetailsConfigOptions.NONE.value
    assert "client.showErrorDetails" in config._config_options_template


def test_a_disconnected_session_is_dropped_after_a_short_time():
    ttl = SETTINGS["server"]["disconnectedSessionTTL"]
    assert isinstance(ttl, int) and 10 <= ttl < config._config_options_template[
        "server.disconnectedSessionTTL"].default_val


def test_the_runner_settings_stay():
    assert SETTINGS["runner"] == {"postScriptGC": False, "fastReruns": False}

"""Hostile links: random query strings never break the Playground page; every change is announced."""

from apptest_helpers import open_playground
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.config import QUERY_KEYS, Config

KEYS = st.sampled_from(sorted(QUERY_KEYS)) | st.text(min_size=1, max_size=12)
VALUES = (st.text(max_size=40) | st.sampled_from(["1e309", "nan", "-inf", "0", "-1", "10" * 30, "relu", "8relu," * 40])
          | st.integers(-10**12, 10**12).map(str) | st.floats(allow_nan=True).map(repr))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_random_query_strings_open_a_valid_run_and_say_what_changed(params):
    at = open_playground(params)
    session = at.session_state["playground_session"]
    assert isinstance(session.config, Config)
    _, notes = Config.from_query_lenient(params)
    if notes:
        assert at.warning, f"{params} changed the run ({notes[0]}) without a word"

"""The Overfitting page: a small sweep run to its end from the page, its figures, and its refusals."""

import time

from apptest_helpers import APP, run
from streamlit.testing.v1 import AppTest

from playground.sweeps.pool import MAX_WORK, shared_pool

PAGE = "app_pages/overfitting.py"


def open_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    run(at)
    at.switch_page(PAGE)
    return run(at)


def wait_for_sweep(at: AppTest, limit: float = 120.0) -> None:
    """Rerun the page (AppTest runs no fragment timers) until the session's sweep has finished."""
    job = at.session_state["sweep_state"].job
    deadline = time.monotonic() + limit
    while not job.finished and time.monotonic() < deadline:
        time.sleep(0.2)
    run(at)


def start_sweep(at: AppTest, values: str, seeds: int, epochs: int) -> AppTest:
    at.text_input(key="sweep_values").set_value(values)
    at.number_input(key="sweep_seeds").set_value(seeds)
    at.number_input(key="sweep_epochs").set_value(epochs)
    run(at)
    at.button(key="sweep_run").click()
    return run(at)


def test_a_small_sweep_runs_to_its_end_from_the_playgrounds_run():
    at = open_page({"data": "xor", "samples": "100", "layers": "4tanh"})
    assert "data=xor" in " ".join(c.value for c in at.caption)  # it starts from the Playground's run
    start_sweep(at, "0.001, 0.1", 2, 5)
    job = at.session_state["sweep_state"].job
    assert job is not None and job.spec.config.data.dataset == "xor" and job.total == 4
    wait_for_sweep(at)
    assert job.state == "done" and len(job.results()) == 4
    assert [r.value for r in job.results()] == [0.001, 0.001, 0.1, 0.1]
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    assert any(m.value.startswith("**4 of 4 runs.** Lowest mean test loss") for m in at.markdown)


def test_a_sweep_beyond_the_work_cap_is_refused_with_a_message():
    at = open_page()
    at.selectbox(key="sweep_param").set_value("samples")
    run(at)
    start_sweep(at, "5000", 20, 5000)
    assert at.session_state["sweep_state"].job is None
    assert f"at most {MAX_WORK:,} sample-epochs" in at.error[0].value


def test_bad_values_get_a_message_not_a_traceback():
    at = open_page()
    at.text_input(key="sweep_values").set_value("0.1, lots")
    run(at)
    at.button(key="sweep_run").click()
    run(at)
    assert "values must read like" in at.error[0].value


def teardown_module():
    shared_pool().shutdown()


def test_the_app_and_its_overfitting_page_run_without_dask():
    """Dask is a test dependency only: with its packages unimportable, every page still opens."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(f"""
        import sys
        sys.modules["dask"] = sys.modules["distributed"] = None  # import dask -> ImportError
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({APP!r}, default_timeout=60)
        at.run()
        for page in ("overfitting", "compare", "lessons"):
            at.switch_page(f"app_pages/{{page}}.py")
            at.run()
            assert not at.exception, [e.message for e in at.exception]
        assert "dask" not in [name for name, module in sys.modules.items() if module is not None]
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-2000:]

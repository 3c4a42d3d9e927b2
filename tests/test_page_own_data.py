"""Page tests of "Your own data" on the Playground (AppTest): upload a CSV, draw points, and bad
files that must leave the previous dataset and run untouched."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_helpers import click, open_playground, run, shown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.config import CUSTOM
from playground.ui.own_data import add_or_remove, drawn_csv

SESSION_KEY = "playground_session"
SMALL = {"samples": "100", "grid": "50"}


def quadrants_csv(n=120, seed=0, classes=("warm", "cold")) -> bytes:
    points = np.random.default_rng(seed).normal(0.0, 50.0, size=(n, 2))
    rows = [f"{x:.2f};{y:.2f};{classes[0] if x * y > 0 else classes[1]}" for x, y in points]
    return ("length;weight;kind\n" + "\n".join(rows) + "\n").encode()


def upload(at, name: str, content: bytes):
    at.file_uploader(key="own_csv").set_value((name, content, "text/csv"))
    return run(at)


def session_of(at):
    return at.session_state[SESSION_KEY]


def test_an_uploaded_csv_becomes_the_dataset_with_a_preview_and_the_link_says_it_is_not_carried():
    at = open_playground(SMALL, steps=2)
    upload(at, "fruit.csv", quadrants_csv())
    session = session_of(at)
    assert session.config.data.dataset == CUSTOM and at.selectbox(key="cfg_dataset").value == CUSTOM
    assert session.trainer.data.X_train.shape == (60, 2)  # the file's 120 rows, half for training
    assert any("Loaded fruit.csv: 120 points" in shown(s.value) for s in at.success)
    text = shown(" ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption))
    assert "classification, classes cold" in text and "warm" in text
    assert "Scaled into the plot: length" in text
    assert list(at.dataframe[0].value.columns) == ["length (scaled)", "weight (scaled)", "kind"]
    assert at.query_params["data"] == "custom"
    assert any("a link cannot carry" in w.value for w in at.warning)
    click(at, "step")
    assert session.trainer.epoch == 3 and session.config.data.dataset == CUSTOM  # the run goes on with the data


@pytest.mark.parametrize("content,message", [
    (b"", "The file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    (b"x,y,label\n" + "é,1,a\n".encode("latin-1") * 30, "not UTF-8"),
    (b"1\n2\n3\n" * 10, "single column"),
    (b"a,b,c\n" + b"1,2,x\n" * 25 + b"1,2\n", "Row 27 has 2 cells"),
    (b"a,b,c\n" + b"1,nan,x\n" * 25, "must be finite"),
    (b"a,b,c\n" + b"1,2,x\n" * 25, "one class"),
])
def test_a_bad_file_gets_one_message_and_leaves_the_dataset_and_run_untouched(content, message):
    at = open_playground(SMALL, steps=2)
    session = session_of(at)
    config, trainer, epoch = session.config, session.trainer, session.trainer.epoch
    upload(at, "bad.csv", content)
    errors = [shown(e.value) for e in at.error]
    assert len(errors) == 1 and message in errors[0] and "unchanged" in errors[0], errors
    assert session.config == config and session.trainer is trainer and trainer.epoch == epoch
    assert at.selectbox(key="cfg_dataset").value == "circle"


def test_a_bad_file_after_a_good_one_keeps_the_good_data():
    at = open_playground(SMALL)
    upload(at, "good.csv", quadrants_csv())
    good = session_of(at).config.data.custom
    upload(at, "bad.csv", b"only,a,header\n")
    assert session_of(at).config.data.custom is good
    assert any("bad.csv" in shown(e.value) for e in at.error)


def test_switching_to_a_generated_dataset_and_back_keeps_the_own_data():
    at = open_playground(SMALL)
    upload(at, "fruit.csv", quadrants_csv(classes=("a", "b")))
    at.selectbox(key="cfg_dataset").set_value("spiral")
    run(at)
    assert session_of(at).config.data.dataset == "spiral" and session_of(at).config.data.custom is None
    at.selectbox(key="cfg_dataset").set_value(CUSTOM)
    run(at)
    assert session_of(at).config.data.custom is session_of(at).own.custom


def test_drawn_points_train_once_there_are_enough_and_download_as_csv():
    at = open_playground(SMALL)
    at.toggle(key="own_draw").set_value(True)
    run(at)
    session = session_of(at)
    config = session.config
    click(at, "own_train")  # no points yet
    assert "0 points drawn; draw at least 20" in shown(at.error[0].value) and session.config == config
    for i in range(24):  # what 24 clicks on the boundary plot do (the browser test clicks for real)
        add_or_remove(session.own.drawn, -5.0 + 0.4 * i, 3.0 if i % 2 else -3.0, 2 * (i % 2))
    add_or_remove(session.own.drawn, -5.05, -3.02, 0)  # a click on the first point removes it
    add_or_remove(session.own.drawn, float("nan"), 1.0, 0)  # not a point: ignored
    add_or_remove(session.own.drawn, 40.0, -40.0, 1)  # outside the plot: on its corner
    assert len(session.own.drawn) == 24 and session.own.drawn[-1] == (6.0, -6.0, 1)
    run(at)
    assert "Drawing: 24 points (class 0: 11, class 1: 1, class 2: 12;" in " ".join(c.value for c in at.caption)
    lines = drawn_csv(session.own.drawn).decode().splitlines()
    assert lines[0] == "x1,x2,label" and lines[1] == "-4.6,3.0,2" and lines[-1] == "6.0,-6.0,1" and len(lines) == 25
    click(at, "own_train")
    data = session.config.data
    assert data.dataset == CUSTOM and data.custom.source == "drawn"
    assert data.class_count == 3 and data.custom.class_names == ("0", "1", "2")  # the classes drawn, none empty
    assert session.trainer.model.output_dim == 3  # a softmax over the three drawn classes
    click(at, "own_clear")
    assert session.own.drawn == [] and session.config.data.custom is data.custom  # clearing keeps the trained data


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=300))
def test_random_bytes_as_an_upload_never_break_the_page_or_the_run(content):
    at = open_playground(SMALL)
    session = session_of(at)
    config = session.config
    upload(at, "random.csv", content)
    if session.config == config:  # rejected: exactly one message, nothing changed
        assert len(at.error) == 1
    else:  # accepted (random bytes that happen to be a valid CSV): it became the data
        assert session.config.data.dataset == CUSTOM


@pytest.mark.parametrize("page", ["compare", "diagnostics", "how_it_learns", "lessons"])
def test_every_page_works_on_own_data_and_the_playground_keeps_it(page):
    at = open_playground(SMALL, steps=1)
    upload(at, "fruit.csv", quadrants_csv(classes=("p", "q")))
    own = session_of(at).config
    at.switch_page(f"app_pages/{page}.py")
    run(at)
    at.switch_page("app_pages/playground.py")
    run(at)
    assert session_of(at).config.data.custom is own.data.custom
    assert at.selectbox(key="cfg_dataset").value == CUSTOM


def test_one_sessions_own_data_is_invisible_to_another():
    mine, theirs = open_playground(SMALL), open_playground(SMALL)
    upload(mine, "fruit.csv", quadrants_csv())
    mine.toggle(key="own_draw").set_value(True)
    run(mine)
    add_or_remove(session_of(mine).own.drawn, 1.0, 1.0, 0)
    run(theirs)
    assert session_of(theirs).own.custom is None and session_of(theirs).own.drawn == []
    assert "Your own data" in mine.selectbox(key="cfg_dataset").options
    assert "Your own data" not in theirs.selectbox(key="cfg_dataset").options
    assert session_of(theirs).config.data.dataset == "circle"
    assert session_of(mine).config.data.dataset == CUSTOM and len(session_of(mine).own.drawn) == 1

"""The sweep engine: knobs, values, tasks, and identical records on every backend."""

import dataclasses

import pytest

from playground.config import Config, ConfigError, LayerConfig
from playground.sweeps import backends, knobs
from playground.sweeps.engine import SweepSpec, run_task
from playground.sweeps.summary import CSV_COLUMNS, best_value, csv_text, summarize

TINY = Config().replace(dataset="circle", n_samples=60, seed=3, hidden=(LayerConfig(4, "tanh"),), batch_size=10)


def tiny_spec(**changes) -> SweepSpec:
    return SweepSpec(**{"config": TINY, "param": "reg_rate", "values": (1e-3, 1e-1), "seeds": 2, "epochs": 4,
                        **changes})


def test_every_knob_applies_to_the_config():
    config = TINY
    assert knobs.apply_knob(config, "reg_rate", 0.01).network.regularization == "l2"  # none -> L2, else no effect
    assert knobs.apply_knob(config.replace(regularization="l1"), "reg_rate", 0.01).network.regularization == "l1"
    assert knobs.apply_knob(config, "lr", 0.5).training.learning_rate == 0.5
    two = config.replace(hidden=(LayerConfig(4, "relu"), LayerConfig(6, "relu")))
    assert [h.units for h in knobs.apply_knob(two, "width", 16).network.hidden] == [16, 16]
    assert knobs.apply_knob(config, "depth", 3).network.hidden == (LayerConfig(4, "tanh"),) * 3
    assert knobs.apply_knob(config, "depth", 0).network.hidden == ()
    assert knobs.apply_knob(config, "dropout", 0.5).network.hidden[0].dropout == 0.5
    assert knobs.apply_knob(config, "epochs", 50) == config
    small = knobs.apply_knob(config.replace(batch_size=30), "samples", 50)  # batch capped at n_train
    assert small.data.n_samples == 50 and small.training.batch_size == small.data.n_train == 25
    for knob in knobs.KNOBS:  # every knob has defaults that make valid configs
        values = knobs.default_values(knob, knobs.current_value(config, knob, 100))
        SweepSpec(config.replace(optimizer="sgd"), knob, values, 1, 1)


def test_values_read_from_text():
    assert knobs.parse_values("log:1e-5:1:6", "reg_rate") == (1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1.0)
    assert knobs.parse_values("lin:1:64:8", "width") == (1, 10, 19, 28, 37, 46, 55, 64)
    assert knobs.parse_values("0.1, 0,0.01", "reg_rate") == (0.0, 0.01, 0.1)
    assert knobs.parse_values("2,2.0,4", "width") == (2, 4)


@pytest.mark.parametrize("knob,text,message", [
    ("reg_rate", "0,2", "reg_rate must be between 0 and 1. Received: reg_rate=2"),
    ("reg_rate", "log:0:1:5", "values must read like"),
    ("reg_rate", "a,b", "values must read like"),
    ("width", "1.5", "width must be a whole number. Received: width=1.5"),
    ("epochs", "0", "epochs must be between 1 and 5000"),
    ("colour", "1", "param must be one of"),
])
def test_bad_values_are_refused_with_a_message(knob, text, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        knobs.parse_values(text, knob)


def test_a_knob_a_config_cannot_take_is_refused():
    with pytest.raises(ConfigError, match="width needs a network with hidden layers"):
        SweepSpec(TINY.replace(hidden=()), "width", (2, 4))
    with pytest.raises(ConfigError, match="batch=40 cannot be used: batch_size must be between 1 and 30"):
        SweepSpec(TINY, "batch", (40,))
    with pytest.raises(ConfigError, match="seeds must be an integer between 1 and 20"):
        tiny_spec(seeds=0)


def test_tasks_carry_their_seeds_and_work_counts_sample_epochs():
    spec = tiny_spec(param="epochs", values=(3, 5))
    tasks = spec.tasks()
    assert [(t.value, t.config.data.seed, t.epochs) for t in tasks] == [(3, 3, 3), (3, 4, 3), (5, 3, 5), (5, 4, 5)]
    assert spec.work() == 60 * (3 + 3 + 5 + 5)


def test_a_record_is_its_run():
    spec = tiny_spec()
    record = run_task(spec.tasks()[3])
    assert (record.value, record.seed, record.status) == (0.1, 4, "ready")
    assert record.epochs == tuple(range(5)) and len(record.test_curve) == 5
    assert record.test_loss == record.test_curve[-1] and record.train_loss == record.train_curve[-1]
    assert record.config.network.effective_reg_rate == 0.1


def test_serial_loky_and_dask_give_identical_records():
    pytest.importorskip("distributed")
    tasks = tiny_spec().tasks()
    serial = list(backends.records(tasks, "serial"))
    loky = list(backends.records(tasks, "loky", n_jobs=2))
    dask = list(backends.records(tasks, "dask", n_jobs=2))  # a LocalCluster of 2 workers on 127.0.0.1, closed after
    assert len(serial) == 4
    for a, b, c in zip(serial, loky, dask, strict=True):  # every float, every curve, to the last bit
        assert dataclasses.astuple(a) == dataclasses.astuple(b) == dataclasses.astuple(c)
    assert serial[0] != serial[1]  # the seeds differ


def test_an_unreachable_scheduler_is_a_message():
    pytest.importorskip("distributed")
    with pytest.raises(backends.BackendError, match="Cannot reach the Dask scheduler within 5 s"):
        list(backends.records(tiny_spec().tasks(), "dask", scheduler="tcp://127.0.0.1:9"))


def test_summary_and_csv():
    records = list(backends.records(tiny_spec().tasks()))
    table = summarize(records)
    assert [row.value for row in table] == [1e-3, 1e-1] and table[0].seeds == (3, 4)
    assert table[1].mean["test_loss"] == pytest.approx((records[2].test_loss + records[3].test_loss) / 2)
    assert best_value(table) is min(table, key=lambda row: row.mean["test_loss"])
    lines = csv_text(records).splitlines()
    header = "param,value,seed,train_loss,test_loss,train_metric,test_metric,best_epoch"
    assert lines[0] == ",".join(CSV_COLUMNS) == header
    assert lines[1].startswith("reg_rate,0.001,3,") and len(lines) == 5

"""Own data (an uploaded CSV or drawn points) as a dataset like any other: config, links, training."""

import json

import numpy as np
import pytest

from playground.config import CUSTOM, Config, ConfigError, LayerConfig
from playground.datasets import can_stratify
from playground.training import Trainer
from playground.uploads import drawn_data, load_csv


def csv_bytes(rows, header="width,height,kind") -> bytes:
    return ("\n".join([header, *(",".join(map(str, row)) for row in rows)]) + "\n").encode()


def quadrants(n=200, seed=0):
    """Two classes named by the sign of x * y, in units far from the plot's domain."""
    points = np.random.default_rng(seed).normal(0.0, 100.0, size=(n, 2))
    return load_csv(csv_bytes((f"{x:.2f}", f"{y:.2f}", "warm" if x * y > 0 else "cold") for x, y in points))


def test_a_config_on_own_data_takes_task_classes_and_size_from_the_data():
    data = quadrants(120)
    config = Config().replace(dataset=CUSTOM, custom=data, train_share=0.75)
    assert (config.data.task, config.data.class_count, config.data.n_train) == ("classification", 2, 90)
    assert config.output_activation == "sigmoid"
    assert config != Config().replace(dataset=CUSTOM, custom=quadrants(120))  # other data, other run
    assert config.replace(dataset="spiral").data.custom is None


def test_links_and_config_files_name_the_own_data_but_never_carry_it():
    config = Config().replace(dataset=CUSTOM, custom=quadrants(), noise=0.2)
    assert config.to_query()["data"] == "custom"
    assert "custom" not in json.loads(config.to_json())["data"]
    with pytest.raises(ConfigError, match="links and config files do not carry"):
        Config.from_query(config.to_query())
    with pytest.raises(ConfigError, match="links and config files do not carry"):
        Config.from_json(config.to_json())
    opened, notes = Config.from_query_lenient(config.to_query())
    assert opened.data.dataset == "circle" and opened.data.noise == 0.2
    assert len(notes) == 1 and "your own data" in notes[0] and "Used dataset='circle'" in notes[0]
    with pytest.raises(ConfigError, match="has no field 'custom'"):
        Config.from_dict({"data": {"dataset": "circle", "custom": "x1,x2,label"}})


def test_a_run_learns_an_uploaded_dataset_in_its_own_units():
    hidden = (LayerConfig(8, "tanh"), LayerConfig(8, "tanh"))
    trainer = Trainer(Config().replace(dataset=CUSTOM, custom=quadrants(300), hidden=hidden, learning_rate=0.03))
    assert np.abs(trainer.data.X_train).max() <= 5.5  # rescaled into the plot's domain
    trainer.advance(epochs=150)
    assert trainer.history.train_metric[-1] >= 0.9


def test_a_regression_upload_trains_with_a_linear_output():
    points = np.random.default_rng(1).uniform(-3, 3, size=(150, 2))
    data = load_csv(csv_bytes(((f"{x:.3f}", f"{y:.3f}", f"{2 * x - y:.3f}") for x, y in points), "a,b,t"))
    config = Config().replace(dataset=CUSTOM, custom=data, hidden=())
    assert (config.data.task, config.output_activation, config.loss) == ("regression", "linear", "mse")
    trainer = Trainer(config)
    trainer.advance(epochs=60)
    assert trainer.history.train_metric[-1] > 0.95  # R² of a plane, learned by one linear unit


def test_tiny_drawn_sets_with_many_classes_split_without_stratification():
    labels = [0] * 11 + list(range(1, 10))  # classes 1..9: one point each
    points = [(float(i % 7) - 3, float(i // 7) - 1, label) for i, label in enumerate(labels)]
    data = drawn_data(points, tuple(str(k) for k in range(10)))
    assert not can_stratify(data.y, 0.5)
    trainer = Trainer(Config().replace(dataset=CUSTOM, custom=data, batch_size=5))
    assert len(trainer.data.y_train) == 10 and len(trainer.data.y_test) == 10
    assert trainer.model.output_dim == 10
    trainer.advance(epochs=3)
    assert trainer.epoch == 3


@pytest.mark.parametrize("labels,share,possible", [
    ([0, 0, 1, 1], 0.5, True),
    ([0, 0, 0, 1], 0.5, False),          # a class of one point
    ([0, 0, 1, 1, 2, 2], 0.34, False),   # 2 training points for 3 classes
    ([0] * 10 + [1] * 10, 0.9, True),
])
def test_can_stratify(labels, share, possible):
    assert can_stratify(np.array(labels), share) is possible

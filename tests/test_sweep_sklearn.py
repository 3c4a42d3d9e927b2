"""scikit-learn's validation_curve and learning_curve on the project's estimators, serial and on Dask."""

import numpy as np
import pytest
from joblib import parallel_config

from playground.config import Config, ConfigError, LayerConfig
from playground.sweeps.sklearn_curves import estimator_for, learning_scores, validation_scores

SMALL = Config().replace(dataset="circle", n_samples=80, noise=0.1, seed=2, hidden=(LayerConfig(8, "relu"),),
                         batch_size=10)


def test_validation_curve_gives_the_same_scores_serially_and_on_dask():
    values, train, test = validation_scores(SMALL, "reg_rate", (1e-4, 1.0), seeds=2, epochs=5)
    assert train.shape == test.shape == (2, 2) and np.all((test >= 0) & (test <= 1))
    assert np.all(train[1] <= 0.75)  # an L2 of 1 flattens the network: near chance on the circle
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster), parallel_config(backend="dask"):
        again = validation_scores(SMALL, "reg_rate", (1e-4, 1.0), seeds=2, epochs=5, n_jobs=-1)
    assert np.array_equal(again[1], train) and np.array_equal(again[2], test)


def test_learning_curve_trains_on_growing_shares_of_the_training_points():
    sizes, train, test = learning_scores(SMALL, (0.25, 1.0), seeds=1, epochs=5)
    assert list(sizes) == [10, 40] and train.shape == (2, 1)


def test_a_config_the_estimators_cannot_express_is_refused():
    with pytest.raises(ConfigError, match="need no batch norm"):
        estimator_for(SMALL.replace(hidden=(LayerConfig(8, "relu", batch_norm=True),)), 5)

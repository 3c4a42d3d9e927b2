"""scikit-learn's validation_curve and learning_curve on the project's estimators, for a Config.

    values, train, test = validation_scores(config, "reg_rate", (1e-4, 1e-2), seeds=3, epochs=200, n_jobs=2)
    sizes, train, test = learning_scores(config, (0.25, 0.5, 1.0), seeds=3, epochs=200)

Scores are accuracies (classification) or R² (regression), shaped (values or sizes, seeds). The
run's own split is the one "fold" (``cv=[(train, test)]``), so the test points are the Playground's;
learning_curve trains on the first share of the training points, keeping the test points fixed.
Both take ``n_jobs`` and follow ``joblib.parallel_config`` (Dask included). They fit configs the
estimators can express (dense layers of one activation, L2 or no penalty, a constant rate). The
app and the command line use engine.run_task instead: a point there must reopen as the very same
Playground run, seeded from the config, with its per-epoch curves, which the estimators do not keep.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import learning_curve, validation_curve

from ..config import Config, ConfigError
from ..sklearn import PlaygroundClassifier, PlaygroundRegressor
from ..training import make_run_data

PARAMS = {"reg_rate": "alpha", "lr": "learning_rate", "width": "hidden_layer_sizes", "dropout": "dropout",
          "batch": "batch_size", "epochs": "epochs"}


def estimator_for(config: Config, epochs: int, seed: int = 0):
    """The estimator that trains like `config` as far as it can; ConfigError when it cannot."""
    network, training = config.network, config.training
    hidden = network.hidden
    problems = [what for what, bad in (
        ("one activation for every hidden layer", len({h.activation for h in hidden}) > 1),
        ("one dropout rate for every hidden layer", len({h.dropout for h in hidden}) > 1),
        ("no batch norm", any(h.batch_norm for h in hidden)),
        ("regularization none or l2", network.regularization not in ("none", "l2")),
        ("a constant learning rate, no clipping or early stopping",
         training.schedule != "constant" or training.clipnorm is not None or training.early_stopping),
        ("backprop", training.rule != "backprop")) if bad]
    if problems:
        raise ConfigError("config", f"The scikit-learn estimators need {', '.join(problems)}. "
                                    f"Received: the config {config.to_query()}")
    kind = PlaygroundRegressor if config.data.task == "regression" else PlaygroundClassifier
    return kind(hidden_layer_sizes=tuple(h.units for h in hidden) or (1,),
                activation=hidden[0].activation if hidden else "linear", optimizer=training.optimizer,
                learning_rate=training.learning_rate, alpha=network.effective_reg_rate,
                dropout=hidden[0].dropout if hidden else 0.0, batch_size=training.batch_size, epochs=epochs,
                random_state=seed)


def _data(config: Config):
    data = make_run_data(config)
    X = np.vstack([data.F_train, data.F_test])
    y = np.concatenate([data.y_train, data.y_test])
    n = len(data.y_train)
    return X, y, [(np.arange(n), np.arange(n, len(y)))]


def validation_scores(config: Config, param: str, values, seeds: int, epochs: int, n_jobs: int = 1):
    """sklearn.model_selection.validation_curve over `values` of knob `param`, once per seed."""
    if param not in PARAMS:
        raise ConfigError("param", f"param must be one of {', '.join(PARAMS)}. Received: param={param!r}")
    X, y, cv = _data(config)
    grid = [(int(v),) * len(config.network.hidden) if param == "width" else v for v in values]
    train, test = [], []
    for seed in range(seeds):
        scores = validation_curve(estimator_for(config, epochs, seed), X, y, param_name=PARAMS[param],
                                  param_range=grid, cv=cv, n_jobs=n_jobs)
        train.append(scores[0][:, 0])
        test.append(scores[1][:, 0])
    return np.asarray(values), np.array(train).T, np.array(test).T


def learning_scores(config: Config, shares, seeds: int, epochs: int, n_jobs: int = 1):
    """sklearn.model_selection.learning_curve: trained on the first `shares` of the training points."""
    X, y, cv = _data(config)
    train, test = [], []
    for seed in range(seeds):
        sizes, train_scores, test_scores = learning_curve(estimator_for(config, epochs, seed), X, y,
                                                          train_sizes=shares, cv=cv, n_jobs=n_jobs, shuffle=False)
        train.append(train_scores[:, 0])
        test.append(test_scores[:, 0])
    return sizes, np.array(train).T, np.array(test).T

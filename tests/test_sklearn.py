"""scikit-learn estimators backed by playground.nn: the estimator checks, and use in Pipeline,
cross_val_score and GridSearchCV."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_blobs, make_moons
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from playground.sklearn import PlaygroundClassifier, PlaygroundRegressor

X_MOONS, Y_MOONS = make_moons(n_samples=300, noise=0.15, random_state=0)


# No check is skipped or expected to fail; scikit-learn itself skips check_array_api_input unless
# SCIPY_ARRAY_API=1 is set (it tests array-API namespaces, which these NumPy estimators do not claim).
@parametrize_with_checks([PlaygroundClassifier(epochs=20), PlaygroundRegressor(epochs=20)],
                         expected_failed_checks=lambda estimator: {})
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_pipeline_on_moons():
    model = make_pipeline(StandardScaler(), PlaygroundClassifier(hidden_layer_sizes=(16, 16), epochs=60,
                                                                 random_state=0))
    model.fit(X_MOONS[:200], Y_MOONS[:200])
    assert model.score(X_MOONS[200:], Y_MOONS[200:]) > 0.9


def test_cross_val_score_on_moons():
    model = make_pipeline(StandardScaler(), PlaygroundClassifier(epochs=40, random_state=0))
    scores = cross_val_score(model, X_MOONS, Y_MOONS, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.85


def test_grid_search_on_moons():
    search = GridSearchCV(PlaygroundClassifier(epochs=30, random_state=0),
                          {"hidden_layer_sizes": [(2,), (16,)], "activation": ["relu", "tanh"]}, cv=3)
    search.fit(StandardScaler().fit_transform(X_MOONS), Y_MOONS)
    assert search.best_score_ > 0.85
    assert search.best_params_["hidden_layer_sizes"] == (16,)
    assert search.best_estimator_.n_iter_ == 30


def test_string_labels_and_probabilities():
    X, y = make_blobs(n_samples=150, centers=3, random_state=1)
    labels = np.array(["cat", "dog", "emu"])[y]
    clf = PlaygroundClassifier(epochs=40, random_state=0).fit(X, labels)
    assert list(clf.classes_) == ["cat", "dog", "emu"]
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert set(clf.predict(X)) <= set(clf.classes_) and clf.score(X, labels) > 0.9
    binary = PlaygroundClassifier(epochs=40, random_state=0).fit(X_MOONS, np.where(Y_MOONS, "yes", "no"))
    assert binary.predict_proba(X_MOONS).shape == (300, 2) and list(binary.classes_) == ["no", "yes"]
    assert binary.model_.layers[-1].activation.name == "sigmoid"


def test_random_state_makes_fits_identical_and_none_leaves_global_numpy_alone():
    first = PlaygroundClassifier(dropout=0.2, epochs=10, random_state=3).fit(X_MOONS, Y_MOONS)
    second = clone(first).fit(X_MOONS, Y_MOONS)
    assert np.array_equal(first.predict_proba(X_MOONS), second.predict_proba(X_MOONS))
    state = np.random.get_state()[1].copy()  # noqa: NPY002 (checking that global NumPy is untouched)
    PlaygroundClassifier(epochs=2).fit(X_MOONS, Y_MOONS)
    assert np.array_equal(np.random.get_state()[1], state)  # noqa: NPY002


def test_regressor_standardises_the_target_internally():
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, (200, 1))
    y = np.sin(X[:, 0])
    small = PlaygroundRegressor(hidden_layer_sizes=(32,), activation="tanh", epochs=150, random_state=0).fit(X, y)
    assert small.score(X, y) > 0.95
    large = clone(small).fit(X, 1000.0 * y + 5000.0)
    assert np.allclose(large.predict(X), 1000.0 * small.predict(X) + 5000.0, rtol=1e-6, atol=1e-6)


def test_pickled_estimators_predict_the_same():
    clf = PlaygroundClassifier(hidden_layer_sizes=(8, 4), epochs=5, random_state=0).fit(X_MOONS, Y_MOONS)
    copy = pickle.loads(pickle.dumps(clf))
    assert np.array_equal(copy.predict_proba(X_MOONS), clf.predict_proba(X_MOONS))
    weights = copy.model_.layers[0].params["kernel"]
    assert np.shares_memory(weights, copy.model_.flat_params)  # the rebuilt network can train on
    copy.fit(X_MOONS, Y_MOONS)


@pytest.mark.parametrize("params,message", [
    ({"hidden_layer_sizes": (4, 0)}, "hidden_layer_sizes"), ({"activation": "softmax"}, "activation"),
    ({"optimizer": "lbfgs"}, "optimizer"), ({"learning_rate": 0.0}, "learning_rate"), ({"alpha": -1}, "alpha"),
    ({"dropout": 1.0}, "dropout"), ({"batch_size": 0}, "batch_size"), ({"epochs": 2.5}, "epochs"),
])
def test_invalid_parameters_are_reported_at_fit(params, message):
    clf = PlaygroundClassifier(**params)  # __init__ stores, fit validates
    with pytest.raises(ValueError, match=message):
        clf.fit(X_MOONS, Y_MOONS)


def test_one_class_is_refused():
    with pytest.raises(ValueError, match="at least 2 classes"):
        PlaygroundClassifier().fit(X_MOONS, np.zeros(300))

"""scikit-learn estimators backed by `playground.nn`: PlaygroundClassifier and PlaygroundRegressor.

    from playground.sklearn import PlaygroundClassifier
    clf = PlaygroundClassifier(hidden_layer_sizes=(16, 16), activation="tanh", random_state=0)
    clf.fit(X, y).score(X_test, y_test)

They follow scikit-learn's conventions (parameters stored untouched by __init__ and validated in
fit, fitted attributes ending in "_", `validate_data`, `check_is_fitted`), so they work in
Pipeline, cross_val_score and GridSearchCV. Each hidden layer is Dense(units, activation) with an
L2 penalty `alpha` on its kernel (Keras semantics: alpha * sum(W**2)), followed by Dropout when
`dropout` > 0. Classifiers: labels of any type (classes_ holds them sorted); two classes use a
sigmoid output and binary cross-entropy, more a softmax and sparse categorical cross-entropy.
The regressor fits a linear output with mean squared error on a standardised target (y - mean) /
std, undone in predict, so the learning rate means the same whatever y's scale. Inputs are used as
given: put a StandardScaler in front of them, as for MLPClassifier. Training is `epochs` passes of
mini-batches (reshuffled each epoch, batch_size capped at n_samples). random_state fixes the
initial weights, batch order and dropout masks (None: fresh randomness, global np.random untouched).

scikit-learn's estimator checks (`parametrize_with_checks`) pass for both with no check skipped or
expected to fail (see tests/test_sklearn.py); scikit-learn itself skips check_array_api_input unless
SCIPY_ARRAY_API=1 is set. A fitted estimator pickles its network as config and weights (a Sequential's
weights are views into one flat buffer, which plain pickling would split); optimizer state is not kept.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, check_random_state, validate_data

from .nn import Dense, Dropout, Sequential, activations, optimizers
from .nn.regularizers import L2

OPTIMIZER_NAMES = optimizers.OPTIMIZERS.names()


class _PlaygroundEstimator(BaseEstimator):
    """Parameters, validation, network building and training shared by both estimators."""

    def __init__(self, hidden_layer_sizes=(16,), activation="relu", optimizer="adam", learning_rate=0.01,
                 alpha=0.0, dropout=0.0, batch_size=32, epochs=200, random_state=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.alpha = alpha
        self.dropout = dropout
        self.batch_size = batch_size
        self.epochs = epochs
        self.random_state = random_state

    def _check_parameters(self) -> tuple[int, ...]:
        """Raise ValueError for an invalid parameter; return the hidden layer sizes as a tuple."""
        name = type(self).__name__
        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, Integral) else sizes
        if not isinstance(sizes, tuple | list) or not all(
                isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in sizes):
            raise ValueError(f"{name}: hidden_layer_sizes must be a tuple of positive integers. "
                             f"Received: hidden_layer_sizes={self.hidden_layer_sizes!r}")
        checks = [
            ("activation", self.activation in activations.hidden_names(),
             f"one of {', '.join(activations.hidden_names())}"),
            ("optimizer", self.optimizer in OPTIMIZER_NAMES, f"one of {', '.join(OPTIMIZER_NAMES)}"),
            ("learning_rate", _real(self.learning_rate) and self.learning_rate > 0, "a number > 0"),
            ("alpha", _real(self.alpha) and self.alpha >= 0, "a number >= 0"),
            ("dropout", _real(self.dropout) and 0 <= self.dropout < 1, "a number in [0, 1)"),
            ("batch_size", _integer(self.batch_size) and self.batch_size >= 1, "a positive integer"),
            ("epochs", _integer(self.epochs) and self.epochs >= 1, "a positive integer"),
        ]
        for field, ok, expected in checks:
            if not ok:
                raise ValueError(f"{name}: {field} must be {expected}. Received: {field}={getattr(self, field)!r}")
        return tuple(int(s) for s in sizes)

    def _seed(self) -> int | None:
        if self.random_state is None:
            return None
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    def _train(self, X: np.ndarray, y: np.ndarray, units: int, output: str, loss: str) -> None:
        """Build the network for X (n, d) and train it on targets y (n,); sets the fitted attributes."""
        sizes = self._check_parameters()
        regularizer = L2(float(self.alpha)) if self.alpha > 0 else None
        layers = []
        for size in sizes:
            layers.append(Dense(size, self.activation, kernel_regularizer=regularizer))
            if self.dropout > 0:
                layers.append(Dropout(float(self.dropout)))
        layers.append(Dense(units, output, kernel_regularizer=regularizer))
        model = Sequential(layers, input_dim=X.shape[1], seed=self._seed())
        model.compile(optimizers.get(self.optimizer, learning_rate=float(self.learning_rate)), loss)
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging fit shows as a NaN loss_curve_
            history = model.fit(X, y, epochs=int(self.epochs), batch_size=min(int(self.batch_size), X.shape[0]))
        self.model_ = model
        self.loss_curve_ = list(history.history["loss"])
        self.n_iter_ = len(self.loss_curve_)

    def __getstate__(self):
        # A Sequential keeps its layers' weights as views into one flat buffer, which pickling would
        # split into copies; pickle the fitted network as its config and weights instead.
        state = dict(super().__getstate__())  # a copy: it may be the live __dict__
        model = state.get("model_")
        if isinstance(model, Sequential):
            state["model_"] = {"config": model.get_config(), "weights": model.get_weights()}
        return state

    def __setstate__(self, state):
        model = state.get("model_")
        if isinstance(model, dict):
            rebuilt = Sequential.from_config(model["config"])
            rebuilt.set_weights(model["weights"])
            state = {**state, "model_": rebuilt}
        super().__setstate__(state)

    def _outputs(self, X) -> np.ndarray:
        """The network's outputs (n, units) for validated inputs X (n, n_features_in_)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            return self.model_.predict(X)


class PlaygroundClassifier(ClassifierMixin, _PlaygroundEstimator):
    """A multilayer perceptron classifier trained by playground.nn (see the module docstring).

    Fitted attributes: classes_ (k,), n_features_in_, model_ (the Sequential), loss_curve_
    (per-epoch training loss), n_iter_ (epochs run).
    """

    def fit(self, X, y):
        """Train on X (n, d) and labels y (n,); returns self."""
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes; the data has 1 class: "
                             f"{self.classes_[0]!r}")
        if len(self.classes_) == 2:
            self._train(X, encoded, 1, "sigmoid", "binary_crossentropy")
        else:
            self._train(X, encoded, len(self.classes_), "softmax", "sparse_categorical_crossentropy")
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities (n, k), columns in the order of classes_."""
        outputs = self._outputs(X)
        if outputs.shape[1] == 1:
            return np.column_stack([1.0 - outputs[:, 0], outputs[:, 0]])
        return outputs

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row of X (n, d), as labels from classes_ (n,)."""
        probabilities = self.predict_proba(X)  # first: it checks that the classifier is fitted
        return self.classes_[np.argmax(probabilities, axis=1)]


class PlaygroundRegressor(RegressorMixin, _PlaygroundEstimator):
    """A multilayer perceptron regressor trained by playground.nn (see the module docstring).

    Fitted attributes: n_features_in_, y_mean_ and y_scale_ (the target's standardisation),
    model_, loss_curve_ (per-epoch loss on the standardised target), n_iter_.
    """

    def fit(self, X, y):
        """Train on X (n, d) and targets y (n,); returns self."""
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        self.y_mean_ = float(y.mean())
        std = float(y.std())
        self.y_scale_ = std if std > 1e-12 * max(1.0, abs(self.y_mean_)) else 1.0
        self._train(X, (y - self.y_mean_) / self.y_scale_, 1, "linear", "mse")
        return self

    def predict(self, X) -> np.ndarray:
        """Predicted targets (n,) for X (n, d)."""
        return self._outputs(X)[:, 0] * self.y_scale_ + self.y_mean_


def _real(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and np.isfinite(value)


def _integer(value) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)

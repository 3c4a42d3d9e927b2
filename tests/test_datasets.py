"""Tests for playground.datasets: generators, noise semantics, features, standardisation, split."""

import math

import numpy as np
import pytest
from sklearn.svm import LinearSVC

from playground.datasets import (
    DATASETS,
    DEFAULT_FEATURES,
    DOMAIN,
    FEATURES,
    Split,
    Standardizer,
    list_datasets,
    make_dataset,
    make_features,
    split,
)

CLASSIFICATION = [k for k, v in DATASETS.items() if v.task == "classification"]
REGRESSION = [k for k, v in DATASETS.items() if v.task == "regression"]
VARIABLE = [k for k, v in DATASETS.items() if v.variable_classes]
# Every dataset with its default class count, plus the K-class datasets at K = 2 and K = 6.
CASES = [(name, None) for name in DATASETS] + [(name, k) for name in VARIABLE for k in (2, 6)]


def _radius(X):
    return np.hypot(X[:, 0], X[:, 1])


def _sorted_rows(X):
    return X[np.lexsort(X.T[::-1])]


# --- catalogue ------------------------------------------------------------------------------------


def test_catalogue_order_and_entries():
    assert list(DATASETS) == [
        "circle", "xor", "gauss", "spiral", "moons", "blobs", "spirals", "linear", "checkerboard", "rings",
        "plane", "gaussians", "sine",
    ]
    assert list_datasets() == list(DATASETS.values())
    assert VARIABLE == ["blobs", "spirals", "rings"]
    assert REGRESSION == ["plane", "gaussians", "sine"]
    for key, info in DATASETS.items():
        assert info.name == key
        assert info.label and info.description and info.noise_meaning.endswith(".")
        if info.task == "regression":
            assert info.n_classes == 0 and not info.variable_classes
        else:
            assert info.n_classes == (3 if info.variable_classes else 2)
    with pytest.raises(AttributeError):
        DATASETS["circle"].n_classes = 5  # frozen


# --- shapes, bounds, balance, determinism for every dataset ----------------------------------------


@pytest.mark.parametrize(("name", "k"), CASES)
def test_shapes_dtypes_bounds_and_balance(name, k):
    info = DATASETS[name]
    X, y = make_dataset(name, n_samples=503, noise=0.5, seed=7, n_classes=k)
    assert X.shape == (503, 2) and X.dtype == np.float64
    assert y.shape == (503,)
    assert X.min() >= DOMAIN[0] and X.max() <= DOMAIN[1]
    assert np.isfinite(X).all() and np.isfinite(y).all()
    if info.task == "regression":
        assert y.dtype == np.float64
        assert y.min() >= -1.0 and y.max() <= 1.0
        assert y.std() > 0.1  # a real target, not a constant
    else:
        expected_k = k if k is not None else info.n_classes
        assert y.dtype == np.int64
        counts = np.bincount(y)
        assert len(counts) == expected_k  # labels are exactly 0..K-1
        assert counts.min() == 503 // expected_k and counts.max() - counts.min() <= 1
        assert counts.sum() == 503


@pytest.mark.parametrize(("name", "k"), CASES)
def test_deterministic_by_seed(name, k):
    X1, y1 = make_dataset(name, n_samples=200, noise=0.1, seed=3, n_classes=k)
    X2, y2 = make_dataset(name, n_samples=200, noise=0.1, seed=3, n_classes=k)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = make_dataset(name, n_samples=200, noise=0.1, seed=4, n_classes=k)
    # Different points, not merely a different order.
    assert not np.allclose(_sorted_rows(X1), _sorted_rows(X3))


def test_rows_are_shuffled():
    _, y = make_dataset("blobs", n_samples=300, seed=0)
    assert np.count_nonzero(np.diff(y)) > 100  # sorted labels would change only twice


def test_global_numpy_random_state_untouched():
    np.random.seed(123)  # noqa: NPY002 (the legacy global state is what we check)
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    for name in DATASETS:
        make_dataset(name, n_samples=60, noise=0.2, seed=1)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


# --- label-flip datasets -----------------------------------------------------------------------------


def _true_label(name, X):
    if name == "circle":
        return (_radius(X) < 3.0).astype(np.int64)  # inner disc is class 1
    if name == "xor":
        return (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    cells = np.floor((X - DOMAIN[0]) / 3.0).astype(np.int64)  # checkerboard: 3 x 3 cells
    return cells.sum(axis=1) % 2


@pytest.mark.parametrize("name", ["circle", "xor", "checkerboard"])
@pytest.mark.parametrize("noise", [0.0, 0.1, 0.3, 0.5])
def test_label_flip_fraction_is_noise(name, noise):
    X, y = make_dataset(name, n_samples=5000, noise=noise, seed=11)
    wrong = y != _true_label(name, X)
    assert abs(wrong.mean() - noise) <= 1 / 5000
    # The same number of flips in each class keeps the classes balanced.
    assert np.count_nonzero(wrong & (y == 0)) == np.count_nonzero(wrong & (y == 1))
    assert np.bincount(y).tolist() == [2500, 2500]


@pytest.mark.parametrize("name", ["circle", "xor", "checkerboard"])
def test_flip_noise_keeps_the_points(name):
    X0, y0 = make_dataset(name, n_samples=1000, noise=0.0, seed=5)
    X1, y1 = make_dataset(name, n_samples=1000, noise=0.2, seed=5)
    np.testing.assert_array_equal(X0, X1)
    assert np.count_nonzero(y0 != y1) == 200


def test_clean_circle_is_separable_by_radius():
    X, y = make_dataset("circle", n_samples=2000, noise=0.0, seed=2)
    r = _radius(X)
    assert r[y == 1].max() <= 2.5 < 3.5 <= r[y == 0].min()
    assert r[y == 0].max() <= 5.0
    assert r[y == 1].max() > 2.3 and r[y == 0].min() < 3.6  # the bands are filled, not shrunk


def test_xor_and_checkerboard_geometry():
    X, _ = make_dataset("xor", n_samples=2000, seed=0)
    assert np.abs(X).min() >= 0.3  # the gap along the axes
    X, y = make_dataset("checkerboard", n_samples=4000, seed=0)
    cells = np.floor((X - DOMAIN[0]) / 3.0).astype(np.int64)
    assert cells.min() == 0 and cells.max() == 3
    # all 16 cells are used, each by one class only
    ids = cells[:, 0] * 4 + cells[:, 1]
    assert len(np.unique(ids)) == 16
    for cell in range(16):
        assert len(np.unique(y[ids == cell])) == 1


# --- jitter datasets ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "k"), [("spiral", None), ("spirals", 5), ("moons", None), ("linear", None)])
@pytest.mark.parametrize("noise", [0.1, 0.4])
def test_position_jitter_std_is_noise(name, k, noise):
    X0, y0 = make_dataset(name, n_samples=5000, noise=0.0, seed=8, n_classes=k)
    X1, y1 = make_dataset(name, n_samples=5000, noise=noise, seed=8, n_classes=k)
    np.testing.assert_array_equal(y0, y1)
    inside = (np.abs(X1) < 6.0).all(axis=1)  # clipping shortens the jitter at the border
    d = (X1 - X0)[inside]
    assert inside.mean() > 0.95
    np.testing.assert_allclose(d.std(axis=0), [noise, noise], rtol=0.05)
    np.testing.assert_allclose(d.mean(axis=0), [0.0, 0.0], atol=0.05 * noise)


@pytest.mark.parametrize("k", [2, 3, 6])
def test_clean_spirals_lie_on_their_arms(k):
    name = "spiral" if k == 2 else "spirals"
    X, y = make_dataset(name, n_samples=1200, noise=0.0, seed=1, n_classes=None if k == 2 else k)
    # Arm c: r = 0.25 + 5.25 s, angle = 1.75 turns * s + c / k turns, for s in [0, 1].
    s = (_radius(X) - 0.25) / 5.25
    assert s.min() >= 0.0 and s.max() <= 1.0
    expected = 1.75 * 2 * np.pi * s + 2 * np.pi * y / k
    gap = np.angle(np.exp(1j * (np.arctan2(X[:, 1], X[:, 0]) - expected)))
    np.testing.assert_allclose(gap, 0.0, atol=1e-9)


def test_spiral_jitter_grows_the_spread_around_the_arm():
    spreads = []
    for noise in (0.0, 0.2, 0.5):
        X, y = make_dataset("spiral", n_samples=2000, noise=noise, seed=4)
        s = np.clip((_radius(X) - 0.25) / 5.25, 0, 1)
        expected = 1.75 * 2 * np.pi * s + np.pi * y
        spreads.append(np.abs(np.angle(np.exp(1j * (np.arctan2(X[:, 1], X[:, 0]) - expected)))).mean())
    assert spreads[0] < 1e-9 < spreads[1] < spreads[2]


def test_clean_moons_lie_on_rescaled_sklearn_arcs():
    X, y = make_dataset("moons", n_samples=500, noise=0.0, seed=0)
    U = X / 3.0 + np.array([0.5, 0.25])  # back to sklearn's moon coordinates
    np.testing.assert_allclose(np.hypot(*U[y == 0].T), 1.0, atol=1e-12)  # upper arc around (0, 0)
    np.testing.assert_allclose(np.hypot(*(U[y == 1] - [1.0, 0.5]).T), 1.0, atol=1e-12)
    assert (U[y == 0, 1] >= -1e-12).all() and (U[y == 1, 1] <= 0.5 + 1e-12).all()


def test_linear_is_separable_only_without_noise():
    X, y = make_dataset("linear", n_samples=1000, noise=0.0, seed=6)
    assert LinearSVC(C=100.0, max_iter=20000).fit(X, y).score(X, y) == 1.0
    X, y = make_dataset("linear", n_samples=1000, noise=0.5, seed=6)
    assert 0.97 < LinearSVC(C=100.0, max_iter=20000).fit(X, y).score(X, y) < 1.0  # overlap near the line


@pytest.mark.parametrize("k", [2, 3, 6])
def test_clean_rings_are_nested_bands(k):
    X, y = make_dataset("rings", n_samples=1200, noise=0.0, seed=0, n_classes=k)
    r = _radius(X)
    for c in range(k - 1):
        assert r[y == c].max() < r[y == c + 1].min()
    assert r.max() <= 5.5


def test_rings_radial_jitter_std_is_noise():
    X0, y0 = make_dataset("rings", n_samples=5000, noise=0.0, seed=2)
    X1, y1 = make_dataset("rings", n_samples=5000, noise=0.3, seed=2)
    np.testing.assert_array_equal(y0, y1)
    # The angle is unchanged; the radius moves along it (signed, so a disc point may cross the centre).
    r0 = _radius(X0)
    unit = X0 / r0[:, None]
    inside = (np.abs(X1) < 6.0).all(axis=1)
    dr = (np.einsum("ij,ij->i", X1, unit) - r0)[inside]
    np.testing.assert_allclose(dr.std(), 0.3, rtol=0.05)
    across = unit[:, 0] * X1[:, 1] - unit[:, 1] * X1[:, 0]
    np.testing.assert_allclose(across[inside], 0.0, atol=1e-9)


# --- spread datasets ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "k"), [("gauss", None), ("blobs", 3), ("blobs", 6)])
@pytest.mark.parametrize("noise", [0.0, 0.25])
def test_cluster_std_grows_with_noise(name, k, noise):
    X, y = make_dataset(name, n_samples=5000, noise=noise, seed=9, n_classes=k)
    for c in np.unique(y):
        np.testing.assert_allclose(X[y == c].std(axis=0), 0.5 + 2 * noise, rtol=0.07)


def test_cluster_centres():
    X, y = make_dataset("gauss", n_samples=4000, seed=0)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-2, -2], atol=0.05)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2, 2], atol=0.05)
    X, y = make_dataset("blobs", n_samples=4000, seed=0, n_classes=4)
    centres = np.array([X[y == c].mean(axis=0) for c in range(4)])
    np.testing.assert_allclose(_radius(centres), 3.5, atol=0.05)
    dists = np.hypot(*(centres[:, None] - centres[None]).transpose(2, 0, 1))
    assert dists[~np.eye(4, dtype=bool)].min() > 4.9  # square of side 3.5 * sqrt(2)


# --- regression -----------------------------------------------------------------------------------


def test_regression_targets_without_noise():
    X, y = make_dataset("plane", n_samples=1000, seed=0)
    np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 12.0)
    X, y = make_dataset("sine", n_samples=1000, seed=0)
    np.testing.assert_allclose(y, np.sin(X[:, 0]))
    X, y = make_dataset("gaussians", n_samples=5000, seed=0)
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    for cx, cy, sign in bumps:
        near = np.hypot(X[:, 0] - cx, X[:, 1] - cy) < 0.5
        assert near.sum() > 10
        assert (sign * y[near] > 0.85).all()
    assert (np.abs(y[np.abs(X[:, 1]) < 0.2]) < 0.3).all()  # between the rows of bumps


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_target_noise_std_is_noise(name):
    X0, y0 = make_dataset(name, n_samples=5000, noise=0.0, seed=3)
    X1, y1 = make_dataset(name, n_samples=5000, noise=0.1, seed=3)
    np.testing.assert_array_equal(X0, X1)
    away = np.abs(y0) < 0.5  # far from the clip at +-1
    np.testing.assert_allclose((y1 - y0)[away].std(), 0.1, rtol=0.07)
    _, y = make_dataset(name, n_samples=5000, noise=0.5, seed=3)
    assert y.min() >= -1.0 and y.max() <= 1.0
    assert np.isclose(np.abs(y), 1.0).sum() > 50  # the clip is used


# --- n_classes ------------------------------------------------------------------------------------


def test_n_classes_handling():
    assert np.bincount(make_dataset("blobs", 120, seed=0)[1]).tolist() == [40, 40, 40]
    assert len(np.unique(make_dataset("rings", 120, seed=0, n_classes=5)[1])) == 5
    assert len(np.unique(make_dataset("circle", 120, seed=0, n_classes=2)[1])) == 2
    make_dataset("plane", 120, seed=0, n_classes=0)
    with pytest.raises(ValueError, match=r"Received: n_classes=3"):
        make_dataset("circle", 120, n_classes=3)
    with pytest.raises(ValueError, match=r"Received: n_classes=2"):
        make_dataset("sine", 120, n_classes=2)
    for bad in (1, 7, 2.5, True):
        with pytest.raises(ValueError, match=rf"\[2, 6\]\. Received: n_classes={bad!r}"):
            make_dataset("spirals", 120, n_classes=bad)


# --- bad inputs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "received"),
    [
        ({"name": "foo"}, "name='foo'"),
        ({"name": "Circle"}, "name='Circle'"),
        ({"name": "circle", "n_samples": 49}, "n_samples=49"),
        ({"name": "circle", "n_samples": 5001}, "n_samples=5001"),
        ({"name": "circle", "n_samples": 100.0}, "n_samples=100.0"),
        ({"name": "circle", "noise": -0.01}, "noise=-0.01"),
        ({"name": "circle", "noise": 0.6}, "noise=0.6"),
        ({"name": "circle", "noise": float("nan")}, "noise=nan"),
        ({"name": "circle", "seed": -1}, "seed=-1"),
        ({"name": "circle", "seed": "7"}, "seed='7'"),
    ],
)
def test_make_dataset_rejects_bad_input(kwargs, received):
    with pytest.raises(ValueError) as err:
        make_dataset(**kwargs)
    message = str(err.value)
    assert message.endswith("Received: " + received)
    assert message.startswith("Expected") or message.startswith("Unknown")
    if "name" in received:
        assert "'circle', 'xor'" in message and "'sine'" in message  # lists the known names


def test_numpy_scalars_are_accepted():
    X, _ = make_dataset("xor", n_samples=np.int64(80), noise=np.float32(0.25), seed=np.uint32(3))
    assert X.shape == (80, 2)
    with pytest.raises(ValueError, match=r"Received: n_samples=10$"):
        make_dataset("xor", n_samples=np.int64(10))


# --- features -------------------------------------------------------------------------------------


def test_feature_catalogue():
    assert list(FEATURES) == ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2", "cosx1", "cosx2"]
    assert DEFAULT_FEATURES == ("x1", "x2")
    assert FEATURES["x1x2"].label == "x₁x₂"
    label, fn = FEATURES["sinx2"]  # unpacks as (label, function)
    assert label == "sin x₂" and callable(fn)


def test_feature_values():
    X = np.array([[1.5, -2.0], [0.0, 3.0], [-6.0, 6.0], [math.pi / 2, -math.pi]])
    F = make_features(X, list(FEATURES))
    assert F.shape == (4, 9) and F.dtype == np.float64
    expected = [
        [1.5, -2.0, 2.25, 4.0, -3.0, math.sin(1.5), math.sin(-2.0), math.cos(1.5), math.cos(-2.0)],
        [0.0, 3.0, 0.0, 9.0, 0.0, 0.0, math.sin(3.0), 1.0, math.cos(3.0)],
        [-6.0, 6.0, 36.0, 36.0, -36.0, math.sin(-6.0), math.sin(6.0), math.cos(6.0), math.cos(6.0)],
        [math.pi / 2, -math.pi, math.pi**2 / 4, math.pi**2, -(math.pi**2) / 2, 1.0, 0.0, 0.0, -1.0],
    ]
    np.testing.assert_allclose(F, expected, atol=1e-15)


def test_features_follow_the_given_order():
    X, _ = make_dataset("circle", n_samples=100, seed=0)
    F = make_features(X, ("x1x2", "x2", "cosx1"))
    np.testing.assert_array_equal(F[:, 0], X[:, 0] * X[:, 1])
    np.testing.assert_array_equal(F[:, 1], X[:, 1])
    np.testing.assert_array_equal(F[:, 2], np.cos(X[:, 0]))
    np.testing.assert_array_equal(make_features(X, DEFAULT_FEATURES), X)


@pytest.mark.parametrize(
    ("features", "received"),
    [
        (["x1", "x3"], "feature='x3'"),
        (["X1"], "feature='X1'"),
        ([], "features=[]"),
        ("x1", "features='x1'"),
        (["x1", "x1"], "features=['x1', 'x1']"),
    ],
)
def test_make_features_rejects_bad_names(features, received):
    X = np.zeros((3, 2))
    with pytest.raises(ValueError) as err:
        make_features(X, features)
    assert str(err.value).endswith("Received: " + received)


def test_make_features_rejects_bad_shape():
    with pytest.raises(ValueError, match=r"Received: X.shape=\(4, 3\)"):
        make_features(np.zeros((4, 3)), ["x1"])


# --- standardisation ------------------------------------------------------------------------------


def test_standardizer_uses_training_statistics_only():
    X, y = make_dataset("moons", n_samples=600, noise=0.2, seed=1)
    s = split(X, y, train_share=0.6, seed=0, stratify=True)
    F_train = make_features(s.X_train, ["x1", "x2sq", "sinx1"])
    F_test = make_features(s.X_test, ["x1", "x2sq", "sinx1"])
    scaler = Standardizer.fit(F_train)
    np.testing.assert_allclose(scaler.mean, F_train.mean(axis=0))
    np.testing.assert_allclose(scaler.scale, F_train.std(axis=0))
    Z_train = scaler.transform(F_train)
    np.testing.assert_allclose(Z_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z_train.std(axis=0), 1.0, rtol=1e-12)
    Z_test = scaler.transform(F_test)
    assert np.abs(Z_test.mean(axis=0)).max() > 1e-3
    assert np.abs(Z_test.std(axis=0) - 1.0).max() > 1e-3
    np.testing.assert_allclose(Z_test, (F_test - F_train.mean(axis=0)) / F_train.std(axis=0))


def test_standardizer_guards_constant_columns():
    F = np.column_stack([np.full(10, 1e6 + 0.1), np.arange(10.0), np.zeros(10)])
    scaler = Standardizer.fit(F)
    np.testing.assert_array_equal(scaler.scale[[0, 2]], [1.0, 1.0])
    Z = scaler.transform(F)
    assert np.isfinite(Z).all()
    np.testing.assert_allclose(Z[:, [0, 2]], 0.0, atol=1e-9)
    np.testing.assert_allclose(Z[:, 1].std(), 1.0)
    with pytest.raises(ValueError, match=r"Received: F.shape=\(10, 2\)"):
        scaler.transform(F[:, :2])


# --- split ----------------------------------------------------------------------------------------


def test_split_sizes_and_partition():
    X, y = make_dataset("circle", n_samples=500, noise=0.1, seed=0)
    s = split(X, y, train_share=0.7, seed=1, stratify=True)
    assert isinstance(s, Split)
    assert (len(s.X_train), len(s.X_test), len(s.y_train), len(s.y_test)) == (350, 150, 350, 150)
    # Train and test partition the rows, keeping each row with its label.
    all_rows = np.column_stack([np.vstack([s.X_train, s.X_test]), np.concatenate([s.y_train, s.y_test])])
    np.testing.assert_array_equal(_sorted_rows(all_rows), _sorted_rows(np.column_stack([X, y])))
    s2 = split(X, y, train_share=0.7, seed=1, stratify=True)
    np.testing.assert_array_equal(s.X_train, s2.X_train)
    s3 = split(X, y, train_share=0.7, seed=2, stratify=True)
    assert not np.array_equal(_sorted_rows(s.X_train), _sorted_rows(s3.X_train))


@pytest.mark.parametrize(("share", "n_train"), [(0.1, 50), (0.3, 150), (0.5, 251), (0.9, 452)])
def test_stratified_split_keeps_class_proportions(share, n_train):
    X, y = make_dataset("blobs", n_samples=503, seed=0, n_classes=6)
    s = split(X, y, train_share=share, seed=0, stratify=True)
    assert len(s.y_train) == n_train
    totals = np.bincount(y)
    train = np.bincount(s.y_train, minlength=6)
    assert (np.abs(train - totals * len(s.y_train) / len(y)) <= 1).all()
    assert (train + np.bincount(s.y_test, minlength=6) == totals).all()


def test_unstratified_split_for_regression():
    X, y = make_dataset("sine", n_samples=300, seed=0)
    s = split(X, y, train_share=0.5, seed=0, stratify=False)
    assert len(s.y_train) == 150 and s.y_train.dtype == np.float64
    with pytest.raises(ValueError, match=r"Received: y.dtype=float64"):
        split(X, y, train_share=0.5, seed=0, stratify=True)


@pytest.mark.parametrize(("share", "received"), [(0.05, "0.05"), (0.95, "0.95"), (1, "1"), ("0.5", "'0.5'")])
def test_split_rejects_bad_share(share, received):
    X, y = make_dataset("xor", n_samples=100, seed=0)
    with pytest.raises(ValueError) as err:
        split(X, y, train_share=share, seed=0, stratify=True)
    expected = "Expected `train_share` to be a number in [0.1, 0.9]. Received: train_share="
    assert str(err.value) == expected + received


def test_split_rejects_mismatched_lengths():
    X, y = make_dataset("xor", n_samples=100, seed=0)
    with pytest.raises(ValueError, match=r"Received: X.shape=\(100, 2\), y.shape=\(99,\)"):
        split(X, y[:99], train_share=0.5, seed=0, stratify=False)

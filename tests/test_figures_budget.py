"""What the live charts draw of a large run: a point budget on the boundary, an edge budget on the
network picture, and what one frame sends at the bounds (benchmarks/draw.py times the browser's side)."""

import numpy as np
import pytest
from bounds import BOUNDS_QUERY

from playground import figures as F
from playground.config import Config
from playground.figures.boundary import drawn_counts
from playground.figures.network import MAX_EDGES, units_shown
from playground.training import Trainer
from playground.ui import live_view
from playground.ui.live_chart import figure_bytes
from playground.ui.presentation import read_url

# Bytes one live frame may send per chart at the bounds (before: boundary 144 kB, network 147 kB).
FRAME_BYTES = {"boundary": 30_000, "network": 60_000}


@pytest.fixture(scope="module")
def bounds():
    """The largest run a link accepts (5,000 spiral points, 8 x 256 units), a little trained."""
    trainer = Trainer(read_url(BOUNDS_QUERY)[0])
    trainer.advance(seconds=0.1)
    return trainer


@pytest.fixture(scope="module")
def binary():
    trainer = Trainer(Config().replace(n_samples=400, noise=0.3, train_share=0.75))  # 300 train, 100 test
    trainer.advance(epochs=2)
    return trainer


def points_of(figure, name):
    return next(t for t in figure["data"] if t["name"] == name and t["showlegend"] is False)


def edges_drawn(shown):
    return sum(a * b for a, b in zip(shown, shown[1:], strict=False))


def test_drawn_counts_keep_the_sets_proportion():
    assert drawn_counts(4500, 0, 500) == (500, 0)
    assert drawn_counts(4500, 500, 500) == (450, 50)
    assert drawn_counts(300, 100, 500) == (300, 100)
    assert drawn_counts(4999, 1, 500) == (499, 1)  # a non-empty set keeps a point
    assert drawn_counts(4500, 500, None) == (4500, 500)
    with pytest.raises(ValueError, match="Received: max_points=1"):
        drawn_counts(10, 10, 1)


def test_a_boundary_with_a_point_budget_draws_the_first_points_and_their_marks(binary):
    snapshot, data = binary.snapshot(), binary.data
    predictions = live_view.predictions(snapshot)
    figure = F.boundary_figure(snapshot, data, binary.config, show_test=True, predictions=predictions,
                               max_points=200, as_dict=True)
    train, test = points_of(figure, "train"), points_of(figure, "test")
    assert (len(train["x"]), len(test["x"])) == (150, 50)
    assert np.allclose(train["x"], data.X_train[:150, 0])
    assert np.array_equal(train["marker"]["color"], data.y_train[:150])
    assert np.allclose(test["y"], data.X_test[:50, 1])
    wrong = np.concatenate([predictions["train"][:150] != data.y_train[:150],
                            predictions["test"][:50] != data.y_test[:50]])
    marks = points_of(figure, "misclassified")
    assert wrong.sum() > 0 and len(marks["x"]) == wrong.sum()
    note = F.points_note(data, show_test=True, max_points=200)
    assert note == ("The chart draws 150 of the 300 training points and 50 of the 100 test points (a random sample), "
                    "so that it redraws quickly; training, losses and accuracy use them all.")
    # Within the budget: every point, and nothing to say.
    whole = F.boundary_figure(snapshot, data, binary.config, show_test=True, max_points=F.MAX_POINTS_DRAWN,
                              as_dict=True)
    assert len(points_of(whole, "train")["x"]) == 300 and F.points_note(data, show_test=True) is None


def test_misclassified_marks_carry_their_classes_as_numbers_not_text(binary):
    snapshot, data = binary.snapshot(), binary.data
    predictions = live_view.predictions(snapshot)
    marks = points_of(F.boundary_figure(snapshot, data, binary.config, show_test=False, predictions=predictions,
                                        as_dict=True), "misclassified")
    wrong = predictions["train"] != data.y_train
    assert "text" not in marks
    assert marks["customdata"].dtype == np.uint8
    assert np.array_equal(marks["customdata"], np.stack([data.y_train[wrong], predictions["train"][wrong]], axis=1))
    assert "%{customdata[0]}" in marks["hovertemplate"] and "%{customdata[1]}" in marks["hovertemplate"]


def test_units_shown_fit_the_edge_budget():
    assert units_shown([2, 4, 2, 1]) == [2, 4, 2, 1]
    assert units_shown([2, 40, 3]) == [2, 16, 3]
    assert units_shown([2, 16, 16, 16, 1]) == [2, 16, 16, 16, 1]  # 560 edges: within the budget
    deep = units_shown([9, *[256] * 8, 1])
    assert deep == [8] * 9 + [1] and edges_drawn(deep) <= MAX_EDGES
    assert edges_drawn([9] * 9 + [1]) > MAX_EDGES  # 8 is the most that fits


def test_the_bounds_frame_sends_each_chart_within_its_byte_budget(bounds):
    snapshot, config = bounds.snapshot(), bounds.config
    boundary = F.boundary_figure(snapshot, bounds.data, config, predictions=live_view.predictions(snapshot),
                                 max_points=F.MAX_POINTS_DRAWN, as_dict=True)
    network = live_view.network_chart(bounds, snapshot)
    sizes = {"boundary": len(figure_bytes(boundary)), "network": len(figure_bytes(network))}
    assert all(sizes[name] <= limit for name, limit in FRAME_BYTES.items()), sizes
    assert len(points_of(boundary, "train")["x"]) == F.MAX_POINTS_DRAWN
    assert "draws 500 of the 4,500 training points" in F.points_note(bounds.data, config.view.show_test)
    notes = [a["text"] for a in network["layout"]["annotations"] if "more" in a["text"]]
    assert notes == ["+1<br>more"] + ["+248<br>more"] * 8  # 9 inputs, 8 layers of 256: 8 units each shown

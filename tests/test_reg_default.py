"""The default regularization rate: switched on mid-run, it must change what the class sees."""

from __future__ import annotations

import numpy as np

from playground.config import DEFAULT_REG_RATE
from playground.presets import LESSONS
from playground.training import Trainer


def test_l2_at_the_default_rate_visibly_changes_an_overfitting_boundary_within_30_epochs():
    base = LESSONS["overfitting"].runs[0]
    plain, regularized = Trainer(base), Trainer(base)
    plain.advance(epochs=40)
    regularized.advance(epochs=40)
    regularized.apply(regularized.config.replace(regularization="l2", reg_rate=DEFAULT_REG_RATE))
    plain.advance(epochs=30)
    regularized.advance(epochs=30)
    before, after = plain.snapshot().grid > 100, regularized.snapshot().grid > 100
    flipped = float(np.mean(before != after))
    assert flipped >= 0.05, f"only {flipped:.1%} of the boundary's cells changed class at rate {DEFAULT_REG_RATE}"
    assert regularized.history.test_loss[-1] < 0.5 * plain.history.test_loss[-1]

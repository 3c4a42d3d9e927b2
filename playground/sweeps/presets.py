"""Ready-made sweeps for the Overfitting page, each verified by tests/test_sweep_presets.py.

All start from the setup of the Find the sweet spot lesson (60 noisy training points, 3 x 64 ReLU
units), where an unregularised network memorises the noise, so there is a sweet spot to find.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Config
from ..presets import LESSONS
from .engine import SweepSpec

OVERFIT = LESSONS["find-the-sweet-spot"].config


@dataclass(frozen=True)
class SweepPreset:
    """A named sweep and what it shows; `x` is the figure's axis: the knob ('value') or 'n_train'."""

    key: str
    title: str
    shows: str
    config: Config
    param: str
    values: tuple
    seeds: int
    epochs: int
    x: str = "value"

    def spec(self) -> SweepSpec:
        return SweepSpec(self.config, self.param, self.values, self.seeds, self.epochs)


_PRESETS = [
    SweepPreset("l2", "L2 strength",
                "Too little L2 and the network memorises the noise (low training loss, high test loss); too "
                "much and it cannot even fit the circle. The test loss is lowest in between.",
                OVERFIT, "reg_rate", (1e-5, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1), 3, 200),
    SweepPreset("dropout", "Dropout rate",
                "Dropout trades training fit for test fit: the training loss rises with the rate while the "
                "test loss falls far below the plain network's, until at 0.9 the network cannot fit even the "
                "training points.",
                OVERFIT, "dropout", (0.0, 0.1, 0.3, 0.5, 0.7, 0.8, 0.9), 3, 200),
    SweepPreset("width", "Network width",
                "One unit per layer cannot draw the circle; more units fit the training points ever better, "
                "while the test loss stops improving and climbs as the network memorises the noise.",
                OVERFIT, "width", (1, 2, 4, 8, 16, 32, 64), 3, 200),
    SweepPreset("samples", "Training set size",
                "The learning curve: with more training points the training error rises (noise is harder to "
                "memorise) and the test error falls, and the gap between them closes.",
                OVERFIT, "samples", (50, 100, 200, 400, 800), 3, 100, x="n_train"),
]

PRESETS: dict[str, SweepPreset] = {preset.key: preset for preset in _PRESETS}

"""Lessons: named experiments that each show one idea, ready to open, project and discuss.

A ``Lesson`` holds one Config (or 2-4 for a side-by-side comparison, with a label for each run),
the page and panel to look at, what to watch, the outcome it is meant to show, and the epoch
budget within which it shows it. ``tests/test_presets.py`` trains every lesson headlessly for
that budget and checks the outcome with numbers, so a lesson never promises what it does not do.

A lesson is also a URL: ``?lesson=xor-needs-hidden``, optionally with the presentation flags of
TensorFlow Playground's classroom mode, ``big=1`` (large fonts) and ``hide=<names>`` (panels or
controls to hide), e.g. ``?lesson=dying-relu&big=1&hide=export,share``. ``lesson_query`` and
``lesson_from_query`` write and read the lesson; ``PresentationFlags.from_query`` reads the flags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .compare import MAX_RUNS, vary
from .config import FALSE_WORDS, TRUE_WORDS, Config, LayerConfig, show_value, url_value

PAGES = ("playground", "compare", "diagnostics")
# The panels a lesson may point at and ``hide=`` may hide (a lesson writes them with spaces).
PANELS = ("decision_boundary", "network", "neurons", "loss_curves", "health_strip", "gradient_norms",
          "findings", "replay", "share", "export", "lesson_text")
_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Lesson:
    """One lesson. ``configs`` is a Config, or a tuple of 2-4 for a comparison (``labels`` names
    each run); ``runs`` is always the tuple. ``epochs`` is the budget the lesson suggests and its
    test trains for; ``pace`` the live epochs per frame that shows its idea. Every run's config
    carries both (view.pace, and view.stop_at = epochs: Play pauses there), so its URL does too."""

    key: str
    title: str
    watch: str
    configs: Config | tuple[Config, ...]
    page: str
    panel: str
    outcome: str
    epochs: int
    labels: tuple[str, ...] = ()
    pace: str = "max"

    def __post_init__(self):
        if not isinstance(self.key, str) or not _KEY.fullmatch(self.key):
            raise ValueError(f"A lesson key is lowercase words joined by '-'. Received: key={self.key!r}")
        runs = self.runs
        if not runs or not all(isinstance(c, Config) for c in runs) or len(runs) > MAX_RUNS or \
                (isinstance(self.configs, tuple) and len(runs) < 2):
            raise ValueError(f"Lesson {self.key}: configs must be a Config or a tuple of 2 to {MAX_RUNS} "
                             f"Configs. Received: {self.configs!r:.80}")
        labels = tuple(self.labels)
        if len(labels) != (len(runs) if len(runs) > 1 else 0):
            raise ValueError(f"Lesson {self.key}: expected one label per run of a comparison, none for one "
                             f"run. Received: labels={labels!r} for {len(runs)} runs")
        object.__setattr__(self, "labels", labels)
        if self.page not in PAGES or (self.page == "compare") != self.is_comparison:
            raise ValueError(f"Lesson {self.key}: page must be 'compare' for a comparison and 'playground' or "
                             f"'diagnostics' for one run. Received: page={self.page!r}")
        if self.panel_id not in PANELS:
            raise ValueError(f"Lesson {self.key}: panel must be one of {', '.join(PANELS)} (spaces for '_'). "
                             f"Received: panel={self.panel!r}")
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int) or self.epochs < 1:
            raise ValueError(f"Lesson {self.key}: epochs must be a positive integer. Received: {self.epochs!r}")
        paced = tuple(config.replace(pace=self.pace, stop_at=self.epochs) for config in runs)  # ConfigError if bad
        object.__setattr__(self, "configs", paced if isinstance(self.configs, tuple) else paced[0])

    @property
    def panel_id(self) -> str:
        """The panel as a name of PANELS ("decision boundary" -> "decision_boundary")."""
        return str(self.panel).strip().lower().replace(" ", "_")

    @property
    def runs(self) -> tuple[Config, ...]:
        return self.configs if isinstance(self.configs, tuple) else (self.configs,)

    @property
    def is_comparison(self) -> bool:
        return len(self.runs) > 1

    @property
    def config(self) -> Config:
        """The (first) run's config."""
        return self.runs[0]


# ---------------------------------------------------------------------------------------------
# The gallery. Settings were chosen so that each outcome holds with a margin (see the tests).

_XOR = Config().replace(dataset="xor", n_samples=400, seed=0, hidden=(), learning_rate=0.03)

# 40 training points (and 60 test points), a fifth of the labels flipped, and 3 x 64 units: the
# network memorises every flipped point (measured on seeds 0-19 and 101-110: final training loss
# <= 0.092, test loss 2.8-12x its minimum), and dropout 0.5 keeps the test loss at 0.15-0.69x the
# plain run's (median 0.38) with a training loss >= 0.155.
# (With 60 training points and a tenth flipped, some seeds had too few wrong labels to overfit.)
_OVERFIT = Config().replace(dataset="circle", n_samples=100, train_share=0.4, noise=0.2, seed=4,
                            hidden=(LayerConfig(64, "relu"),) * 3, learning_rate=0.005, show_test=True)

# Every hidden bias starts at -1: in the layers after the first, whose inputs start mostly at zero, a
# ReLU unit's input is then below zero for every point (measured: 71-92 % of the units dead on seeds
# 11-20, every time from epoch 0), and a dead ReLU gets no gradient, so nothing can wake it.
_DYING = Config().replace(dataset="circle", n_samples=200, seed=1, hidden=(LayerConfig(8, "relu"),) * 3,
                          optimizer="adam", learning_rate=0.1, batch_size=25, bias_init=-1.0)

# Eight sigmoid layers from tiny weights. The cosine schedule (to 0 over the lesson's 100 epochs of 8
# batches) lets the batch-norm run settle: with a constant rate its moving statistics trail the
# fast-changing weights and its inference-mode accuracy jumps from epoch to epoch.
_DEEP = Config().replace(dataset="circle", n_samples=800, seed=0, hidden=(LayerConfig(8, "sigmoid"),) * 8,
                         initializer="small", learning_rate=0.01, batch_size=50, schedule="cosine",
                         decay_steps=100 * 8)

_RACE = Config().replace(dataset="circle", n_samples=200, seed=0, hidden=(LayerConfig(8, "tanh"),) * 2,
                         learning_rate=0.03, optimizer="sgd")

# Four sigmoid layers at Adam 0.02 for 80 epochs (measured on seeds 0-19 and 101-110: zeros and small
# reach at most 0.73, He at least 0.95; at 0.03 for 40 epochs He stalled below 0.9 on 4 of 30 seeds).
_INIT = Config().replace(dataset="circle", n_samples=200, seed=0, hidden=(LayerConfig(8, "sigmoid"),) * 4,
                         learning_rate=0.02)

_SPIRAL = Config().replace(dataset="spiral", n_samples=400, seed=0, hidden=(LayerConfig(3, "relu"),) * 2,
                          learning_rate=0.01)

# The line starts as x1 + x2 = 0 (kernel ones) and each mistake moves it by 0.01 x the point: about
# a degree, so the line turns visibly over many epochs (measured: first epoch without a mistake at
# 4-31 on seeds 0-19 and 101-110, every epoch before it with mistakes). From zeros the learning rate
# would not matter (every weight is a multiple of it) and the line was final by epoch 1-6. The
# start is already right only when the data's own line is close to it (2 of those 30 seeds). Seed 2
# shows 17 corrections (seed 0: 4).
_PERCEPTRON = Config().replace(dataset="linear", n_samples=100, seed=2, hidden=(), rule="perceptron",
                               optimizer="sgd", learning_rate=0.01, batch_size=1, initializer="ones")

_LESSONS = [
    Lesson(
        "xor-needs-hidden", "XOR needs a hidden layer",
        "Without a hidden layer the network can only draw one straight line, and no line separates the "
        "XOR quadrants. Watch the boundary without hidden layers stay a single line while eight hidden "
        "units bend theirs into a cross.",
        (_XOR, vary(_XOR, layers="8relu")), "compare", "decision boundary",
        "No hidden layer stays near chance; one hidden layer of 8 units solves XOR.", 40,
        ("no hidden layer", "one hidden layer of 8"), pace="1"),
    Lesson(
        "feature-engineering", "Feature engineering: x1² and x2²",
        "Give the network the squared inputs instead of x1 and x2, and take away every hidden layer. "
        "Watch a single output unit draw a circle, because in x1², x2² the classes are split by a line.",
        Config().replace(dataset="circle", n_samples=200, seed=0, features=("x1sq", "x2sq"), hidden=()),
        "playground", "decision boundary",
        "With the features x1² and x2², a network without hidden layers solves the circle.", 30, pace="1"),
    Lesson(
        "perceptron", "The perceptron",
        "One unit with a step output, trained by Rosenblatt's rule: every misclassified point pulls the line a "
        "little towards itself. Watch the line turn, an epoch a frame, and stop for good once a whole epoch goes "
        "by without a mistake.",
        _PERCEPTRON, "playground", "decision boundary",
        "On linearly separable data the perceptron converges after several visible corrections: an epoch "
        "without mistakes and every training point right.", 40, pace="1"),
    Lesson(
        "perceptron-xor", "The perceptron meets XOR",
        "The same single step unit and the same rule, on XOR. Watch the line swing from one mistake to the "
        "next for ever: no line separates XOR, so the perceptron never converges.",
        # 100 training points: with 50, the best line's share on XOR reached 0.8 on 2 of 30 seeds
        vary(_PERCEPTRON, dataset="xor", n_samples=200), "playground", "decision boundary",
        "On XOR the perceptron never converges: every epoch has mistakes and accuracy stays below 0.8.", 50,
        pace="1"),
    Lesson(
        "overfitting", "Overfitting",
        "Forty training points, a fifth of them with the wrong label, and a network of 3 x 64 units: far "
        "more freedom than the data need. Watch the training loss fall towards zero while the test loss "
        "turns and climbs, and the boundary wrap itself around single mislabelled points.",
        _OVERFIT, "playground", "loss curves",
        "The training loss goes to zero while the test loss rises well above its minimum: the network "
        "memorises the noise.", 200, pace="5"),
    Lesson(
        "l2-cures-overfitting", "L2 regularization against overfitting",
        "The overfitting network again, next to the same network with an L2 penalty on its weights. Watch "
        "the penalised run keep a smooth boundary and a test loss that stays low.",
        (_OVERFIT, vary(_OVERFIT, regularization="l2", reg_rate=0.01)), "compare", "loss curves",
        "With L2 (0.01) the final test loss is far lower than without.", 200,
        ("no regularization", "L2 0.01"), pace="5"),
    Lesson(
        "dropout-cures-overfitting", "Dropout against overfitting",
        "The overfitting network again, next to the same network with dropout 0.5 after every hidden layer. "
        "Watch the dropout run's training loss stay high while its test loss stays far below the plain "
        "network's.",
        (_OVERFIT, vary(_OVERFIT, dropout=0.5)), "compare", "loss curves",
        "With dropout 0.5 the final test loss is far lower than without.", 200,
        ("no dropout", "dropout 0.5"), pace="5"),
    Lesson(
        "dying-relu", "Dying ReLU",
        "Every hidden bias starts at -1, as if one large update had pushed the units below zero: a ReLU unit "
        "whose input is negative for every point outputs zero, gets no gradient and never comes back. Watch "
        "the health strip of the ReLU run stay full of dead units and its boundary stay flat, while leaky "
        "ReLUs, whose small slope still passes a gradient, wake up and learn the circle.",
        (_DYING, vary(_DYING, activation="leaky_relu")), "compare", "health strip",
        "Most ReLU units are dead and the ReLU network stays at chance; the leaky ReLU network with the same "
        "start trains to a high accuracy.", 30,
        ("ReLU", "leaky ReLU"), pace="1"),
    Lesson(
        "vanishing-gradients", "Vanishing gradients",
        "Eight sigmoid layers started from tiny weights: each layer multiplies the gradient by a weight of "
        "about 0.01 and a slope of at most 0.25. Watch the gradient norms: layer 1's are many orders of "
        "magnitude below the output layer's, so the first layers never learn, while ReLU with He "
        "initialisation trains.",
        (_DEEP, vary(_DEEP, activation="relu", initializer="he_normal")), "compare", "gradient norms",
        "The deep sigmoid network stays near chance with layer 1's gradients at least 100x smaller than the "
        "output layer's; the same depth with ReLU and He initialisation learns.", 100,
        ("sigmoid, small init", "ReLU, He init"), pace="2"),
    Lesson(
        "batch-norm-rescues", "Batch norm rescues the deep network",
        "The deep sigmoid network of the vanishing-gradients lesson, next to the same network with batch "
        "normalisation before every activation. Watch the normalised run, which rescales every layer's "
        "signal back to a healthy size, find the circle.",
        (_DEEP, vary(_DEEP, batch_norm=True)), "compare", "loss curves",
        "With batch norm on every layer the same deep network learns.", 100,
        ("plain", "batch norm"), pace="2"),
    Lesson(
        "optimizer-race", "Optimizer race",
        "Four optimizers start from the same weights and see the same batches in the same order. Watch the "
        "loss curves: plain SGD crawls, momentum accelerates along the valley, RMSprop and Adam adapt each "
        "weight's step.",
        (_RACE, vary(_RACE, momentum=0.9), vary(_RACE, optimizer="rmsprop"), vary(_RACE, optimizer="adam")),
        "compare", "loss curves",
        "From the same start, momentum, RMSprop and Adam reach a far lower loss than plain SGD.", 30,
        ("SGD", "SGD + momentum 0.9", "RMSprop", "Adam"), pace="1"),
    Lesson(
        "learning-rate-too-high", "Learning rate too high",
        "Gradient descent on a linear model with squared loss is stable only below a learning rate of 2 over "
        "the loss's steepest curvature, and on standardised inputs that curvature is at least 2, so every "
        "rate above 1 overshoots the minimum by more than it corrects. Watch the loss (log scale) grow "
        "several times an epoch at a rate of 1.5 until the divergence guard stops the run and names the rate.",
        Config().replace(dataset="plane", n_samples=200, seed=0, hidden=(), optimizer="sgd", learning_rate=1.5,
                         batch_size=100, log_scale=True),
        "playground", "loss curves",
        "On any data and from any start the loss explodes, and the run stops with status 'diverged' and a "
        "message naming the learning rate.", 20, pace="1"),
    Lesson(
        "initialisation-matters", "Initialisation matters",
        "The same network from three starts: all zeros, tiny random weights, and He's scale. Watch the "
        "neurons: from zeros every unit of a layer stays a copy of its neighbours, tiny weights barely "
        "learn, and He's start finds the circle.",
        (vary(_INIT, initializer="zeros"), vary(_INIT, initializer="small"), vary(_INIT, initializer="he_normal")),
        "compare", "neurons",
        "From zeros the units never become different; only the He start solves the circle within the budget.",
        80, ("zeros", "small", "He"), pace="2"),
    Lesson(
        "spiral-depth-width", "The spiral needs depth and width",
        "Two interleaved spiral arms need a boundary that winds around twice. Watch the small network "
        "settle for a rough split while three layers of 16 units follow the arms.",
        (_SPIRAL, vary(_SPIRAL, layers="16relu,16relu,16relu")), "compare", "decision boundary",
        "The small network fails the spiral; the deeper, wider one solves it.", 100,
        ("2 x 3 units", "3 x 16 units"), pace="2"),
]

LESSONS: dict[str, Lesson] = {lesson.key: lesson for lesson in _LESSONS}


# ---------------------------------------------------------------------------------------------
# Presentation flags


# What ``hide=`` may name: the panels of the pages, the sidebar sections and controls (config
# field names, as in the URL keys' long form), and the run buttons.
SECTIONS = ("sidebar", "data_controls", "network_controls", "training_controls", "view_controls")
CONTROLS = ("dataset", "n_classes", "noise", "train_share", "n_samples", "seed", "weights_seed", "features",
            "layers", "initializer", "bias_init", "regularization", "reg_rate", "optimizer", "learning_rate",
            "momentum", "schedule", "batch_size", "clipnorm", "early_stopping", "rule", "play", "step", "reset",
            "regenerate", "new_weights")
HIDEABLE = PANELS + SECTIONS + CONTROLS
MAX_HIDE_CHARS = 2000


@dataclass(frozen=True)
class PresentationFlags:
    """Classroom presentation: large fonts and hidden panels or controls (names from HIDEABLE)."""

    large_fonts: bool = False
    hidden: frozenset[str] = field(default_factory=frozenset)

    def hides(self, name: str) -> bool:
        return name in self.hidden

    def to_query(self) -> dict[str, str]:
        out = {}
        if self.large_fonts:
            out["big"] = "1"
        if self.hidden:
            out["hide"] = ",".join(sorted(self.hidden, key=HIDEABLE.index))
        return out

    @classmethod
    def from_query(cls, params: Mapping) -> tuple[PresentationFlags, list[str]]:
        """The flags of URL parameters ``big`` and ``hide`` (others are ignored), and a note for
        every value ignored. Never raises."""
        notes: list[str] = []
        if not isinstance(params, Mapping):
            return cls(), notes
        large = False
        if "big" in params:
            raw = url_value(params["big"])
            text = raw.strip().lower() if isinstance(raw, str) else None
            if text in TRUE_WORDS:
                large = True
            elif text not in (*FALSE_WORDS, ""):
                notes.append(f"big must be 1 or 0 (true or false). Received: big={show_value(params['big'])}. "
                             "Ignored.")
        hidden: set[str] = set()
        if "hide" in params:
            raw = url_value(params["hide"])
            if not isinstance(raw, str) or len(raw) > MAX_HIDE_CHARS:
                notes.append("hide must be a comma-separated list of names. "
                             f"Received: hide={show_value(params['hide'])}. Ignored.")
                raw = ""
            unknown = []
            for part in raw.split(","):
                name = part.strip().lower().replace("-", "_").replace(" ", "_")
                if name in HIDEABLE:
                    hidden.add(name)
                elif name:
                    unknown.append(name)
            if unknown:
                notes.append(f"Unknown names in hide ignored: {show_value(', '.join(unknown))}; known: "
                             f"{', '.join(HIDEABLE)}.")
        return cls(large, frozenset(hidden)), notes


# ---------------------------------------------------------------------------------------------
# Lessons as URLs


def lesson_query(lesson: Lesson, flags: PresentationFlags | None = None) -> dict[str, str]:
    """The URL parameters that open `lesson` (with presentation `flags`, if any)."""
    return {"lesson": lesson.key, **(flags.to_query() if flags is not None else {})}


def lesson_from_query(params: Mapping) -> Lesson | None:
    """The lesson a URL names with ``lesson=<key>``, or None (no such parameter or no such lesson)."""
    if not isinstance(params, Mapping) or "lesson" not in params:
        return None
    key = url_value(params["lesson"])
    return LESSONS.get(key.strip().lower()) if isinstance(key, str) else None


# ---------------------------------------------------------------------------------------------
# The overfitting explorer's lesson: its page and panel are registered here, apart from the gallery.

PAGES += ("overfitting",)
PANELS += ("u_curve",)
# The sweeps' own overfitting setup (tests/test_sweep_presets.py verifies them on it, three seeds
# averaged): 60 training points with a tenth of the labels flipped, milder than the Overfitting
# lesson's, so that strong L2 and a high dropout rate can still fit the circle.
_SWEEP_OVERFIT = Config().replace(dataset="circle", n_samples=100, train_share=0.6, noise=0.1, seed=4,
                                  hidden=(LayerConfig(64, "relu"),) * 3, learning_rate=0.003, show_test=True)
LESSONS["find-the-sweet-spot"] = Lesson(
    "find-the-sweet-spot", "Find the sweet spot",
    "A network of 3 x 64 units on 60 noisy points trained again and again, each time with another L2 strength "
    "and from several seeds. "
    "Watch the U-curve: the test loss falls as L2 tames the memorising, then climbs again once L2 is so strong "
    "that the network cannot fit the circle.",
    _SWEEP_OVERFIT, "overfitting", "u curve",
    "The test loss is lowest at an interior L2 strength (about 0.01), while the training loss rises with L2.", 200)

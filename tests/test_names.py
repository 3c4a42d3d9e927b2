"""One list of names per family: the engine's registries. Every other list derives from them; the
per-framework maps (Keras, PyTorch) must cover exactly the registry's names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from playground import sklearn as estimators
from playground.config import HIDDEN_ACTIVATIONS, INITIALIZERS, OPTIMIZERS, REGULARIZATIONS, SCHEDULES
from playground.export import codegen_common, codegen_keras, codegen_torch
from playground.nn import activations, initializers, losses, optimizers, regularizers, schedules

FAMILIES = {
    "activation": set(activations.ACTIVATIONS.names()),
    "initializer": set(initializers.INITIALIZERS.names()),
    "optimizer": set(optimizers.OPTIMIZERS.names()),
    "schedule": set(schedules.SCHEDULES.names()),
    "loss": set(losses.LOSSES.names()),
    "regularizer": set(regularizers.REGULARIZERS.names()),
}
# Maps keyed by a family's names that may restate them: where the frameworks really differ, which
# knobs the config exposes, and a figure's palette (which has a colour for any new name).
ALLOWED = {
    "playground/export/codegen_keras.py": {"ACTIVATIONS", "INITIALIZERS", "OPTIMIZER_NOTES"},
    "playground/export/codegen_torch.py": {"ACTIVATIONS", "INITIALIZERS", "note"},
    "playground/config/fields.py": {"OPTIMIZER_PARAMS", "SCHEDULE_PARAMS"},
    "playground/figures/activations.py": {"COLORS"},
}
ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize("mapping", [codegen_keras.ACTIVATIONS, codegen_torch.ACTIVATIONS], ids=["keras", "torch"])
def test_each_framework_maps_exactly_the_hidden_activations(mapping):
    assert set(mapping) == set(activations.hidden_names())


@pytest.mark.parametrize("mapping", [codegen_keras.INITIALIZERS, codegen_torch.INITIALIZERS], ids=["keras", "torch"])
def test_each_framework_maps_exactly_the_initializers(mapping):
    assert set(mapping) == set(initializers.INITIALIZERS.names())


def test_the_framework_notes_and_class_names_cover_every_optimizer_and_schedule():
    assert set(codegen_keras.OPTIMIZER_NOTES) == set(optimizers.OPTIMIZERS.names())
    assert [codegen_common.optimizer_class(name) for name in optimizers.OPTIMIZERS.names()] == \
        ["SGD", "RMSprop", "Adam", "AdamW", "Adagrad"]  # Keras 3's and torch.optim's names too
    for name in schedules.SCHEDULES.names():
        assert hasattr(schedules, codegen_common.schedule_class(name))


def test_the_config_and_the_estimators_take_the_registries_names():
    assert activations.hidden_names() == HIDDEN_ACTIVATIONS
    assert initializers.INITIALIZERS.names() == INITIALIZERS
    assert OPTIMIZERS == optimizers.OPTIMIZERS.names() == estimators.OPTIMIZER_NAMES
    assert schedules.SCHEDULES.names() == SCHEDULES
    assert ("none", *regularizers.REGULARIZERS.names()) == REGULARIZATIONS


@pytest.mark.parametrize("name", activations.ACTIVATIONS.names())
def test_every_activation_carries_its_formula_and_its_derivative(name):
    fn = activations.get(name)
    assert fn.formula and fn.derivative_formula
    assert fn.formula.count("{") == fn.formula.count("}")


@pytest.mark.parametrize("name", losses.LOSSES.names())
def test_every_loss_carries_its_formula(name):
    assert losses.get(name).formula


def _restated(path: Path) -> list[str]:
    """Literals (tuples, lists, sets, dict keys) outside the allowed maps naming 3+ of a family."""
    tree = ast.parse(path.read_text())
    allowed = ALLOWED.get(path.relative_to(ROOT).as_posix(), set())
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in allowed for t in node.targets):
            skip.update(id(n) for n in ast.walk(node.value))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict):
            continue
        items = node.keys if isinstance(node, ast.Dict) else node.elts
        names = {item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)}
        for family, known in FAMILIES.items():
            if len(names & known) >= 3:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} restates {family} names")
    return found


def test_no_module_outside_the_engine_restates_a_family_of_names():
    paths = [path for path in (ROOT / "playground").rglob("*.py") if "nn" not in path.relative_to(ROOT).parts]
    assert [line for path in paths for line in _restated(path)] == []

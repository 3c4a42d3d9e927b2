"""From an experiment config to a compiled `playground.nn` model, and back to its hidden layers.

Each hidden layer of the config becomes Dense(units, activation) or, with batch norm,
Dense(units) -> BatchNorm -> Activation(activation) (normalising pre-activations, as is usual),
followed by Dropout(rate) when rate > 0. The output layer and the loss follow from the task.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import Config, NetworkConfig, TrainingConfig
from .nn import Activation, BatchNorm, Dense, Dropout, Layer, Sequential, optimizers, regularizers, schedules
from .nn.initializers import Constant


@dataclass(frozen=True)
class HiddenLayer:
    """The engine layers behind one hidden layer of the config.

    `dense` holds the kernel; `output` is the layer whose outputs are the hidden layer's
    activations (the Dense itself, or the Activation after batch norm), before dropout.
    """

    index: int
    dense: Dense
    output: Layer
    activation: str
    batch_norm: BatchNorm | None
    dropout: Dropout | None

    @property
    def units(self) -> int:
        return self.dense.units


def kernel_regularizer(network: NetworkConfig) -> regularizers.L1L2 | None:
    rate = network.effective_reg_rate
    if network.regularization == "none" or rate == 0:
        return None
    l1 = rate if network.regularization in ("l1", "l1l2") else 0.0
    l2 = rate if network.regularization in ("l2", "l1l2") else 0.0
    return regularizers.L1L2(l1=l1, l2=l2)


def build_layers(config: Config) -> list[Layer]:
    network = config.network
    regularizer = kernel_regularizer(network)
    layers: list[Layer] = []
    hidden = {"bias_initializer": Constant(network.bias_init)} if network.bias_init else {}
    for spec in network.hidden:
        if spec.batch_norm:
            layers += [Dense(spec.units, None, network.initializer, kernel_regularizer=regularizer, **hidden),
                       BatchNorm(), Activation(spec.activation)]
        else:
            layers.append(Dense(spec.units, spec.activation, network.initializer, kernel_regularizer=regularizer,
                                **hidden))
        if spec.dropout > 0:
            layers.append(Dropout(spec.dropout))
    layers.append(Dense(config.output_units, config.output_activation, network.initializer,
                        kernel_regularizer=regularizer))
    return layers


def build_optimizer(training: TrainingConfig) -> optimizers.Optimizer:
    kwargs = training.optimizer_kwargs()
    if training.schedule != "constant":
        kwargs["learning_rate"] = schedules.get(training.schedule, training.learning_rate,
                                                **training.schedule_kwargs())
    return optimizers.get(training.optimizer, **kwargs)


def build_model(config: Config) -> Sequential:
    """A compiled model for the config; initial weights, batch order and dropout masks drawn from
    `config.network_seed`."""
    model = Sequential(build_layers(config), input_dim=len(config.data.features), seed=config.network_seed)
    model.compile(build_optimizer(config.training), config.loss)
    return model


def hidden_layers(model: Sequential) -> list[HiddenLayer]:
    """Group a model built by `build_model` back into its hidden layers (the output layer excluded)."""
    groups: list[HiddenLayer] = []
    layers = model.layers[:-1]
    position = 0
    while position < len(layers):
        dense = layers[position]
        position += 1
        batch_norm = output = None
        if position < len(layers) and isinstance(layers[position], BatchNorm):
            batch_norm, output = layers[position], layers[position + 1]
            position += 2
        dropout = None
        if position < len(layers) and isinstance(layers[position], Dropout):
            dropout = layers[position]
            position += 1
        output = output or dense
        groups.append(HiddenLayer(len(groups), dense, output, output.activation.name, batch_norm, dropout))
    return groups

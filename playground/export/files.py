"""Plain files of a run: the config as JSON, the trained weights as .npz, the history as CSV.

Every writer returns `bytes` (what `st.download_button` takes); every reader takes `bytes` (what
`st.file_uploader` gives) and validates before it changes anything.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np

from ..config import Config, ConfigError
from ..nn import Sequential
from ..training import RunHistory, Snapshot
from .npz_reader import read_weights

MAX_CONFIG_BYTES = 100_000   # a config is ~1 kB; anything near this is not one
CURVE_COLUMNS = ("epoch", "train_loss", "test_loss", "train_metric", "test_metric", "learning_rate")
LAYER_COLUMNS = ("dead_share", "saturation", "kernel_grad_norm", "update_ratio")


# ---------------------------------------------------------------------------------------------
# Config JSON


def config_json(config: Config) -> bytes:
    """The config as indented UTF-8 JSON (the same dict as `Config.to_dict`)."""
    return (config.to_json(indent=2) + "\n").encode("utf-8")


def load_config_json(data: bytes) -> Config:
    """The Config stored in `data` (bytes of a file written by `config_json`).

    Raises ConfigError (field "file") for anything that is not such a file: too large (over
    100 kB), not UTF-8, not JSON, not a JSON object; and ConfigError naming the field for
    valid JSON holding an invalid config.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ConfigError("file", f"Expected the bytes of a config JSON file. Received: {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError("file", f"A config file is at most {MAX_CONFIG_BYTES // 1000} kB. "
                                  f"Received: {len(data):,} bytes")
    try:
        text = data.decode("utf-8-sig")  # -sig: tolerate a byte-order mark some editors write
    except UnicodeDecodeError as exc:
        raise ConfigError("file", f"A config file must be UTF-8 text. Received: undecodable bytes at position "
                                  f"{exc.start}") from None
    try:
        loaded = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ConfigError("file", f"The config file is not valid JSON ({exc}).") from None
    if not isinstance(loaded, dict):
        raise ConfigError("file", "A config file must hold a JSON object with the sections data, network, "
                                  f"training and view. Received: a JSON {type(loaded).__name__}")
    try:
        return Config.from_dict(loaded)
    except ConfigError:
        raise
    except (TypeError, ValueError, AttributeError, RecursionError) as exc:  # a structure from_dict did not expect
        raise ConfigError("file", f"The config file has an unexpected structure ({type(exc).__name__}: "
                                  f"{exc}).") from None


# ---------------------------------------------------------------------------------------------
# Weights .npz


def weights_npz(model: Sequential) -> bytes:
    """The model's weights as .npz bytes: arrays w000, w001, ... in `get_weights` (Keras) order.

    The same format as `Sequential.save_weights`, so `load_weights` reads it too.
    """
    buffer = io.BytesIO()
    model.save_weights(buffer)
    return buffer.getvalue()


def load_weights_npz(model: Sequential, data: bytes) -> None:
    """Load weights written by `weights_npz` into `model` (a network of the same shape).

    The file is read by `npz_reader.read_weights`, which checks every header against the model's
    shapes before it reads or allocates anything. Raises ValueError saying what is wrong (not an
    .npz of weights, wrong number of arrays, wrong shapes or dtypes, a broken or hostile archive,
    non-finite values); the model is unchanged then.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"Expected the bytes of a weights .npz file. Received: {type(data).__name__}")
    arrays = read_weights(data, model.weight_shapes())
    try:
        model.set_weights(arrays)  # checks every shape and value before changing anything
    except ValueError as exc:
        raise ValueError(f"The weights file does not fit this network: {exc}") from None


# ---------------------------------------------------------------------------------------------
# History CSV


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        return repr(float(value))  # shortest exact form; nan and inf as Python writes them
    return str(value)


def history_csv(history: RunHistory) -> bytes:
    """The run's curves as CSV, one row per recorded epoch (and per snapshot epoch).

    Columns: epoch, train_loss, test_loss, train_metric (accuracy or R^2), test_metric,
    learning_rate, then per hidden layer i = 1, 2, ...: layer{i}_dead_share, layer{i}_saturation,
    layer{i}_kernel_grad_norm, layer{i}_update_ratio. Layer cells are filled at the epochs that
    have a snapshot and left empty elsewhere (and where a statistic does not apply, e.g.
    saturation of relu). Losses are data losses without penalties.
    """
    snapshots: dict[int, Snapshot] = {s.epoch: s for s in history.snapshots}  # the last one per epoch
    n_layers = max((len(s.layers) for s in history.snapshots), default=0)
    curves = {epoch: index for index, epoch in enumerate(history.epochs)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CURVE_COLUMNS,
                     *(f"layer{i}_{name}" for i in range(1, n_layers + 1) for name in LAYER_COLUMNS)])
    for epoch in sorted(set(curves) | set(snapshots)):
        snapshot = snapshots.get(epoch)
        if epoch in curves:
            i = curves[epoch]
            row = [epoch, history.train_loss[i], history.test_loss[i], history.train_metric[i],
                   history.test_metric[i], history.learning_rate[i]]
        else:  # a snapshot between thinned curve points: its own numbers, no learning rate
            row = [epoch, snapshot.train_loss, snapshot.test_loss, snapshot.train_metric, snapshot.test_metric,
                   None]
        layers = snapshot.layers if snapshot is not None else []
        for index in range(n_layers):
            if index < len(layers):
                stats = layers[index]
                row += [stats.dead_share, stats.saturation, stats.kernel_gradient_norm, stats.update_ratio]
            else:
                row += [None] * len(LAYER_COLUMNS)
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")

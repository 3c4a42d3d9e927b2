"""Training runs: a Trainer advances a run in bounded chunks and keeps its history.

    trainer = Trainer(Config())
    trainer.advance(seconds=0.05)        # whole batches until the time is up; returns promptly
    trainer.advance(epochs=1)            # finish the current epoch (the Step button)
    snapshot = trainer.snapshot()        # the current boundary, neuron tiles, diagnostics

The Trainer owns the data (split, features standardised with training statistics only), the
model built from the config, and a RunHistory: per-epoch loss and metric curves, and Snapshots
taken every k epochs, k doubling whenever the store fills so a long run keeps its shape in
bounded memory. A divergence guard stops a run whose loss explodes (non-finite, or orders of
magnitude above its best and far above its start) or whose weights blow up, restoring the last good weights and naming
the learning rate to lower; nothing recorded is lost. The records, the run's data and the measuring
budgets live in playground.run_records and are re-exported here.
"""

from __future__ import annotations

import math
import time

import numpy as np

from . import diagnostics
from .config import Config
from .network import build_model, build_optimizer, hidden_layers, kernel_regularizer
from .nn import BatchNorm, Dense, losses
from .nn.schedules import Schedule
from .perceptron import rule_for
from .run_records import (
    EPOCH_EVALUATION_MACS,
    GRID_LEVELS,
    GRID_MACS,
    MAX_CURVE_POINTS,
    MAX_SNAPSHOTS,
    MAX_TILE,
    MIN_GRID,
    MIN_ROWS,
    NO_SNAPSHOTS,
    SNAPSHOT_EVALUATION_MACS,
    STATS_MACS,
    TILE_BYTES,
    WEIGHTS_IN_SNAPSHOTS,
    Change,
    Evaluation,
    RunData,
    RunHistory,
    Snapshot,
    grid_points,
    make_run_data,
    to_levels,
)

__all__ = ["EPOCH_EVALUATION_MACS", "GRID_LEVELS", "GRID_MACS", "LOSS_GROWTH", "MAX_CURVE_POINTS", "MAX_SNAPSHOTS",
           "MAX_TILE", "MIN_GRID", "MIN_ROWS", "NO_SNAPSHOTS", "SNAPSHOT_EVALUATION_MACS", "START_GROWTH", "STATS_MACS",
           "TILE_BYTES", "WEIGHTS_IN_SNAPSHOTS", "WEIGHT_LIMIT", "Change", "Evaluation", "RunData", "RunHistory",
           "Snapshot", "Trainer", "grid_points", "make_run_data", "to_levels"]

WEIGHT_LIMIT = 1e6           # a weight beyond this magnitude counts as diverged
LOSS_GROWTH = 1e3            # so does a training loss this many times its best ...
START_GROWTH = 10            # ... and this many times the untrained network's (a spike back to the start recovers)


# ---------------------------------------------------------------------------------------------
# The trainer


class Trainer:
    """Advances one training run in bounded chunks; see the module docstring."""

    def __init__(self, config: Config, snapshots: bool = True):
        """`snapshots=False` keeps only the curves (and epoch 0's snapshot): a sweep's run draws nothing."""
        self.config = config
        self.keeps_snapshots = snapshots
        self.data = make_run_data(config)
        self._build_network()

    # -- construction -------------------------------------------------------------------------
    def _build_network(self) -> None:
        self.model = build_model(self.config)
        self.rule = rule_for(self.config, self.model)  # None: backprop; else e.g. the perceptron rule
        self.hidden = hidden_layers(self.model)
        self._restart()

    def _restart(self) -> None:
        """Epoch 0 of the current network: targets, grids, history, guard and first snapshot."""
        loss = self.model.loss
        units = self.model.output_dim
        self.Y_train = losses.prepare_targets(loss, self.data.y_train, units)
        self.Y_test = losses.prepare_targets(loss, self.data.y_test, units)
        cost = max(1, self.model.count_params())
        self.grid_size = min(self.config.view.grid, max(MIN_GRID, math.isqrt(int(GRID_MACS // cost))))
        self._grid_features = self.data.features(grid_points(self.grid_size), self.config.data.features)
        self._stats_rows = max(MIN_ROWS, int(STATS_MACS // cost))
        self.evaluation_rows = max(MIN_ROWS, int(EPOCH_EVALUATION_MACS // cost))  # of each set
        measured = min(self.evaluation_rows, self.data.F_train.shape[0]) + min(self.evaluation_rows,
                                                                              self.data.F_test.shape[0])
        self._evaluation_affordable = measured * cost <= SNAPSHOT_EVALUATION_MACS
        neurons = sum(layer.units for layer in self.hidden)
        self.tile_size = max(4, min(MAX_TILE, int(math.sqrt(TILE_BYTES / max(1, neurons)))))
        self._tile_features = self.data.features(grid_points(self.tile_size), self.config.data.features)
        self.epoch = 0
        self._cursor = 0          # next batch start within the current epoch's order
        self._order = None        # (X, Y) of the current epoch in shuffled order
        self.history = RunHistory(snapshot_every=1 if self.keeps_snapshots else NO_SNAPSHOTS)
        self.status = "ready"     # ready, diverged, stopped
        self.message = ""
        self.signal_gains = diagnostics.signal_propagation(self.model)
        self.dead_since = [np.full(layer.units, -1) for layer in self.hidden]
        self._good = self._save_state()
        self._best_state = None
        self._fresh = None        # (epoch, cursor, config) and the snapshot made there by snapshot()
        self._record_epoch()
        with np.errstate(all="ignore"):  # the guard's reference: the untrained loss, penalties included
            start = self.history.train_loss[-1] + self.model.penalty()
        self._start_loss = self._best_loss = start if math.isfinite(start) else math.inf

    def restart_history(self) -> None:
        """Keep the current weights (e.g. loaded from a file) and start a new history at epoch 0."""
        self._restart()

    def reset(self) -> None:
        """Back to the initial weights of the config's seed (the same ones every time)."""
        self.model.reset()
        self.rule = rule_for(self.config, self.model)
        self._restart()

    def new_weights(self, seed: int) -> Change:
        """The same data, a network started from the weights of another seed (at epoch 0)."""
        return self.apply(self.config.replace(weights_seed=seed))

    # -- live changes -------------------------------------------------------------------------
    def apply(self, config: Config) -> Change:
        """Move to a new config, keeping as much of the run as the change allows."""
        old, self.config = self.config, config
        if config == old:
            return Change("none")
        data_changed = config.data != old.data
        structure_changed = (config.network.hidden != old.network.hidden
                             or config.network.initializer != old.network.initializer
                             or config.network.bias_init != old.network.bias_init
                             or config.data.features != old.data.features
                             or config.output_units != old.output_units
                             or config.output_activation != old.output_activation
                             or config.loss != old.loss)
        if data_changed:
            self.data = make_run_data(config)
        if structure_changed or config.network_seed != old.network_seed:
            self._build_network()
            if not structure_changed:
                return Change("rebuilt", f"The network starts again from the initial weights of seed "
                                         f"{config.network_seed}.")
            return Change("rebuilt", "The network was rebuilt with new initial weights because its "
                                     "structure changed.")
        self._apply_training(old)
        if config.network != old.network:
            regularizer = kernel_regularizer(config.network)
            for layer in self.model.layers:
                if isinstance(layer, Dense):
                    layer.kernel_regularizer = regularizer
        if data_changed or config.view.grid != old.view.grid:
            keep_epoch, keep_history, keep_status = self.epoch, self.history, (self.status, self.message)
            self._restart()
            self.epoch, self.status, self.message = keep_epoch, *keep_status
            if data_changed:
                keep_history.add_snapshot(self._make_snapshot())
            self.history = keep_history
            if data_changed:
                return Change("data", "New data; the network keeps its weights and goes on training.")
        return Change("live", "Applied while training; the weights and optimizer state are kept.")

    def _apply_training(self, old: Config) -> None:
        new, previous = self.config.training, old.training
        if new == previous:
            return
        optimizer = self.model.optimizer
        if new.optimizer != previous.optimizer or new.schedule != previous.schedule:
            replacement = build_optimizer(new)
            if new.optimizer == previous.optimizer:  # only the schedule changed: keep the moments
                replacement.copy_state_from(optimizer)
            self.model.optimizer = replacement
            return
        if isinstance(optimizer.learning_rate, Schedule):
            optimizer.learning_rate.initial_learning_rate = new.learning_rate
            for name, value in new.schedule_kwargs().items():
                setattr(optimizer.learning_rate, name, float(value))
        else:
            optimizer.learning_rate = new.learning_rate
        for name, value in new.optimizer_kwargs().items():
            if name != "learning_rate":
                setattr(optimizer, name, value)

    # -- training -----------------------------------------------------------------------------
    def advance(self, epochs: int | None = None, seconds: float | None = None) -> int:
        """Train until `epochs` more epochs have ended or `seconds` have passed, whichever is first.

        With neither, one epoch. The clock is checked after every batch, so the call returns
        within about one optimizer step of `seconds` (an epoch may end in a later call). Returns
        the number of epochs completed. Does nothing once the run has diverged or stopped.
        """
        if self.status != "ready":
            return 0
        if epochs is None and seconds is None:
            epochs = 1
        deadline = None if seconds is None else time.perf_counter() + seconds
        target = math.inf if epochs is None else epochs
        completed = 0
        batch = self.config.training.batch_size
        step = self.model.train_step if self.rule is None else self.rule.step
        with np.errstate(all="ignore"):  # overflow in a diverging run is caught by the guard instead
            while completed < target:
                if self._order is None:
                    order = self.model.shuffle_rng.permutation(self.Y_train.shape[0])
                    self._order = (self.data.F_train[order], self.Y_train[order])
                    self._batch_losses = 0.0
                X, Y = self._order
                start, stop = self._cursor, min(self._cursor + batch, X.shape[0])
                self._batch_losses += step(X[start:stop], Y[start:stop]) * (stop - start)
                self._cursor = stop
                if stop == X.shape[0]:
                    self._order, self._cursor = None, 0
                    self.epoch += 1
                    completed += 1
                    if not self._end_epoch(self._batch_losses / X.shape[0]):
                        break
                if deadline is not None and time.perf_counter() >= deadline:
                    break
        return completed

    def _end_epoch(self, mean_batch_loss: float) -> bool:
        """Guard, record, snapshot and early stopping at an epoch's end; False stops the run."""
        reason = self._divergence(mean_batch_loss)
        if reason:
            self._restore_state(self._good)
            self.epoch -= 1  # the failed epoch's weights are discarded: the run stands at the last good one
            self.status, self.message = "diverged", reason
            return False
        self._best_loss = min(self._best_loss, mean_batch_loss)
        if self.rule is not None:
            self.rule.end_epoch()
        self._record_epoch()
        self._good = self._save_state()
        return self._check_early_stopping()

    def _divergence(self, loss: float) -> str:
        """Why the epoch that just ended (mean batch loss `loss`) diverged, or "" when it did not:
        a non-finite loss, a loss LOSS_GROWTH times its best and START_GROWTH times the untrained
        network's (backprop only: a perceptron's loss is its error rate), or a weight past WEIGHT_LIMIT.
        A converged Adam run whose rate is turned up jumps back to about its starting loss and
        recovers: that is a spike to watch, not a divergence."""
        lr = self.model.optimizer.current_learning_rate
        advice = (f"the learning rate {lr:g} is too high for this network; try {lr / 10:g} (or gradient "
                  f"clipping). Training stopped; the weights of epoch {self.epoch - 1} are kept.")
        if not math.isfinite(loss):
            return f"The loss became {'NaN' if math.isnan(loss) else 'infinite'} at epoch {self.epoch}: {advice}"
        if self.rule is None and loss > LOSS_GROWTH * self._best_loss and loss > START_GROWTH * self._start_loss:
            return (f"The loss grew from {self._best_loss:.3g} to {loss:.3g} at epoch {self.epoch}, more than "
                    f"{LOSS_GROWTH:,.0f} times its best: {advice}")
        params = self.model.flat_params
        largest = float(np.max(np.abs(params))) if params.size else 0.0
        if not math.isfinite(largest) or largest > WEIGHT_LIMIT:
            return f"The weights grew past {WEIGHT_LIMIT:g} at epoch {self.epoch}: {advice}"
        return ""

    def _check_early_stopping(self) -> bool:
        training = self.config.training
        best = self.history.best_epoch
        if best == self.epoch and training.early_stopping:
            self._best_state = self._save_state()
        if training.early_stopping and best is not None and self.epoch - best >= training.patience:
            if self._best_state is not None:
                self._restore_state(self._best_state)
            self.status = "stopped"
            self.message = (f"Early stopping: the test loss has not improved for {training.patience} epochs. "
                            f"The weights of the best epoch ({best}) are restored.")
            return False
        return True

    def _save_state(self):
        norms = [(layer.moving_mean.copy(), layer.moving_variance.copy())
                 for layer in self.model.layers if isinstance(layer, BatchNorm)]
        return self.model.flat_params.copy(), norms

    def _restore_state(self, state) -> None:
        params, norms = state
        self.model.flat_params[...] = params
        for layer, (mean, variance) in zip([x for x in self.model.layers if isinstance(x, BatchNorm)], norms,
                                           strict=True):
            layer.moving_mean[...], layer.moving_variance[...] = mean, variance

    # -- measuring ------------------------------------------------------------------------------
    def _evaluate(self, F: np.ndarray, Y: np.ndarray, y: np.ndarray) -> Evaluation:
        """Data loss (no penalties), accuracy or R^2, and the predicted classes, in inference mode."""
        if F.shape[0] == 0:
            return Evaluation(math.nan, math.nan, None)
        output, loss = self.model.predict_with_loss(F, Y)  # in chunks: a layer keeps one chunk's pass
        if self.config.data.task == "regression":
            total = float(np.sum((y - y.mean()) ** 2))
            residual = float(np.sum((y - output[:, 0]) ** 2))
            return Evaluation(loss, 1.0 - residual / total if total > 0 else math.nan, None)
        predicted = output.argmax(axis=1) if output.shape[1] > 1 else (output[:, 0] > 0.5)
        return Evaluation(loss, float(np.mean(predicted == y)), predicted.astype(np.uint8))

    @property
    def evaluation_sampled(self) -> bool:
        """True when the losses and metrics are measured on the first `evaluation_rows` of a set
        (a network too large to measure every point, see EPOCH_EVALUATION_MACS)."""
        return self.evaluation_rows < max(self.data.F_train.shape[0], self.data.F_test.shape[0])

    def _evaluate_sets(self) -> tuple[Evaluation, Evaluation]:
        rows, data = self.evaluation_rows, self.data
        return (self._evaluate(data.F_train[:rows], self.Y_train[:rows], data.y_train[:rows]),
                self._evaluate(data.F_test[:rows], self.Y_test[:rows], data.y_test[:rows]))

    def _record_epoch(self) -> None:
        with np.errstate(all="ignore"):
            train, test = self._recorded = self._evaluate_sets()
        self.history.record(self.epoch, train[0], test[0], train[1], test[1],
                            self.model.optimizer.current_learning_rate)
        if self.history.wants_snapshot(self.epoch):
            self.history.add_snapshot(self._make_snapshot(train, test))

    def snapshot(self) -> Snapshot:
        """The current state: the history's latest snapshot when it is of this very point of the run,
        else a fresh one, made once per point (a frame asks for it more than once)."""
        if self._cursor == 0 and self.history.snapshots and self.history.snapshots[-1].epoch == self.epoch:
            return self.history.snapshots[-1]
        point = (self.epoch, self._cursor, self.config)
        if self._fresh is None or self._fresh[0] != point:
            self._fresh = (point, self._make_snapshot())
        return self._fresh[1]

    @property
    def can_train(self) -> bool:
        """False once the run has diverged or stopped early."""
        return self.status == "ready"

    @property
    def epoch_progress(self) -> float:
        """The share of the current epoch's batches already trained, in [0, 1)."""
        return self._cursor / max(1, self.Y_train.shape[0])

    def _make_snapshot(self, train=None, test=None) -> Snapshot:
        with np.errstate(all="ignore"):
            if train is None:  # mid-epoch: see SNAPSHOT_EVALUATION_MACS
                train, test = self._evaluate_sets() if self._evaluation_affordable else self._recorded
            grid, grid_class = self._grid_levels()
            tiles = self._neuron_tiles()
            rows = self._stats_rows  # the training set is in random order: its first rows are a fair sample
            layers = diagnostics.layer_stats(self.model, self.hidden, self.data.F_train[:rows], self.Y_train[:rows])
            output_norm = float(np.linalg.norm(self.model.layers[-1].grads["kernel"]))
        self._update_dead_since(layers)
        findings = diagnostics.layer_findings(layers, output_norm, self.dead_since)
        weights = None
        if self.model.count_params() <= WEIGHTS_IN_SNAPSHOTS:
            weights = self.model.flat_params.astype(np.float32)
        sampled = self.evaluation_sampled  # classes of only some points: the boundary reads the rest from the grid
        return Snapshot(self.epoch, train.loss, test.loss, train.metric, test.metric, grid, grid_class, tiles,
                        weights, layers, output_norm, findings, None if sampled else train.classes,
                        None if sampled else test.classes)

    def _grid_levels(self) -> tuple[np.ndarray, np.ndarray | None]:
        size = self.grid_size
        output = self.model.predict(self._grid_features)
        if self.config.data.task == "regression":
            return to_levels(output[:, 0], -1.0, 1.0).reshape(size, size), None
        if output.shape[1] == 1:
            return to_levels(output[:, 0], 0.0, 1.0).reshape(size, size), None
        winner = output.argmax(axis=1)
        confidence = output[np.arange(output.shape[0]), winner]
        return (to_levels(confidence, 0.0, 1.0).reshape(size, size),
                winner.astype(np.uint8).reshape(size, size))

    def _neuron_tiles(self) -> np.ndarray:
        t = self.tile_size
        self.model.forward(self._tile_features, training=False)
        outputs = [layer.output.outputs for layer in self.hidden]
        if not outputs:
            return np.zeros((0, t, t), dtype=np.uint8)
        stacked = np.concatenate(outputs, axis=1).T  # (neurons, t * t)
        return to_levels(stacked, -1.0, 1.0).reshape(-1, t, t)

    def _update_dead_since(self, layers: list[diagnostics.LayerStats]) -> None:
        for since, stats in zip(self.dead_since, layers, strict=True):
            dead = stats.dead
            since[dead & (since < 0)] = self.epoch
            since[~dead] = -1

    # -- summaries ------------------------------------------------------------------------------
    def findings(self) -> list[diagnostics.Finding]:
        """Current plain-language findings: layer health, overfitting and initialisation."""
        found = list(self.snapshot().findings)
        history = self.history
        overfit = diagnostics.overfitting_finding(np.asarray(history.train_loss), np.asarray(history.test_loss),
                                                  np.asarray(history.epochs))
        if overfit:
            found.append(overfit)
        return found + diagnostics.signal_findings(self.signal_gains)

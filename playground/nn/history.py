"""What `fit` returns and what it calls back, as in Keras."""

from __future__ import annotations


class History:
    """Per-epoch logs: `history["loss"]` is the list of epoch losses, `epoch` the epoch indices."""

    def __init__(self):
        self.epoch: list[int] = []
        self.history: dict[str, list[float]] = {}

    def record(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)


class Callback:
    """Hooks called by `fit`; set `self.model.stop_training = True` to end training early."""

    model = None

    def set_model(self, model) -> None:
        self.model = model

    def on_train_begin(self) -> None:
        pass

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        pass

    def on_train_end(self) -> None:
        pass


class EarlyStopping(Callback):
    """Stop when `monitor` has not improved by more than `min_delta` for `patience` epochs."""

    def __init__(self, monitor: str = "val_loss", patience: int = 0, min_delta: float = 0.0):
        self.monitor, self.patience, self.min_delta = monitor, int(patience), float(min_delta)

    def on_train_begin(self):
        self.best, self.best_epoch, self.wait = float("inf"), -1, 0

    def on_epoch_end(self, epoch, logs):
        value = logs[self.monitor]
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = value, epoch, 0
        else:
            self.wait += 1
            if self.wait > self.patience:
                self.model.stop_training = True

"""The neural correlational model: a torch MLP of the outcome on observed features."""

from __future__ import annotations

import numpy as np

from ..exceptions import InvalidValueError
from .base import as_int_seed
from .correlational import Correlational
from .training import check_hidden, early_stopping, seeded_mlp, split, torch_device


class MLP(Correlational):
    """A multilayer perceptron of the outcome on features (torch, float32).

    Assumptions: none causal. Trained on mean squared error (continuous outcome) or binary
    cross-entropy (binary outcome, predicting P(Y=1 | features)) with Adam, on inputs and
    outputs standardised from the training rows, with early stopping on a validation split
    (the weights of the best validation epoch are kept). Tensors are batched directly
    (a DataLoader costs about 2.5x on small tabular data).

    Parameters
    ----------
    features : list of str or None
        See :class:`~causalab.learners.correlational.Correlational`.
    hidden : tuple of int
        Widths of the hidden layers (ReLU).
    max_epochs, batch_size, learning_rate, weight_decay : training hyperparameters.
    patience : int
        Epochs without a better validation loss before the learning rate is cut tenfold
        (from the best weights so far), or, after ``lr_cuts`` cuts, before stopping.
    lr_cuts : int
        How many times the learning rate is cut on a plateau.
    validation_fraction : float
        Share of the training rows held out for early stopping.
    seed : int or numpy Generator
        Seeds the initial weights, the validation split and the batch order; no global RNG
        state is read or written.
    device : str
        torch device (``"cpu"`` by default).
    progress : bool
        Show a progress bar over epochs (tqdm), for long training.
    """

    def __init__(self, features=None, hidden=(64, 64), max_epochs: int = 200, batch_size: int = 512,
                 learning_rate: float = 3e-3, weight_decay: float = 0.0, patience: int = 8, lr_cuts: int = 2,
                 validation_fraction: float = 0.2, seed=0, device: str = "cpu", progress: bool = False):
        self.features = features
        self.hidden = hidden
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.patience = patience
        self.lr_cuts = lr_cuts
        self.validation_fraction = validation_fraction
        self.seed = seed
        self.device = device
        self.progress = progress

    def _check_params(self):
        hidden = check_hidden(self.hidden, self)  # an int where a tuple is expected: a typed error, not a TypeError
        if isinstance(self.lr_cuts, bool) or not isinstance(self.lr_cuts, (int, np.integer)) or self.lr_cuts < 0:
            raise InvalidValueError(f"lr_cuts must be an int >= 0, got {self.lr_cuts!r}")
        for name in ("max_epochs", "batch_size", "patience"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise InvalidValueError(f"{name} must be a positive int, got {v!r}")
        for name in ("learning_rate", "weight_decay"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) or v < 0:
                raise InvalidValueError(f"{name} must be a finite number >= 0, got {v!r}")
        if not 0 < self.validation_fraction < 1:
            raise InvalidValueError(f"validation_fraction must be in (0, 1), got {self.validation_fraction!r}")
        return hidden

    def _fit_xy(self, x, y):
        import torch

        hidden = self._check_params()
        device = torch_device(self.device, self)
        rng = np.random.default_rng(as_int_seed(self.seed))
        gen = torch.Generator().manual_seed(int(rng.integers(2**62)))

        self.x_mean_, self.x_scale_ = x.mean(axis=0), x.std(axis=0)
        self.x_scale_[self.x_scale_ == 0] = 1.0
        if self._binary_outcome:
            self.y_mean_, self.y_scale_ = 0.0, 1.0
        else:
            self.y_mean_, self.y_scale_ = float(y.mean()), float(y.std()) or 1.0
        xt = torch.as_tensor((x - self.x_mean_) / self.x_scale_, dtype=torch.float32, device=device)
        yt = torch.as_tensor((y - self.y_mean_) / self.y_scale_, dtype=torch.float32, device=device)

        train, val = split(len(xt), self.validation_fraction, rng)
        net = _build(x.shape[1], hidden, gen).to(device)
        loss_fn = torch.nn.BCEWithLogitsLoss() if self._binary_outcome else torch.nn.MSELoss()
        # learning-rate cuts on plateaus: SGD noise otherwise leaves effect estimates a few
        # hundredths off at any n
        net, epochs, best = early_stopping(net, lambda rows: loss_fn(net(xt[rows]).squeeze(-1), yt[rows]), train, val,
                                           self, gen, device, progress="MLP epochs" if self.progress else None)
        self.net_, self.n_epochs_, self.validation_loss_ = net, epochs, best
        self.device_ = device

    def _predict_x(self, x):
        import torch

        xt = torch.as_tensor((x - self.x_mean_) / self.x_scale_, dtype=torch.float32, device=self.device_)
        with torch.no_grad():
            out = self.net_(xt).squeeze(-1)
            if self._binary_outcome:
                out = torch.sigmoid(out)
        return out.double().cpu().numpy() * self.y_scale_ + self.y_mean_


def _build(n_in: int, hidden: tuple[int, ...], gen):
    """An MLP of one output whose initial weights come from ``gen`` (PyTorch's default init, seeded)."""
    return seeded_mlp(n_in, (*hidden, 1), gen)

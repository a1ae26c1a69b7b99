"""Shared torch training pieces: parameter checks, seeded layers, and the grouped network
that trains one small MLP per variable as a single batched model (NeuralSCM)."""

from __future__ import annotations

import numpy as np
import torch

from ..exceptions import InvalidValueError


def check_hidden(hidden, owner=None, name: str = "hidden") -> tuple[int, ...]:
    """Layer widths as a tuple of ints; an int (``hidden=64``) or anything else is refused with
    a typed error naming the learner and the parameter."""
    try:
        widths = tuple(hidden)
    except TypeError:
        widths = None
    if not widths or not all(isinstance(h, (int, np.integer)) and not isinstance(h, bool) and h > 0 for h in widths):
        who = f"{type(owner).__name__}: " if owner is not None else ""
        hint = f" (write {name}=({hidden},) for one layer)" if isinstance(hidden, (int, np.integer)) and \
            not isinstance(hidden, bool) and hidden > 0 else ""
        raise InvalidValueError(f"{who}{name} must be a non-empty tuple of positive layer widths, got {hidden!r}{hint}")
    return tuple(int(h) for h in widths)


def check_positive_int(owner, name: str, minimum: int = 1) -> int:
    v = getattr(owner, name)
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum:
        raise InvalidValueError(f"{type(owner).__name__}: {name} must be an int >= {minimum}, got {v!r}")
    return int(v)


def check_rate(owner, name: str, low: float = 0.0, high: float = float("inf"), open_low: bool = False) -> float:
    v = getattr(owner, name)
    ok = not isinstance(v, bool) and isinstance(v, (int, float, np.integer, np.floating)) and np.isfinite(v)
    ok = ok and (v > low if open_low else v >= low) and v < high
    if not ok:
        span = f"({low}, {high})" if open_low else f"[{low}, {high})"
        raise InvalidValueError(f"{type(owner).__name__}: {name} must be a finite number in {span}, got {v!r}")
    return float(v)


def check_training(owner) -> None:
    """The hyperparameters every torch learner here shares."""
    for name in ("max_epochs", "batch_size", "patience"):
        check_positive_int(owner, name)
    check_positive_int(owner, "lr_cuts", 0)
    check_rate(owner, "learning_rate", 0.0, open_low=True)
    check_rate(owner, "weight_decay", 0.0)
    check_rate(owner, "validation_fraction", 0.0, 1.0, open_low=True)


def torch_device(name, owner=None):
    """The torch device ``name``, refused with a typed error when it is unknown or this machine
    lacks it (``"cuda"`` without CUDA, ``"cuda:3"`` on a one-GPU machine, ``"mps"`` off a Mac)."""
    try:
        device = torch.device(name)
    except (RuntimeError, TypeError) as exc:
        raise InvalidValueError(f"{type(owner).__name__ + ': ' if owner is not None else ''}unknown torch device "
                                f"{name!r}") from exc
    if device.type != "cpu":
        try:
            torch.empty(1, device=device)
        except (RuntimeError, AssertionError) as exc:  # torch's 'not compiled with CUDA' is an AssertionError
            raise InvalidValueError(f"{type(owner).__name__ + ': ' if owner is not None else ''}torch device {name!r} "
                                    "is not available on this machine "
                                    f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
                                    "use device='cpu'") from exc
    return device


def split(n: int, fraction: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """Train and validation row indices (the validation share at least one row)."""
    perm = rng.permutation(n)
    n_val = max(1, int(round(fraction * n)))
    if n - n_val < 1:
        raise InvalidValueError(f"need more rows than the validation split takes; got {n}")
    return perm[n_val:], perm[:n_val]


def uniform_(tensor: torch.Tensor, fan_in: int, gen: torch.Generator) -> torch.Tensor:
    """PyTorch's default Linear initialisation, drawn from ``gen`` (no global RNG)."""
    bound = 1.0 / max(fan_in, 1) ** 0.5
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=gen)


def seeded_mlp(n_in: int, widths, gen: torch.Generator, activation=torch.nn.ReLU, last_activation: bool = False):
    """Linear layers of ``widths`` (``activation`` between them, and after the last when
    ``last_activation``), initialised as PyTorch does but from ``gen``: no global RNG."""
    layers, width = [], n_in
    for i, w in enumerate(widths):
        lin = torch.nn.utils.skip_init(torch.nn.Linear, width, w)
        uniform_(lin.weight, width, gen)
        uniform_(lin.bias, width, gen)
        layers.append(lin)
        if i < len(widths) - 1 or last_activation:
            layers.append(activation())
        width = w
    return torch.nn.Sequential(*layers)


def early_stopping(net, loss, train_rows, val_rows, owner, gen, device, progress: str | None = None):
    """Adam with early stopping on the validation loss and learning-rate cuts on plateaus
    (``owner`` holds the hyperparameters; ``progress``: a tqdm bar over epochs with that label);
    returns the network at its best validation epoch, the epochs run and that loss."""
    import copy

    from tqdm.std import trange

    train_rows = torch.as_tensor(train_rows, device=device)
    val_rows = torch.as_tensor(val_rows, device=device)
    opt = torch.optim.Adam(net.parameters(), lr=float(owner.learning_rate), weight_decay=float(owner.weight_decay))
    best, best_state, waited, cuts, epochs = float("inf"), copy.deepcopy(net.state_dict()), 0, 0, 0
    bs = int(owner.batch_size)
    for epoch in trange(int(owner.max_epochs), desc=progress, disable=progress is None, leave=False):
        net.train()
        order = train_rows[torch.randperm(len(train_rows), generator=gen).to(device)]
        for start in range(0, len(order), bs):
            opt.zero_grad(set_to_none=True)
            loss(order[start:start + bs]).backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            val = float(loss(val_rows))
        epochs = epoch + 1
        if val < best - 1e-6 * max(abs(val), 1.0):
            best, best_state, waited = val, copy.deepcopy(net.state_dict()), 0
            continue
        waited += 1
        if waited >= int(owner.patience):
            if cuts == int(owner.lr_cuts):
                break
            cuts, waited = cuts + 1, 0
            net.load_state_dict(best_state)
            for group in opt.param_groups:
                group["lr"] *= 0.1
    net.load_state_dict(best_state)
    net.eval()
    return net, epochs, best


class GroupedMLP(torch.nn.Module):
    """``d`` independent MLPs evaluated as one: layer weights of shape ``(d, in, out)``.

    Variable ``j`` reads the input columns ``index[j]`` (padded with a constant-zero
    column), so its network sees only its parents; activations have shape ``(d, batch, width)``.
    """

    def __init__(self, index: torch.Tensor, fan_in: list[int], hidden: tuple[int, ...], n_out: int,
                 gen: torch.Generator):
        super().__init__()
        self.register_buffer("index", index)
        d, k = index.shape
        widths = (k, *hidden, n_out)
        self.weights, self.biases = torch.nn.ParameterList(), torch.nn.ParameterList()
        for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
            w, bias = torch.empty(d, a, b), torch.empty(d, 1, b)
            for j in range(d):
                fan = fan_in[j] if i == 0 else a
                uniform_(w[j], fan, gen)
                uniform_(bias[j], fan, gen)
            self.weights.append(torch.nn.Parameter(w))
            self.biases.append(torch.nn.Parameter(bias))

    def gather(self, x: torch.Tensor) -> torch.Tensor:
        """Each variable's input columns: ``(d, rows, k)`` from ``(rows, columns)``."""
        return x[:, self.index].permute(1, 0, 2).contiguous()

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        """``h`` from :meth:`gather`; returns ``(d, rows, n_out)``."""
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = torch.baddbmm(b, h, w)
            if i < last:
                h = torch.relu(h)
        return h

    def layers_of(self, j: int, k: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """Variable ``j``'s layers as plain tensors (its first ``k`` input rows are real)."""
        out = []
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            wj = w[j, :k] if i == 0 else w[j]
            out.append((wj.detach().cpu().clone(), b[j, 0].detach().cpu().clone()))
        return out


def train(enc, fitted, parents, data, hidden, head, rng, owner):
    """Fit one network per variable in ``fitted`` on its parents; returns the network with each
    variable's best-validation weights, the epochs run and the summed best validation loss."""
    check_training(owner)
    device = torch_device(owner.device, owner)
    gen = torch.Generator().manual_seed(int(rng.integers(2**62)))
    d = len(fitted)
    cols = [[c for p in parents[v] for c in enc.columns[p]] for v in fitted]
    k = max(len(c) for c in cols)
    index = torch.full((d, k), enc.width, dtype=torch.long)
    for j, c in enumerate(cols):
        index[j, : len(c)] = torch.as_tensor(c, dtype=torch.long)
    n_out = {"continuous": 2 if head == "location-scale" else 1, "binary": 1}
    outs = [n_out.get(enc.kind[v], enc.levels.get(v, 1)) for v in fitted]
    net = GroupedMLP(index, [len(c) for c in cols], hidden, max(outs), gen).to(device)

    x = net.gather(enc.matrix(data, enc.columns).to(device))  # (d, n, k), gathered once
    y = torch.stack([_target(enc, v, data) for v in fitted]).to(device)  # (d, n)
    kinds = [enc.kind[v] for v in fitted]
    cont = torch.tensor([k_ == "continuous" for k_ in kinds], device=device)
    binary = torch.tensor([k_ == "binary" for k_ in kinds], device=device)
    cat = torch.tensor([k_ == "categorical" for k_ in kinds], device=device)
    # logits past a categorical variable's levels are masked out
    mask = torch.zeros(d, 1, max(outs), device=device)
    for j, o in enumerate(outs):
        mask[j, 0, o:] = float("-inf")

    all_additive = bool(cont.all()) and head == "additive"

    def losses(rows) -> torch.Tensor:
        out, t = net(x[:, rows]), y[:, rows]
        if all_additive:  # the common case, without masked copies
            return ((t - out[:, :, 0]) ** 2).mean(1)
        loss = torch.zeros(d, device=device)
        if cont.any():
            mu, tc = out[cont, :, 0], t[cont]
            if head == "location-scale":
                s = torch.nn.functional.softplus(out[cont, :, 1]) + 1e-3
                loss[cont] = (0.5 * ((tc - mu) / s) ** 2 + torch.log(s)).mean(1)
            else:
                loss[cont] = ((tc - mu) ** 2).mean(1)
        if binary.any():
            loss[binary] = torch.nn.functional.binary_cross_entropy_with_logits(
                out[binary, :, 0], t[binary], reduction="none").mean(1)
        if cat.any():
            logp = torch.log_softmax(out[cat] + mask[cat], dim=-1)
            loss[cat] = -logp.gather(-1, t[cat].long().unsqueeze(-1)).squeeze(-1).mean(1)
        return loss

    train_rows, val_rows = split(len(data), float(owner.validation_fraction), rng)
    train_rows = torch.as_tensor(train_rows, device=device)
    val_rows = torch.as_tensor(val_rows, device=device)
    opt = torch.optim.Adam(net.parameters(), lr=float(owner.learning_rate), weight_decay=float(owner.weight_decay),
                           foreach=True)
    best = torch.full((d,), float("inf"), device=device)
    best_state = [p.detach().clone() for p in net.parameters()]
    waited = torch.zeros(d, dtype=torch.long, device=device)
    # at least 8 steps an epoch: with few rows a large batch would make ``patience`` epochs
    # only a handful of steps, and early stopping would end an underfitted model
    bs, cuts, epochs = min(int(owner.batch_size), max(32, len(train_rows) // 8)), 0, 0
    for epoch in range(int(owner.max_epochs)):
        net.train()
        order = train_rows[torch.randperm(len(train_rows), generator=gen).to(device)]
        for start in range(0, len(order), bs):
            opt.zero_grad(set_to_none=True)
            losses(order[start:start + bs]).sum().backward()
            opt.step()
        epochs = epoch + 1
        with torch.no_grad():
            val = losses(val_rows)
            better = val < best - 1e-6 * val.abs().clamp(min=1)
            best = torch.where(better, val, best)
            waited = torch.where(better, torch.zeros_like(waited), waited + 1)
            for p, keep in zip(net.parameters(), best_state):
                keep[better] = p.detach()[better]
        if bool((waited >= int(owner.patience)).all()):
            if cuts == int(owner.lr_cuts):
                break
            # every variable has plateaued: back to the best weights, smaller steps
            cuts, waited = cuts + 1, torch.zeros_like(waited)
            with torch.no_grad():
                for p, keep in zip(net.parameters(), best_state):
                    p.copy_(keep)
            for group in opt.param_groups:
                group["lr"] *= 0.1
    with torch.no_grad():
        for p, keep in zip(net.parameters(), best_state):
            p.copy_(keep)
    net.eval()
    return net.cpu(), epochs, float(best.sum())


def _target(enc, v, data) -> torch.Tensor:
    values = torch.as_tensor(data[v].to_numpy(dtype=np.float64).copy())
    if enc.kind[v] == "continuous":
        values = (values - enc.mean[v]) / enc.scale[v]
    return values.to(torch.float32)

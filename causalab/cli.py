"""The causalab command line.

``causalab run`` (the main job: the default suite, a leaderboard, results and a report; with
``--data file.csv --graph dag.dot --treatment T --outcome Y``, your own table),
``causalab report DIR``, ``causalab learners``, ``causalab list``, ``causalab show ID``.
Listing imports no heavy dependency; the other commands build environments and learners.
Every error prints one line (no traceback) and exits with code 2; a causalab error says what
was wrong, anything else is named by its type.
"""

from __future__ import annotations

import argparse
import sys

from .exceptions import CausalabError


def _list(args) -> int:
    from .envs.registry import list_environments

    table = list_environments()
    width = max(map(len, table["id"]))
    for row in table.itertuples():
        print(f"{row.id:<{width}}  {row.story}")
        if args.tags:
            print(f"{'':<{width}}  tags: {row.tags}")
    return 0


def _show(args) -> int:
    from .envs.registry import make

    knobs = {}
    for item in args.knob or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise CausalabError(f"knobs are written name=value, got {item!r}")
        knobs[key] = _parse(value)
    env = make(args.id, **knobs)
    if args.image:
        from pathlib import Path

        folder = Path(args.image).resolve().parent
        if not folder.is_dir():
            raise CausalabError(f"--image: the folder {str(folder)!r} does not exist")
    print(env.describe())
    if args.image:  # only when asked: show never writes into the current folder by itself
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        ax = env.draw()  # a real-data environment draws its task's graph
        ax.figure.savefig(args.image, dpi=100, bbox_inches="tight")
        plt.close(ax.figure)
        print(f"\nDAG written to {args.image}")
    return 0


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _ints(value: str, what: str) -> list[int]:
    try:
        out = [int(v) for v in _csv(value)]
    except ValueError:
        raise CausalabError(f"--{what} takes comma-separated integers, got {value!r}") from None
    if not out or min(out) < 1:
        raise CausalabError(f"--{what} takes positive integers, got {value!r}")
    return out


def _knob_grid(items) -> dict | None:
    """``--knob strength=0,0.5,1`` (repeatable) as ``{"strength": [0, 0.5, 1]}``: the values
    are Python literals separated by commas (``errors=(0.1,0.2),(0.3,0.4)`` sweeps two
    tuples); words that are no literal stay strings (``mechanism=linear,mlp``)."""
    import ast

    if not items:
        return None
    grid = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise CausalabError(f"--knob is written name=value1,value2,..., got {item!r}")
        try:
            values = list(ast.literal_eval(f"[{value}]"))
        except (ValueError, SyntaxError):
            values = [_parse(v) for v in _csv(value)]
        grid[key.strip()] = values
    return grid


def _import_object(spec: str, what: str):
    """``module:Name`` (or ``path/to/file.py:Name``): import the module, the current folder
    first on the path as ``python -m`` would, and return its attribute ``Name``; ``None``
    when the module has no such attribute (the caller may read ``Name`` as an id)."""
    import importlib
    import os
    from pathlib import Path

    module_name, _, attr = spec.rpartition(":")
    if not module_name or not attr:
        raise CausalabError(f"--{what} takes names or module:Name, got {spec!r}")
    if module_name.endswith(".py"):
        path = Path(module_name).resolve()
        if not path.is_file():
            raise CausalabError(f"--{what} {spec!r}: no file {str(path)!r}")
        folder, module_name = str(path.parent), path.stem
    else:
        folder = os.getcwd()
    if folder not in sys.path:
        sys.path.insert(0, folder)  # parallel workers get the same path (joblib's loky passes sys.path on)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise CausalabError(f"--{what} {spec!r}: cannot import {module_name!r} ({exc}); run causalab in the folder "
                            f"that holds {module_name}.py, or install the module") from exc
    return getattr(module, attr, None)


def _user_environment(spec: str):
    """``module:MyEnv``: an Environment subclass (built with its default knobs), an
    Environment, a function returning one, or an id that importing the module registered."""
    from .envs.base import Environment
    from .envs.registry import make

    obj = _import_object(spec, "envs")
    name = spec.rpartition(":")[2]
    if obj is None:
        return make(name)  # the module registered it (cl.register), or a clear "no environment" error
    env = obj() if callable(obj) and not isinstance(obj, Environment) else obj  # a class or a factory
    if not isinstance(env, Environment):
        raise CausalabError(f"--envs {spec!r} is {obj!r}; give an Environment subclass, an Environment, a function "
                            "returning one, or an id the module registers")
    return env


def _make(env_id: str):
    from .envs.registry import make
    from .exceptions import UnknownEnvironmentError

    try:
        return make(env_id)
    except UnknownEnvironmentError as exc:
        raise UnknownEnvironmentError(f"{exc} For an environment of your own, write --envs module:Class (or "
                                      "module:Id-v0 for one that importing the module registers).") from exc


def _user_learner(spec: str):
    """``module:MyLearner``: a learner class (built with its defaults) or a learner."""
    obj = _import_object(spec, "learners")
    if obj is None:
        module, _, name = spec.rpartition(":")
        raise CausalabError(f"--learners {spec!r}: the module {module!r} has no attribute {name!r}")
    learner = obj() if isinstance(obj, type) else obj
    if not all(callable(getattr(learner, m, None)) for m in ("fit", "predict", "get_params")):
        raise CausalabError(f"--learners {spec!r} is {obj!r}, not a learner (fit, predict, get_params: subclass "
                            "causalab.learners.Learner)")
    return learner


def _data_environment(args):
    """``--data FILE --graph GRAPH --treatment T --outcome Y``: a DataEnvironment, or None."""
    given = {k: getattr(args, k) for k in ("data", "graph", "treatment", "outcome")}
    if not any(given.values()):
        if args.covariates or args.truth_ate is not None or args.hidden:
            raise CausalabError("--covariates, --hidden and --truth-ate go with --data")
        return None
    missing = [f"--{k}" for k, v in given.items() if not v]
    if missing:
        raise CausalabError(f"--data needs --graph, --treatment and --outcome; missing {', '.join(missing)}")
    from pathlib import Path

    from .envs.data import DataEnvironment, read_table

    truth = None if args.truth_ate is None else {"ate": args.truth_ate}
    return DataEnvironment(read_table(args.data), args.graph, args.treatment, args.outcome,
                           covariates=_csv(args.covariates) if args.covariates else None,
                           hidden=_csv(args.hidden) if args.hidden else (), truth=truth, name=Path(args.data).stem)


def _run(args) -> int:
    import time
    from pathlib import Path

    import numpy as np

    from .reporting import report
    from .runner import run
    from .runner.suite import DEFAULT_ENVIRONMENTS, DEFAULT_LEARNERS, PEER_LEARNERS, learners_by_name

    data_env = _data_environment(args)
    env_ids = _csv(args.envs) if args.envs else ([] if data_env else list(DEFAULT_ENVIRONMENTS))
    names = _csv(args.learners) if args.learners else list(DEFAULT_LEARNERS)
    peer = tuple(f"{library}:" for library in PEER_LEARNERS)  # econml:Name, causalml:Name
    learners = [_user_learner(n) if ":" in n and not n.startswith(peer) else learners_by_name([n])[0] for n in names]
    envs = [_user_environment(e) if ":" in e else _make(e) for e in env_ids] + ([data_env] if data_env else [])
    knobs = _knob_grid(args.knob)
    seeds = range(_ints(str(args.seeds or (1 if data_env else 3)), "seeds")[0])
    # your own table: trained on as many rows as it has (drawn with replacement, as real data is)
    sizes = _ints(args.n_train or (str(len(data_env.data())) if data_env else "2000"), "n-train")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CausalabError(f"--out {str(out)!r} is a file; give a folder")
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    results = run(envs, learners, seeds=seeds, n_train=sizes, n_jobs=args.jobs, backend=args.backend,
                  store=out / "results.sqlite", errors="record", progress=not args.quiet, knobs=knobs,
                  graph=args.graph_variant, refuters=_csv(args.refuters) if args.refuters else None,
                  refuter_simulations=args.refuter_simulations, n_bootstrap=args.bootstrap)
    results.to_csv(out / "results.csv", index=False)
    from .evaluation import verdicts
    from .reporting import leaderboard

    html_path, md_path = out / "report.html", out / "report.md"
    if results.attrs.get("computed_cells", 1) or not (html_path.exists() and md_path.exists()):
        drawn = envs if args.figures is None else envs[: max(args.figures, 0)]
        rep = report(results, envs=drawn, learners=learners, title="causalab run")
        rep.save(html_path)
        rep.save(md_path)
    else:
        print("Every cell came from the store; the report is up to date.")
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_colwidth", None):  # learner names in full
        board = leaderboard(results)
        board = board.drop(columns="knobs") if board["knobs"].eq("").all() else board  # a sweep's column only
        print(board.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        from .reporting.report import agreement, estimates_table

        estimates = estimates_table(results)
        if len(estimates):  # a table without ground truth: the estimates side by side, unscored
            print("\nNo ground truth (estimates, not scores):")
            print(estimates.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
            for line in agreement(estimates):
                print(f"  {line}")
    v = verdicts(results)
    mismatches = v[v["verdict"] == "MISMATCH"]
    n_settings = 1 if knobs is None else int(np.prod([len(v) for v in knobs.values()]))
    sweep = f" x {n_settings} knob settings" if knobs else ""
    print(f"\n{len(envs)} environments{sweep} x {len(learners)} learners x {len(seeds)} seeds x {len(sizes)} sizes "
          f"in {time.perf_counter() - start:.1f} s; {len(mismatches)} mismatch(es) with the environments' "
          "expectations.")
    for row in mismatches.itertuples():
        where = f"{row.environment} ({row.knobs})" if row.knobs else row.environment
        print(f"  MISMATCH {where} / {row.learner}: expected to {row.expected[:-1]}, but it {row.observed}")
    if args.refuters:
        from .evaluation import refuter_scorecard

        card = refuter_scorecard(results)
        print("\nRefuters scored against the truth (sensitivity: share of truly wrong estimates flagged; "
              "false_alarms: share of truly right ones flagged):")
        print(card.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    print(f"Wrote {out / 'results.csv'}, {out / 'results.sqlite'}, {out / 'report.html'}, {out / 'report.md'}")
    return 0


def _report(args) -> int:
    from pathlib import Path

    from .reporting import report
    from .runner import load

    folder = Path(args.dir)
    results = load(folder / "results.sqlite")
    if not len(results):
        raise CausalabError(f"the result store in {str(folder)!r} holds no cells")
    version = results.attrs["version"]
    path = report(results, title=f"causalab report: {folder}").save(folder / "report.html")
    left_out = results.attrs["left_out_cells"]
    if left_out:
        others = {v: n for v, n in results.attrs["versions"].items() if v != version}
        print(f"Reported the cells of causalab {version or '(unrecorded version)'}; left out {left_out} cell(s): "
              f"older copies of the same cells, or other versions {others}")
    print(f"Wrote {path}")
    return 0


def _learners(args) -> int:
    """The named learners with their tags, and the peers' estimators (``econml:Name``)."""
    from .runner.suite import DEFAULT_LEARNERS, named_learners

    for name, learner in named_learners().items():
        tags = learner.tags
        default = "*" if name in DEFAULT_LEARNERS else " "
        print(f"{default} {name:10s} {learner!r:40s} family={tags.family:13s} rung1={tags.predict} "
              f"rung2={tags.predict_do} rung3={tags.predict_counterfactual}")
    print("(* in the default run)")
    import importlib.util

    from .runner.suite import PEER_LEARNERS, _install

    for library, table in PEER_LEARNERS.items():  # found without importing the (heavy) library
        state = "installed" if importlib.util.find_spec(library) else f"not installed: {_install(library)}"
        print(f"  {library}:Name for {', '.join(table)} ({state})")
    return 0


def _parse(value: str):
    import ast

    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value


class _Parser(argparse.ArgumentParser):
    """argparse, but a user error is one line (no usage block) and exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def shadowing_folder() -> list[str] | None:
    """The folders Python took for the package ``causalab`` when they shadow the real one,
    else None. A folder named ``causalab`` in the current directory (a clone of the repository,
    say) without an ``__init__.py`` is imported as an empty namespace package, ahead of an
    editable install's import hook; ``causalab.make`` and the rest are then missing."""
    package = sys.modules.get("causalab")
    if package is None or getattr(package, "__file__", None) is not None:
        return None
    return [str(p) for p in getattr(package, "__path__", [])]


def main(argv=None) -> int:
    shadow = shadowing_folder()
    if shadow:
        from pathlib import Path

        print(f"causalab: error: Python imported the folder {', '.join(shadow)} as an empty package 'causalab' in "
              f"place of causalab itself ({Path(__file__).resolve().parent}): a folder named causalab in the current "
              "directory shadows the installed package. Run from another folder (cd into the clone, say) or rename "
              "that folder.", file=sys.stderr)
        return 2
    parser = _Parser(prog="causalab", description="The causalab sandbox.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p_list = sub.add_parser("list", help="the environment catalog")
    p_list.add_argument("--tags", action="store_true", help="show tags too")
    p_list.set_defaults(func=_list)
    p_show = sub.add_parser("show", help="story, equations, DAG image, true effects, expected estimators")
    p_show.add_argument("id")
    p_show.add_argument("--knob", action="append", metavar="NAME=VALUE", help="set a knob (repeatable)")
    p_show.add_argument("--image", help="write the DAG to this PNG file")
    p_show.set_defaults(func=_show)
    p_run = sub.add_parser("run", help="the main job: evaluate learners on environments, write results and a report")
    p_run.add_argument("--envs", help="comma-separated environment ids or module:Class of your own (default: the "
                                      "simulated catalog)")
    p_run.add_argument("--learners", help="comma-separated learner names (see `causalab learners`), "
                                          "econml:Name or causalml:Name (when installed), or module:Class of your own")
    p_run.add_argument("--knob", action="append", metavar="NAME=V1,V2,...",
                       help="sweep a knob over values, every environment at each (repeatable: the grid of all)")
    p_run.add_argument("--seeds", default=None, help="number of seeds (default 3; 1 with --data, where every seed "
                       "trains on the same rows and seeds vary only the learners' own randomness)")
    p_run.add_argument("--n-train", default=None, help="comma-separated training sizes (default 2000; with --data "
                                                       "the table's row count)")
    p_run.add_argument("--data", help="your own table (.csv or .parquet) to evaluate the learners on; with --graph, "
                                      "--treatment and --outcome")
    p_run.add_argument("--graph", help="the causal graph of --data: a .dot/.gv or .gml file, or an edge list such as "
                                       "'Z -> T; Z -> Y; T -> Y' ('A <-> B': a hidden common cause)")
    p_run.add_argument("--treatment", help="the treatment column of --data")
    p_run.add_argument("--outcome", help="the outcome column of --data")
    p_run.add_argument("--covariates", help="comma-separated adjustment set (default: the treatment's ancestors in "
                                            "the graph)")
    p_run.add_argument("--hidden", help="comma-separated graph variables that are not columns of --data")
    p_run.add_argument("--truth-ate", type=float, default=None,
                       help="a known ATE for --data (an experiment's): the estimates are scored against it")
    p_run.add_argument("--jobs", type=int, default=2, help="parallel jobs (default 2; -1: every core)")
    p_run.add_argument("--backend", default="loky", help="joblib backend: loky, threading, sequential, dask")
    p_run.add_argument("--out", default="causalab-results", help="output folder (default causalab-results)")
    p_run.add_argument("--figures", type=int, default=None,
                       help="how many environments (the first N) get per-environment figures (DAG, dose-response, "
                            "counterfactuals; each learner refitted once per environment); default: every one")
    p_run.add_argument("--quiet", action="store_true", help="no progress bar")
    p_run.add_argument("--graph-variant", default="true", dest="graph_variant",
                       help="the graph learners are fitted on: true (default), drop_confounder, reverse_edge, "
                            "add_collider, discovered; always scored against the real truth")
    p_run.add_argument("--refuters", help="comma-separated DoWhy refuters to run on every fitted learner (opt-in, "
                       "slower): placebo_treatment, random_common_cause, data_subset, bootstrap, dummy_outcome, "
                       "add_unobserved_common_cause, sensitivity, graph_falsification")
    p_run.add_argument("--refuter-simulations", type=int, default=20,
                       help="DoWhy's num_simulations per refuter (default 20)")
    p_run.add_argument("--bootstrap", type=int, default=0, metavar="N",
                       help="bootstrap resamples for the effect intervals of learners without an analytic one "
                            "(default 0: analytic intervals only; each resample refits the learner)")
    p_run.set_defaults(func=_run)
    p_report = sub.add_parser("report", help="rebuild report.html from a run's folder")
    p_report.add_argument("dir")
    p_report.set_defaults(func=_report)
    p_learners = sub.add_parser("learners", help="the learners the CLI knows, with their tags")
    p_learners.set_defaults(func=_learners)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CausalabError as exc:
        print(f"causalab: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `causalab list | head`: the reader left; say nothing more
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("causalab: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - anything else still reaches the user as one line, exit 2
        print(f"causalab: error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 2


def _one_line(exc) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())

"""The causalab command line.

``causalab run`` (the main job: the default suite, a leaderboard, results and a report),
``causalab report DIR``, ``causalab learners``, ``causalab list``, ``causalab show ID``.
Listing imports no heavy dependency; the other commands build environments and learners.
Every user error prints one line and exits with code 2.
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

        if env.scm is not None:
            ax = env.draw()
        else:
            ax = _draw_graph(env, plt)
        ax.figure.savefig(args.image, dpi=100, bbox_inches="tight")
        plt.close(ax.figure)
        print(f"\nDAG written to {args.image}")
    return 0


def _draw_graph(env, plt):
    import networkx as nx

    g = env.task.graph  # the declared graph, or the environment's stated adjustment assumption
    _, ax = plt.subplots(figsize=(7, 5))
    nx.draw_networkx(g, nx.spring_layout(g, seed=0), ax=ax, node_color="#dde3ea", node_size=900, font_size=8)
    ax.set_title(f"{env.id} (the task's graph)")
    ax.set_axis_off()
    return ax


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


def _run(args) -> int:
    import time
    from pathlib import Path

    from .envs.registry import make
    from .reporting import report
    from .runner import run
    from .runner.suite import DEFAULT_ENVIRONMENTS, DEFAULT_LEARNERS, learners_by_name

    env_ids = _csv(args.envs) if args.envs else list(DEFAULT_ENVIRONMENTS)
    names = _csv(args.learners) if args.learners else list(DEFAULT_LEARNERS)
    learners = learners_by_name(names)
    envs = [make(e) for e in env_ids]
    seeds = range(_ints(str(args.seeds), "seeds")[0])
    sizes = _ints(args.n_train, "n-train")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CausalabError(f"--out {str(out)!r} is a file; give a folder")
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    results = run(envs, learners, seeds=seeds, n_train=sizes, n_jobs=args.jobs, backend=args.backend,
                  store=out / "results.sqlite", errors="record", progress=not args.quiet)
    results.to_csv(out / "results.csv", index=False)
    from .evaluation import verdicts
    from .reporting import leaderboard

    html_path, md_path = out / "report.html", out / "report.md"
    if results.attrs.get("computed_cells", 1) or not (html_path.exists() and md_path.exists()):
        rep = report(results, envs=envs[: args.figures], learners=learners, title="causalab run")
        rep.save(html_path)
        rep.save(md_path)
    else:
        print("Every cell came from the store; the report is up to date.")
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        print(leaderboard(results).to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    v = verdicts(results)
    mismatches = v[v["verdict"] == "MISMATCH"]
    print(f"\n{len(envs)} environments x {len(learners)} learners x {len(seeds)} seeds x {len(sizes)} sizes in "
          f"{time.perf_counter() - start:.1f} s; {len(mismatches)} mismatch(es) with the environments' expectations.")
    for row in mismatches.itertuples():
        print(f"  MISMATCH {row.environment} / {row.learner}: expected to {row.expected[:-1]}, but it {row.observed}")
    print(f"Wrote {out / 'results.csv'}, {out / 'results.sqlite'}, {out / 'report.html'}, {out / 'report.md'}")
    return 0


def _report(args) -> int:
    from pathlib import Path

    from .reporting import report
    from .runner import load

    folder = Path(args.dir)
    results = load(folder / "results.sqlite")
    path = report(results, title=f"causalab report: {folder}").save(folder / "report.html")
    print(f"Wrote {path}")
    return 0


def _learners(args) -> int:
    from .runner.suite import DEFAULT_LEARNERS, named_learners

    for name, learner in named_learners().items():
        tags = learner.tags
        default = "*" if name in DEFAULT_LEARNERS else " "
        print(f"{default} {name:10s} {learner!r:40s} family={tags.family:13s} rung1={tags.predict} "
              f"rung2={tags.predict_do} rung3={tags.predict_counterfactual}")
    print("(* in the default run)")
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


def main(argv=None) -> int:
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
    p_run.add_argument("--envs", help="comma-separated environment ids (default: the simulated catalog)")
    p_run.add_argument("--learners", help="comma-separated learner names (see `causalab learners`)")
    p_run.add_argument("--seeds", default="3", help="number of seeds (default 3)")
    p_run.add_argument("--n-train", default="2000", help="comma-separated training sizes (default 2000)")
    p_run.add_argument("--jobs", type=int, default=2, help="parallel jobs (default 2; -1: every core)")
    p_run.add_argument("--backend", default="loky", help="joblib backend: loky, threading, sequential, dask")
    p_run.add_argument("--out", default="causalab-results", help="output folder (default causalab-results)")
    p_run.add_argument("--figures", type=int, default=2,
                       help="environments that get per-environment figures (DAG, dose-response, counterfactuals)")
    p_run.add_argument("--quiet", action="store_true", help="no progress bar")
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
        print(f"causalab: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `causalab list | head`: the reader left; say nothing more
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())

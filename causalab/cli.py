"""The causalab command line: ``causalab list``, ``causalab show ID``.

Listing imports no heavy dependency; ``show`` builds the environment.
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
    print(env.describe())
    if env.scm is not None or env.graph.number_of_edges():
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        if env.scm is not None:
            ax = env.scm.draw(roles=env.roles, title=env.id)
        else:
            ax = _draw_graph(env, plt)
        path = args.image or f"{args.id}.png"
        ax.figure.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(ax.figure)
        print(f"\nDAG written to {path}")
    return 0


def _draw_graph(env, plt):
    import networkx as nx

    g = env.graph
    _, ax = plt.subplots(figsize=(7, 5))
    nx.draw_networkx(g, nx.spring_layout(g, seed=0), ax=ax, node_color="#dde3ea", node_size=900, font_size=8)
    ax.set_title(f"{env.id} (declared graph)")
    ax.set_axis_off()
    return ax


def _parse(value: str):
    import ast

    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="causalab", description="The causalab sandbox.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_list = sub.add_parser("list", help="the environment catalog")
    p_list.add_argument("--tags", action="store_true", help="show tags too")
    p_list.set_defaults(func=_list)
    p_show = sub.add_parser("show", help="story, equations, DAG image, true effects, expected estimators")
    p_show.add_argument("id")
    p_show.add_argument("--knob", action="append", metavar="NAME=VALUE", help="set a knob (repeatable)")
    p_show.add_argument("--image", help="where to write the DAG (default: ID.png)")
    p_show.set_defaults(func=_show)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CausalabError as exc:
        print(f"causalab: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

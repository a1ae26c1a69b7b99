"""Mutation testing of the engine and the catalog with cosmic-ray: ``make mutation``.

cosmic-ray writes every possible one-token bug of ``causalab/scm`` and ``environments/``
(about 6,800: an operator swapped, a number changed, a condition negated, a loop
skipped, ...) and runs the engine and catalog tests against each. Running all of them
takes hours on two cores, so this script draws a seeded sample of *sites* (a place in
the code) and, at each, one of the mutations cosmic-ray offers there: a site-level draw
does not let the ten ways to replace one ``+`` count ten times. Mutations inside type
annotations are left out: with ``from __future__ import annotations`` they are never
evaluated, so no test could tell them apart (equivalent mutants).

Usage::

    python tests/mutation.py                 # 120 sites in causalab/scm, 80 in environments/ (~50 min)
    python tests/mutation.py --sites 40 40 --seed 3

cosmic-ray mutates the files in place and restores each one; the script refuses to start
when those folders have uncommitted changes and checks afterwards that nothing is left
changed. It prints the share of mutants the tests kill (the target is nine in ten) and
the diff of each survivor, and exits non-zero when the share is below ``--target``.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AREAS = ("causalab/scm", "environments")
# the tests that exercise the engine and the catalog; together about half a minute
TESTS = [
    "tests/test_truth.py", "tests/test_sampling.py", "tests/test_counterfactuals.py", "tests/test_oracles.py",
    "tests/test_scm_errors.py", "tests/test_bad_input.py", "tests/test_properties.py", "tests/test_graph.py",
    "tests/test_chirho.py", "tests/test_pyro_and_draw.py", "tests/test_environments.py",
    "tests/test_common_environments.py", "tests/test_registry.py", "tests/test_peers.py",
]


def _area(path) -> str:
    return next(a for a in AREAS if Path(path).as_posix().startswith(a))


def annotation_lines(path: Path) -> set[tuple[int, int]]:
    """(line, column) of every character inside a type annotation of ``path``."""
    spans = set()
    for node in ast.walk(ast.parse(path.read_text())):
        annotations = []
        if isinstance(node, ast.arg) and node.annotation is not None:
            annotations.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            annotations.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        for a in annotations:
            if a.lineno == a.end_lineno:
                spans.update((a.lineno, c) for c in range(a.col_offset, a.end_col_offset))
            else:  # multi-line annotations: every column of the lines they span
                spans.update((line, c) for line in range(a.lineno, a.end_lineno + 1) for c in range(500))
    return spans


def draw_sample(db, sites_per_area: dict[str, int], seed: int) -> list[str]:
    """Job ids of one mutation at each of ``sites_per_area`` random sites, the rest to skip."""
    rng = random.Random(seed)
    in_annotation = {}
    sites = defaultdict(list)
    for item in db.work_items:
        (m,) = item.mutations
        path = Path(m.module_path)
        if path not in in_annotation:
            in_annotation[path] = annotation_lines(ROOT / path)
        if tuple(m.start_pos) in in_annotation[path]:
            continue
        sites[_area(path), path.as_posix(), tuple(m.start_pos)].append(item.job_id)
    chosen = []
    for area, n in sites_per_area.items():
        keys = sorted(k for k in sites if k[0] == area)
        for key in rng.sample(keys, min(n, len(keys))):
            chosen.append(rng.choice(sorted(sites[key])))
    return chosen


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", nargs=2, type=int, default=[120, 80], metavar=("SCM", "ENVIRONMENTS"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--target", type=float, default=0.9)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant; a timeout counts as killed")
    args = parser.parse_args(argv)

    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    os.chdir(ROOT)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", *AREAS], capture_output=True, text=True).stdout
    if dirty.strip():
        print(f"refusing to mutate files with uncommitted changes:\n{dirty}", file=sys.stderr)
        return 2
    # a mutant and the restored original can share size and mtime second: stale .pyc would mix them
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    work = Path(tempfile.mkdtemp(prefix="causalab-mutation-"))
    config, session = work / "config.toml", work / "session.sqlite"
    test_command = f"{sys.executable} -m pytest -x -q -p no:cacheprovider {' '.join(TESTS)}"
    config.write_text(
        "[cosmic-ray]\n"
        f"module-path = {list(AREAS)!r}\n".replace("'", '"')
        + f"timeout = {args.timeout}\nexcluded-modules = []\n"
        f'test-command = "{test_command}"\n\n[cosmic-ray.distributor]\nname = "local"\n'
    )
    cosmic_ray = [sys.executable, "-m", "cosmic_ray.cli"]
    subprocess.run([*cosmic_ray, "init", str(config), str(session)], check=True)
    with use_db(str(session), WorkDB.Mode.open) as db:
        chosen = set(draw_sample(db, dict(zip(AREAS, args.sites)), args.seed))
        skip = [item.job_id for item in db.work_items if item.job_id not in chosen]
        db.set_multiple_results(skip, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))
    print(f"{len(chosen)} mutants (seed {args.seed}) from {len(chosen) + len(skip)}; session in {work}", flush=True)
    try:
        subprocess.run([*cosmic_ray, "exec", str(config), str(session)], check=True)
    finally:
        left = subprocess.run(["git", "diff", "--stat", "--", *AREAS], capture_output=True, text=True).stdout
        if left.strip():
            print(f"cosmic-ray left files mutated; restore them with git checkout:\n{left}", file=sys.stderr)
            return 3

    killed, survivors = defaultdict(int), []
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if item.job_id not in chosen:
                continue
            (m,) = item.mutations
            area = _area(m.module_path)
            if result.test_outcome == TestOutcome.KILLED:  # a timeout counts as killed
                killed[area] += 1
            elif result.test_outcome == TestOutcome.SURVIVED:
                survivors.append((area, m, result.diff))
            else:  # the tests could not run at all: not the mutant's verdict
                print(f"not judged: {m.module_path}:{m.start_pos[0]} {result.worker_outcome} {result.output}")
    total = killed_total = 0
    for area in AREAS:
        n_area = killed[area] + sum(1 for s in survivors if s[0] == area)
        total, killed_total = total + n_area, killed_total + killed[area]
        print(f"{area}: {killed[area]}/{n_area} killed")
    for area, m, diff in sorted(survivors, key=lambda s: (str(s[1].module_path), s[1].start_pos)):
        print(f"\nSURVIVED {m.module_path}:{m.start_pos[0]} {m.operator_name}\n{diff}")
    rate = killed_total / max(total, 1)
    print(f"\nkilled {killed_total}/{total} = {rate:.1%} (target {args.target:.0%})")
    return 0 if rate >= args.target else 1


if __name__ == "__main__":
    sys.exit(main())

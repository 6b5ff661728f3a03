#!/usr/bin/env python3
"""The cost of `check --database` (introspect the live schema, compare it with the replay) of this
checkout against another, side by side in alternating rounds of one run.

The example blog is built twice as the debug runner `cargo schema` makes, once against this
checkout's schema-runtime and once against OTHER's, each brought to head on its own database on
PostgreSQL, SQLite and MariaDB; then `check --database` of both runners alternates, round by
round (each must report no drift).

    bench/drift.py --other OTHER_CHECKOUT [--label-other TEXT] [--rounds N] [--output FILE]
"""

import argparse
import importlib.util
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The runner build, databases and alternating rounds of bench/at-head.py (its name is no
# module name).
_spec = importlib.util.spec_from_file_location("at_head", Path(__file__).with_name("at-head.py"))
at_head = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(at_head)
git, ms = at_head.git, at_head.ms


def databases(name):
    """(label, url, create, drop) per server for runner `name`."""
    return at_head.databases(f"drift_{name}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--other", required=True, type=Path, help="another checkout of this repository")
    parser.add_argument("--label-other", default=None)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--output", type=Path, default=REPO / "bench" / "RESULTS-drift.md")
    args = parser.parse_args()
    other = args.other.resolve()
    this_rev, other_rev = git(REPO, "rev-parse", "--short", "HEAD"), git(other, "rev-parse", "--short", "HEAD")
    label_other = args.label_other or f"commit {other_rev}"

    work = Path(tempfile.mkdtemp(prefix="drift-"))
    try:
        print("== building the blog against both runtimes (debug, as `cargo schema` does)", file=sys.stderr)
        runners = {
            name: at_head.build_runner(work, name, checkout, checkout / "examples" / "blog",
                                       "migrate", standalone=True)
            for name, checkout in (("this", REPO), ("other", other))
        }
        rows = at_head.alternate(runners, args.rounds, {"check": ["check", "--database"]},
                                 databases)
        with open(args.output, "w") as out:
            out.write("# `check --database` on the example blog: this checkout against another, one run\n\n")
            out.write(f"Written by `bench/drift.py --other ... --rounds {args.rounds}` on "
                      f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. This checkout: commit {this_rev}; "
                      f"other: {label_other}. The blog's runner, the debug build `cargo schema` makes, at head on "
                      f"its own database, reporting no drift; process start, connecting (TLS where the server "
                      f"offers it), introspection and comparison included. Rounds alternate the two runners. "
                      f"Median (min–max, n).\n\n")
            out.write(f"| database | this ({this_rev}) | other ({label_other}) | this / other |\n")
            out.write("|---|---|---|---|\n")
            for label, t, o in rows:
                ratio = statistics.median(t["check"]) / statistics.median(o["check"])
                out.write(f"| {label} | {ms(t['check'])} | {ms(o['check'])} | {ratio:.2f} |\n")
        print(args.output.read_text())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

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
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The runner, database and timing helpers of bench/at-head.py (its name is no module name).
_spec = importlib.util.spec_from_file_location("at_head", Path(__file__).with_name("at-head.py"))
at_head = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(at_head)
run, git, timed, ms = at_head.run, at_head.git, at_head.timed, at_head.ms


def databases(name):
    """(label, url, create, drop) per server for runner `name`."""
    return at_head.databases(f"drift_{name}")


def build(work, name, checkout):
    """The blog against `checkout`'s runtime and migrations; returns the runner binary."""
    pkg = work / name
    shutil.copytree(checkout / "examples" / "blog", pkg, ignore=shutil.ignore_patterns("target", "*.db"))
    manifest = pkg / "Cargo.toml"
    lines = []
    for line in manifest.read_text().splitlines():
        if line.startswith("schema-runtime = "):
            line = f'schema-runtime = {{ path = "{checkout / "schema-runtime"}" }}'
        lines.append(line)
    manifest.write_text("\n".join(lines) + "\n[workspace]\n")
    target = work / f"target-{name}"
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    run(["cargo", "build", "-q", "--bin", "migrate", "--manifest-path", str(manifest)], env=env)
    return target / "debug" / "migrate"


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
        runners = {"this": build(work, "this", REPO), "other": build(work, "other", other)}
        rows = []
        for server_index in range(3):
            per = {}
            for name, binary in runners.items():
                label, url, create, drop = databases(name)[server_index]
                create()
                run([str(binary), "--database-url", url, "upgrade", "head"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                per[name] = (binary, url, drop, [])
            print(f"== {label}: {args.rounds} alternating rounds", file=sys.stderr)
            for _ in range(args.rounds):
                for name in ("this", "other"):
                    binary, url, _, times = per[name]
                    times.append(timed([str(binary), "--database-url", url, "check", "--database"]))
            for name in ("this", "other"):
                per[name][2]()
            rows.append((label, per["this"][3], per["other"][3]))
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
                ratio = statistics.median(t) / statistics.median(o)
                out.write(f"| {label} | {ms(t)} | {ms(o)} | {ratio:.2f} |\n")
        print(args.output.read_text())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

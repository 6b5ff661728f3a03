#!/usr/bin/env python3
"""At-head cost of this checkout against another, side by side in alternating rounds of one run.

The harness's 1,000-revision chain (bench/work/ours_1000, written by
`bench/run.sh --only startup --sizes 1000`) is built twice as the debug runner `cargo schema`
makes, once against this checkout's schema-runtime and once against OTHER's, each brought to head
on its own database on PostgreSQL, SQLite and MariaDB; then `upgrade head` and `current` of both
runners alternate, round by round.

    bench/at-head.py --other OTHER_CHECKOUT [--label-other TEXT] [--rounds N] [--output FILE]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHAIN = REPO / "bench" / "work" / "ours_1000"
PG = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
MY = os.environ.get("BENCH_MYSQL_URL", "mysql://root@127.0.0.1:3306")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def git(checkout, *args):
    return subprocess.run(
        ["git", "-C", str(checkout), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def build_runner(work, name, checkout, package, binary, standalone=False):
    """`package` (a copy) against `checkout`'s schema-runtime, built as `cargo schema` builds
    its runner (debug); returns the runner binary. `standalone` gives the copy a `[workspace]`
    of its own (for a package that is a member of this repository's workspace)."""
    pkg = work / name
    shutil.copytree(package, pkg, ignore=shutil.ignore_patterns("target", "*.db"))
    manifest = pkg / "Cargo.toml"
    lines = []
    for line in manifest.read_text().splitlines():
        if line.startswith("schema-runtime = "):
            line = f'schema-runtime = {{ path = "{checkout / "schema-runtime"}" }}'
        lines.append(line)
    manifest.write_text("\n".join(lines) + "\n" + ("[workspace]\n" if standalone else ""))
    target = work / f"target-{name}"
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    run(["cargo", "build", "-q", "--bin", binary, "--manifest-path", str(manifest)], env=env)
    return target / "debug" / binary


def alternate(runners, rounds, commands, databases):
    """Per server: each runner brought to head on a database of its own, then `commands`
    (name -> runner arguments) timed for each runner in alternating rounds. Returns
    `(server label, {command: times} of "this", the same of "other")` per server."""
    rows = []
    for server_index in range(3):
        per = {}
        for name, binary in runners.items():
            label, url, create, drop = databases(name)[server_index]
            create()
            run([str(binary), "--database-url", url, "upgrade", "head"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            per[name] = (binary, url, drop, {command: [] for command in commands})
        print(f"== {label}: {rounds} alternating rounds", file=sys.stderr)
        for _ in range(rounds):
            for name in ("this", "other"):
                binary, url, _, times = per[name]
                for command, arguments in commands.items():
                    times[command].append(timed([str(binary), "--database-url", url, *arguments]))
        for name in ("this", "other"):
            per[name][2]()
        rows.append((label, per["this"][3], per["other"][3]))
    return rows


def databases(name):
    """(label, url, create, drop) per server for runner `name`."""
    db = f"bench_athead_{name}"
    sqlite = Path(tempfile.gettempdir()) / f"{db}.db"
    mysql = ["mariadb", "-h", "127.0.0.1", "-P", "3306", "-u", "root", "-e"]
    psql = [str(Path(pg_bindir()) / "psql"), "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]

    def pg_create():
        run(psql + [f"DROP DATABASE IF EXISTS {db}"])
        run(psql + [f"CREATE DATABASE {db}"])

    return [
        ("PostgreSQL", f"{PG}/{db}", pg_create,
         lambda: run(psql + [f"DROP DATABASE IF EXISTS {db}"])),
        ("SQLite", f"sqlite:{sqlite}",
         lambda: sqlite.unlink(missing_ok=True),
         lambda: sqlite.unlink(missing_ok=True)),
        ("MariaDB", f"{MY}/{db}",
         lambda: run(mysql + [f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}"]),
         lambda: run(mysql + [f"DROP DATABASE IF EXISTS {db}"])),
    ]


def pg_bindir():
    return subprocess.run(["pg_config", "--bindir"], check=True, capture_output=True, text=True).stdout.strip()


def timed(cmd):
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def ms(values):
    return f"{statistics.median(values) * 1000:.2f} ms ({min(values) * 1000:.2f}–{max(values) * 1000:.2f}, n={len(values)})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--other", required=True, type=Path, help="another checkout of this repository")
    parser.add_argument("--label-other", default=None)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--output", type=Path, default=REPO / "bench" / "RESULTS-at-head.md")
    args = parser.parse_args()
    if not (CHAIN / "Cargo.toml").exists():
        sys.exit(f"{CHAIN} is missing: run `bench/run.sh --only startup --sizes 1000` first (it writes the chain)")
    other = args.other.resolve()
    this_rev, other_rev = git(REPO, "rev-parse", "--short", "HEAD"), git(other, "rev-parse", "--short", "HEAD")
    label_other = args.label_other or f"commit {other_rev}"

    work = Path(tempfile.mkdtemp(prefix="at-head-"))
    try:
        print("== building the chain against both runtimes (debug, as `cargo schema` does)", file=sys.stderr)
        runners = {
            name: build_runner(work, name, checkout, CHAIN, "migrate_1000")
            for name, checkout in (("this", REPO), ("other", other))
        }
        rows = alternate(runners, args.rounds,
                         {"upgrade": ["upgrade", "head"], "current": ["current"]}, databases)
        with open(args.output, "w") as out:
            out.write("# At head with 1,000 revisions: this checkout against another, one run\n\n")
            out.write(f"Written by `bench/at-head.py --other ... --rounds {args.rounds}` on "
                      f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. This checkout: commit {this_rev}; "
                      f"other: {label_other}. The harness's chain of 1,000 revisions, each runner the debug build "
                      f"`cargo schema` makes (with the profile entries `init` writes), at head on its own database; "
                      f"process start and connecting included. Rounds alternate the two runners. "
                      f"Median (min–max, n).\n\n")
            out.write(f"| database | command | this ({this_rev}) | other ({label_other}) | this / other |\n")
            out.write("| --- | --- | --- | --- | --- |\n")
            for label, t, o in rows:
                for cmd in ("upgrade", "current"):
                    ratio = statistics.median(t[cmd]) / statistics.median(o[cmd])
                    name = "`upgrade head`" if cmd == "upgrade" else "`current`"
                    out.write(f"| {label} | {name} | {ms(t[cmd])} | {ms(o[cmd])} | {ratio:.2f}x |\n")
        print(args.output.read_text())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Fleets: many databases or PostgreSQL schemas brought to head in one run (issue 19).

Targets: SQLite files, PostgreSQL schemas of one database, MariaDB databases, each with the
three revisions of tests/fixtures/tenant (accounts, invoices with a foreign key and an index,
a column added). Two scenarios per database:

- at head: every target already at head, nothing to do (the deploy that changes nothing);
- apply one: every target one revision behind (0002), the third revision applied to all.

Three ways, alternating round by round within this one run:

- ours, fleet: one runner process, `--databases FILE --jobs 4 upgrade` (the fixture's runner,
  built in debug as `cargo schema` builds it);
- ours, shell loop: one runner process per target (`--database-url URL [--schema S] upgrade`);
- Alembic, shell loop: one `alembic upgrade head` per target (`-x url=.. -x schema=..`; its
  env.py sets search_path and version_table_schema for a PostgreSQL schema), the same three
  revisions written with `op.create_table` / `op.create_index` / `op.add_column`.

Then how our fleet's time grows with the number of targets and with --jobs (at head).
Rolling back between "apply one" rounds is untimed (ours: a fleet downgrade; Alembic: SQL).

    bench/fleet.py [--rounds N] [--sqlite N] [--postgres N] [--mariadb N] [--output FILE]

Needs bench/.venv (bench/run.sh creates it), PostgreSQL and MariaDB (BENCH_POSTGRES_URL,
BENCH_MYSQL_URL).
"""

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / "work" / "fleet"
ALEMBIC = REPO / "bench" / ".venv" / "bin" / "alembic"
PG = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
MY = os.environ.get("BENCH_MYSQL_URL", "mysql://root@127.0.0.1:3306/mysql")
PG_SERVER = PG.rsplit("/", 1)[0]
MY_SERVER = MY.rsplit("/", 1)[0]
PSQL = os.environ.get(
    "BENCH_PSQL",
    str(Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()) / "psql"),
)
MARIADB = os.environ.get("BENCH_MARIADB", "mariadb")

ENV_PY = '''# The bench's env.py: `alembic init`'s online mode, the URL and schema from -x.
from alembic import context
from sqlalchemy import create_engine, pool, text

x = context.get_x_argument(as_dictionary=True)
schema = x.get("schema")
engine = create_engine(x["url"], poolclass=pool.NullPool)
with engine.connect() as connection:
    if schema:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        connection.execute(text(f'SET search_path TO "{schema}"'))
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=None,
        version_table_schema=schema,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()
'''

VERSIONS = {
    "0001_accounts.py": '''revision = "0001"
down_revision = None
import sqlalchemy as sa
from alembic import op

def upgrade():
    op.create_table(
        "accounts",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
    )

def downgrade():
    op.drop_table("accounts")
''',
    "0002_invoices.py": '''revision = "0002"
down_revision = "0001"
import sqlalchemy as sa
from alembic import op

def upgrade():
    op.create_table(
        "invoices",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("account_id", sa.BigInteger(), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
    )
    op.create_index("ix_invoices_account_id", "invoices", ["account_id"])

def downgrade():
    op.drop_index("ix_invoices_account_id", "invoices")
    op.drop_table("invoices")
''',
    "0003_invoice_note.py": '''revision = "0003"
down_revision = "0002"
import sqlalchemy as sa
from alembic import op

def upgrade():
    op.add_column("invoices", sa.Column("note", sa.Text()))

def downgrade():
    op.drop_column("invoices", "note")
''',
}


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def quiet(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{r.stdout}\n{r.stderr}")
    return r


def psql(db, sql):
    quiet([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", f"{PG_SERVER}/{db}", "-c", sql])


def mariadb(sql, db=None):
    host = MY_SERVER.split("@", 1)[1]
    h, _, p = host.partition(":")
    cmd = [MARIADB, "-h", h, "-P", p or "3306", "-u", "root", "-e", sql]
    if db:
        cmd.insert(1, db)
    quiet(cmd)


class Dialect:
    """The targets of one database, for each tool."""

    def __init__(self, name, n):
        self.name, self.n = name, n

    def ours(self):
        """(url, schema) per target of our runner."""
        if self.name == "sqlite":
            return [(f"sqlite:{WORK}/sqlite/ours_{i}.db", None) for i in range(self.n)]
        if self.name == "postgres":
            return [(f"{PG_SERVER}/bench_fleet_ours", f"t{i}") for i in range(self.n)]
        return [(f"{MY_SERVER}/bench_fleet_ours_{i}", None) for i in range(self.n)]

    def alembic(self):
        """(sqlalchemy url, schema) per target of Alembic."""
        if self.name == "sqlite":
            return [(f"sqlite:///{WORK}/sqlite/alembic_{i}.db", None) for i in range(self.n)]
        if self.name == "postgres":
            url = PG_SERVER.replace("postgres://", "postgresql+psycopg2://")
            return [(f"{url}/bench_fleet_alembic", f"t{i}") for i in range(self.n)]
        url = MY_SERVER.replace("mysql://", "mysql+pymysql://")
        return [(f"{url}/bench_fleet_alembic_{i}", None) for i in range(self.n)]

    def create(self):
        if self.name == "sqlite":
            shutil.rmtree(WORK / "sqlite", ignore_errors=True)
            (WORK / "sqlite").mkdir(parents=True)
        elif self.name == "postgres":
            for db in ["bench_fleet_ours", "bench_fleet_alembic"]:
                psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
                psql("postgres", f"CREATE DATABASE {db}")
        else:
            stmts = []
            for i in range(self.n):
                for tool in ["ours", "alembic"]:
                    stmts.append(f"DROP DATABASE IF EXISTS bench_fleet_{tool}_{i}; CREATE DATABASE bench_fleet_{tool}_{i};")
            mariadb(" ".join(stmts))

    def drop(self):
        if self.name == "postgres":
            for db in ["bench_fleet_ours", "bench_fleet_alembic"]:
                psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        elif self.name == "mariadb":
            mariadb(" ".join(f"DROP DATABASE IF EXISTS bench_fleet_{t}_{i};" for i in range(self.n) for t in ["ours", "alembic"]))
        else:
            shutil.rmtree(WORK / "sqlite", ignore_errors=True)

    def alembic_back_to_0002(self):
        """Untimed: the third revision undone on every Alembic target, in SQL."""
        if self.name == "sqlite":
            for url, _ in self.alembic():
                with sqlite3.connect(url.removeprefix("sqlite:///")) as c:
                    c.execute("ALTER TABLE invoices DROP COLUMN note")
                    c.execute("UPDATE alembic_version SET version_num = '0002'")
        elif self.name == "postgres":
            psql("bench_fleet_alembic", " ".join(
                f"ALTER TABLE t{i}.invoices DROP COLUMN note; UPDATE t{i}.alembic_version SET version_num = '0002';"
                for i in range(self.n)))
        else:
            mariadb(" ".join(
                f"ALTER TABLE bench_fleet_alembic_{i}.invoices DROP COLUMN note; UPDATE bench_fleet_alembic_{i}.alembic_version SET version_num = '0002';"
                for i in range(self.n)))


def fleet_file(targets, path):
    path.write_text("".join(f"{u}{f' schema={s}' if s else ''}\n" for u, s in targets))
    return path


def ours_fleet(runner, file, target="head", jobs=4, verb="upgrade"):
    quiet([runner, "--databases", str(file), "--jobs", str(jobs), "--format", "json", verb, target])


def ours_loop(runner, targets, target="head"):
    for url, schema in targets:
        cmd = [runner, "--database-url", url]
        if schema:
            cmd += ["--schema", schema]
        quiet(cmd + ["upgrade", target])


def alembic_loop(project, targets, target="head"):
    for url, schema in targets:
        cmd = [str(ALEMBIC), "-c", str(project / "alembic.ini"), "-x", f"url={url}"]
        if schema:
            cmd += ["-x", f"schema={schema}"]
        quiet(cmd + ["upgrade", target])


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def cell(xs):
    m = statistics.median(xs)
    return f"{m:.2f} s ({min(xs):.2f}–{max(xs):.2f}, n={len(xs)})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--sqlite", type=int, default=200)
    ap.add_argument("--postgres", type=int, default=200)
    ap.add_argument("--mariadb", type=int, default=50)
    ap.add_argument("--output", default=str(REPO / "bench" / "RESULTS-fleet.md"))
    args = ap.parse_args()
    if not ALEMBIC.exists():
        sys.exit("bench/.venv has no alembic: run bench/run.sh once, or python3 -m venv bench/.venv && bench/.venv/bin/pip install alembic sqlalchemy psycopg2-binary pymysql")

    print("== building the fixture's runner (debug, as cargo schema builds it)", file=sys.stderr)
    sh(["cargo", "build", "-q", "-p", "schema-tests", "--bin", "tenant_runner"], cwd=REPO)
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    WORK.mkdir(parents=True, exist_ok=True)
    # A copy, so that a build during the run cannot pull the binary away.
    runner = str(WORK / "tenant_runner")
    shutil.copy2(target_dir / "debug" / "tenant_runner", runner)

    project = WORK / "alembic"
    shutil.rmtree(project, ignore_errors=True)
    (project / "alembic" / "versions").mkdir(parents=True)
    (project / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s/alembic\n")
    (project / "alembic" / "env.py").write_text(ENV_PY)
    for name, text in VERSIONS.items():
        (project / "alembic" / "versions" / name).write_text(text)

    dialects = [Dialect("sqlite", args.sqlite), Dialect("postgres", args.postgres), Dialect("mariadb", args.mariadb)]
    rows, growth = [], []
    for d in dialects:
        print(f"== {d.name}: {d.n} targets", file=sys.stderr)
        d.create()
        ours = d.ours()
        file = fleet_file(ours, WORK / f"{d.name}.txt")
        ours_fleet(runner, file)
        alembic_loop(project, d.alembic())
        at_head = {"fleet": [], "loop": [], "alembic": []}
        apply = {"fleet": [], "loop": [], "alembic": []}
        for r in range(args.rounds):
            at_head["fleet"].append(timed(lambda: ours_fleet(runner, file)))
            at_head["loop"].append(timed(lambda: ours_loop(runner, ours)))
            at_head["alembic"].append(timed(lambda: alembic_loop(project, d.alembic())))
            ours_fleet(runner, file, "0002_invoices", verb="downgrade")
            apply["fleet"].append(timed(lambda: ours_fleet(runner, file)))
            ours_fleet(runner, file, "0002_invoices", verb="downgrade")
            apply["loop"].append(timed(lambda: ours_loop(runner, ours)))
            d.alembic_back_to_0002()
            apply["alembic"].append(timed(lambda: alembic_loop(project, d.alembic())))
            print(f"   round {r + 1}: at head {[round(v[-1], 2) for v in at_head.values()]}, apply one {[round(v[-1], 2) for v in apply.values()]}", file=sys.stderr)
        for scenario, m in [("at head", at_head), ("apply one revision", apply)]:
            f, lp, al = (statistics.median(m[k]) for k in ["fleet", "loop", "alembic"])
            rows.append(f"| {d.name} | {d.n} | {scenario} | {cell(m['fleet'])} | {cell(m['loop'])} | {cell(m['alembic'])} | {lp / f:.1f}× | {al / f:.1f}× |")
        # Growth at head: targets and --jobs, alternating.
        sizes = sorted({max(1, d.n // 4), d.n // 2, d.n})
        files = {k: fleet_file(ours[:k], WORK / f"{d.name}_{k}.txt") for k in sizes}
        by_size = {k: [] for k in sizes}
        by_jobs = {j: [] for j in [1, 2, 4, 8]}
        for _ in range(args.rounds + 1):
            for k in sizes:
                by_size[k].append(timed(lambda: ours_fleet(runner, files[k])))
            for j in by_jobs:
                by_jobs[j].append(timed(lambda: ours_fleet(runner, file, jobs=j)))
        growth.append((d, by_size, by_jobs))
        d.drop()

    out = [
        "# Fleet benchmark",
        "",
        f"Written by `bench/fleet.py --rounds {args.rounds} --sqlite {args.sqlite} --postgres {args.postgres} --mariadb {args.mariadb}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load {open('/proc/loadavg').read().split()[0]} at the end. "
        "Each cell: median wall time (min–max, n=rounds); the three ways alternate within each round. "
        "Targets: SQLite files, PostgreSQL schemas of one database, MariaDB databases; the package is tests/fixtures/tenant (3 revisions). "
        "Ours runs the fixture's debug runner (as `cargo schema` builds it) with `--jobs 4`; the loops start one process per target, one after the other.",
        "",
        "| database | targets | scenario | ours, fleet (one process) | ours, shell loop | Alembic, shell loop | loop ÷ fleet | Alembic ÷ fleet |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "## How our fleet grows (at head)",
        "",
    ]
    for d, by_size, by_jobs in growth:
        out.append(f"- {d.name}, by targets (`--jobs 4`): " + ", ".join(f"{k}: {statistics.median(v):.2f} s ({statistics.median(v) / k * 1000:.1f} ms/target)" for k, v in by_size.items()))
        out.append(f"- {d.name}, {d.n} targets, by `--jobs`: " + ", ".join(f"{j}: {statistics.median(v):.2f} s" for j, v in by_jobs.items()))
    Path(args.output).write_text("\n".join(out) + "\n")
    print("\n".join(out))


if __name__ == "__main__":
    main()

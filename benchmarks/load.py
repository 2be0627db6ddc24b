"""A meeting's burst of phones against the app under gunicorn, on SQLite and
PostgreSQL, next to the floor of the stack (benchmarks/bare.py: Flask and
one INSERT under the same gunicorn configuration).

    .venv/bin/python -m benchmarks.load [--phones 240] [--runs 3] [--engines sqlite,postgresql]

Each engine gets a scratch database, migrated and holding the IV.1
questionnaire and one open meeting.  Every phone opens the form and sends a
complete valid answer (its own cookies, the form's hidden fields, the headers a
browser sends with a form).  Two kinds of burst:

* ``all at once``: every phone starts at the same moment; the server is
  saturated, so journeys per second is its capacity (compared with the bare
  endpoint's) and the latencies are mostly queueing.  ``--bursts`` of them
  per server, the app's and the bare endpoint's taking turns; the medians;
* ``over N s``: the phones arrive evenly over ``--ramp`` seconds (240 in
  10 s is six times faster than a real meeting, where people need a minute
  or two to fill the form in): the latencies a participant sees.

Targets on a 2-core machine: 0 errors, 0 lost, POST p99 ≤ 250 ms (arriving
phones), journeys per second ≥ 70 % of the bare endpoint's (all at once).
PostgreSQL: BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.db import Database, upgrade
from app.models import Answer, Response

from . import bare
from ._data import ANSWERS_PER_RESPONSE, POSTGRES_URL, open_meeting, scratch_database
from ._phones import burst
from ._serve import gunicorn


def prepare(url: str) -> str:
    """Migrate, store IV.1 and an open meeting, create the bare endpoint's table;
    returns the meeting's participant path."""
    upgrade(url)
    path = f"/m/{open_meeting(url)}"
    database = Database(url)
    bare.metadata.create_all(database.engine)
    database.dispose()
    return path


def stored(url: str) -> tuple[int, int]:
    """(responses or bare rows, answers) in the database now."""
    database = Database(url)
    with database.engine.connect() as connection:
        responses = connection.scalar(select(func.count()).select_from(Response))
        answers = connection.scalar(select(func.count()).select_from(Answer))
        rows = connection.scalar(select(func.count()).select_from(bare.bare_insert))
    database.dispose()
    return responses + rows, answers


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def server_cpu(server, url: str) -> float:
    """CPU seconds used so far by the gunicorn workers and, on PostgreSQL, by the
    server processes of their connections: the work per journey, whatever else
    the machine is busy with."""
    pids = server.worker_pids()
    name = make_url(url).database
    if url.startswith("postgresql"):
        admin = create_engine(POSTGRES_URL)
        with admin.connect() as connection:
            pids += list(
                connection.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = :name"), {"name": name})
            )
        admin.dispose()
    return sum(_cpu_seconds(pid) for pid in pids)


def measure(server, url: str, path: str, phones: int, ramp: float) -> dict:
    before, answers_before = stored(url)
    cpu_before = server_cpu(server, url)
    result, elapsed = burst(server.base_url, path, phones, ramp=ramp)
    cpu = server_cpu(server, url) - cpu_before
    after, answers_after = stored(url)
    gets = [p.get_ms for p in result if p.get_ms is not None]
    posts = [ms for p in result for ms in p.post_ms]
    thanked = sum(p.thanked for p in result)
    return {
        "sent": phones,
        "thanked": thanked,
        "stored": after - before,
        "answers": answers_after - answers_before,
        "errors": sum(p.problem is not None for p in result),
        "problems": [p.problem for p in result if p.problem][:3],
        "rps": (len(gets) + len(posts)) / elapsed,
        "jps": thanked / elapsed,
        "elapsed": elapsed,
        "cpu_ms": cpu / max(thanked, 1) * 1000,
        "get": [percentile(gets, q) for q in (50, 95, 99)],
        "post": [percentile(posts, q) for q in (50, 95, 99)],
    }


def warm_up(server, path: str, workers: int) -> None:
    """Every worker imports, connects and compiles its templates before the
    clock runs.  One burst may leave a worker idle (the first to accept
    takes most of them); its first form page then costs the first measured
    burst a template compilation, so three."""
    for _ in range(3):
        burst(server.base_url, path, 4 * workers)


def row(label: str, figures: dict) -> str:
    get, post = figures["get"], figures["post"]
    return (
        f"{label:<26} {figures['rps']:7.0f} {figures['jps']:7.1f}  "
        f"{get[0]:6.0f} {get[1]:6.0f} {get[2]:6.0f}   {post[0]:6.0f} {post[1]:6.0f} {post[2]:6.0f}  "
        f"{figures['errors']:4d} {figures['sent'] - figures['stored']:5d} {figures['stored']:4d}/{figures['sent']}  "
        f"{figures['cpu_ms']:6.1f}"
    )


HEADER = (
    f"{'':<26} {'req/s':>7} {'jour/s':>7}  {'GET p50':>6} {'p95':>6} {'p99':>6}   "
    f"{'POSTp50':>6} {'p95':>6} {'p99':>6}  {'err':>4} {'lost':>5} stored/sent  cpu/journey   (ms)"
)


def combined(bursts: list[dict]) -> dict:
    """Several bursts against one server as one row: the median of each rate
    and latency, the sums of what was sent, stored and lost."""
    return {
        **{key: sum(b[key] for b in bursts) for key in ("sent", "thanked", "stored", "answers", "errors")},
        **{key: statistics.median(b[key] for b in bursts) for key in ("rps", "jps", "elapsed", "cpu_ms")},
        **{key: [statistics.median(b[key][i] for b in bursts) for i in range(3)] for key in ("get", "post")},
        "problems": [p for b in bursts for p in b["problems"]][:3],
    }


def run_engine(engine: str, args) -> list[dict]:
    summaries = []
    with scratch_database(engine) as url, tempfile.TemporaryDirectory() as logs:
        path = prepare(url)
        targets = [
            ("resonanz", "wsgi:app", path, "/login"),
            ("bare", "benchmarks.bare:create_app()", bare.PATH, bare.PATH),
        ]
        for run in range(1, args.runs + 1):
            figures = {}
            with ExitStack() as servers:
                # Both servers run side by side (an idle one costs nothing) and
                # their bursts alternate, so a slow moment of the shared
                # machine falls on both alike rather than on one of them.
                started = {}
                for name, wsgi, target_path, ready in targets:
                    server = servers.enter_context(
                        gunicorn(url, Path(logs) / f"{name}.log", app=wsgi, workers=args.workers, ready_path=ready)
                    )
                    workers = len(server.worker_pids())
                    warm_up(server, target_path, workers)
                    started[name] = server, target_path
                bursts = {name: [] for name in started}
                for _ in range(args.bursts):
                    for name, (server, target_path) in started.items():
                        bursts[name].append(measure(server, url, target_path, args.phones, 0))
                for name, (server, target_path) in started.items():
                    figures[name, "all at once"] = combined(bursts[name])
                    if args.ramp:
                        figures[name, f"over {args.ramp:g} s"] = measure(
                            server, url, target_path, args.phones, args.ramp
                        )
            print(
                f"\n{engine}, run {run}: {args.phones} phones, {workers} gunicorn workers; "
                f"'all at once': median of {args.bursts} bursts each, alternating"
            )
            print(HEADER)
            for (name, mode), f in figures.items():
                print(row(f"{name}, {mode}", f))
                if f["problems"]:
                    print(f"    e.g. {f['problems']}")
                if name == "resonanz" and f["answers"] != f["stored"] * ANSWERS_PER_RESPONSE:
                    print(f"    HALF-STORED: {f['answers']} answers for {f['stored']} responses")
            app, floor = figures["resonanz", "all at once"], figures["bare", "all at once"]
            ratio, cpu_ratio = app["jps"] / floor["jps"], floor["cpu_ms"] / app["cpu_ms"]
            arriving = figures.get(("resonanz", f"over {args.ramp:g} s"), app)
            print(
                f"journeys/s vs bare endpoint: {ratio:.0%} (by server CPU per journey: {cpu_ratio:.0%})   "
                f"resonanz POST p99 ({'arriving phones' if args.ramp else 'all at once'}): "
                f"{arriving['post'][2]:.0f} ms"
            )
            summaries.append(
                {
                    "engine": engine,
                    "ratio": ratio,
                    "cpu_ratio": cpu_ratio,
                    "post_p99": arriving["post"][2],
                    "errors": sum(f["errors"] for f in figures.values()),
                    "lost": sum(f["sent"] - f["stored"] for f in figures.values()),
                }
            )
    return summaries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=240)
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which phones arrive (0: skip)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--bursts", type=int, default=5, help="all-at-once bursts per server and run")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    summaries = []
    for engine in args.engines.split(","):
        summaries += run_engine(engine.strip(), args)
    print("\nsummary")
    for engine in dict.fromkeys(s["engine"] for s in summaries):
        mine = [s for s in summaries if s["engine"] == engine]
        ratios = [s["ratio"] for s in mine]
        p99s = [s["post_p99"] for s in mine]
        print(
            f"{engine:<11} journeys/s vs bare: {' '.join(f'{r:.0%}' for r in ratios)} (median {statistics.median(ratios):.0%}, "
            f"by CPU {statistics.median(s['cpu_ratio'] for s in mine):.0%}); "
            f"POST p99: {' '.join(f'{p:.0f}' for p in p99s)} ms; errors {sum(s['errors'] for s in mine)}, "
            f"lost {sum(s['lost'] for s in mine)}"
        )


if __name__ == "__main__":
    main()

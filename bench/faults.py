"""PostgreSQL restarted under load: what the portal answers before, during and after, served by gunicorn on loopback.

Starts gunicorn on 127.0.0.1 with production settings (as bench.load does: debug off, persistent database
connections health-checked before reuse), keeps a steady load of anonymous requests from a few threads, runs
the restart command midway, waits for the database to answer again, keeps loading, then counts the answers
of each phase. The verdict is the number of 5xx answers to requests sent after the database came back: 0
is the target (exit status 1 otherwise). During the outage the portal should answer 503, not 500.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal python -m bench.faults \\
        --restart-command "pg_ctlcluster --skip-systemctl-redirect 15 main restart"

The restart command restarts the PostgreSQL that DATABASE_URL names; run it against a cluster nobody else is
using. Bounded: at most MAX_PHASE seconds before and after the restart, MAX_THREADS threads, loopback only.

With --redis, Redis is what goes away instead: the script starts a redis-server of its own on --redis-port (in
memory only, never the shared one), serves the portal with REDIS_URL pointing at it, kills it (SIGKILL) midway,
keeps loading for --outage seconds, starts it again and keeps loading. The verdict: no 5xx at all (the pages are
served uncached meanwhile), and the cache used again once Redis is back (Redis's own count of hits).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal python -m bench.faults --redis --redis-port 6391

With --kill-worker, the task worker is what dies: a job importing --rows synthetic rows (bench.imports' rows) is
run by `manage.py db_worker`, killed (SIGKILL) a quarter of the way through its save; the script checks that no
row of the file is left, runs housekeeping's stalled-job sweep (its threshold taken as passed), then the job's
"try again" with a new worker, timing each step. The worker takes any task queued in that database: give it a
database of its own. The rows, the job and its file are deleted at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal python -m bench.faults --kill-worker --rows 5000
"""

import argparse
import collections
import contextlib
import csv
import datetime
import http.client
import json
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.load import (
    DEFAULT_PORT,
    HOST,
    REQUEST_TIMEOUT,
    Gunicorn,
    cpu_model,
    database_summary,
    default_workers,
    print_machine,
    setup_django,
)

DEFAULT_RESTART_COMMAND = "pg_ctlcluster --skip-systemctl-redirect 15 main restart"
MAX_PHASE = 120
MAX_THREADS = 32
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", ""}


@dataclass(frozen=True)
class Answer:
    started: float
    ended: float
    path: str
    status: int | None  # None: no HTTP answer at all
    error: str = ""


def load_paths():
    """Anonymous addresses that each read the database: measure pages, lists, a Party, the API, the health check."""
    from measures.models import Measure, Party

    ids = list(Measure.objects.published().order_by("pk").values_list("pk", flat=True)[:2000:100])
    if not ids:
        raise SystemExit("No published measure in the database: load the reference data and synthetic measures.")
    party = Party.objects.exclude(iso3="").order_by("iso3").first()
    paths = []
    for measure_id in ids:
        paths += [f"/measures/{measure_id}/", f"/api/v1/measures/{measure_id}/"]
    paths += ["/parties/", "/measures/?report_year=2016&page=3", "/api/v1/parties/", "/healthz"]
    if party is not None:
        paths += [party.get_absolute_url(), f"/api/v1/parties/{party.iso3.lower()}/"]
    return paths


def send(port, path):
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    started = time.monotonic()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return Answer(started, time.monotonic(), path, response.status)
    except (OSError, http.client.HTTPException) as error:
        return Answer(started, time.monotonic(), path, None, type(error).__name__)
    finally:
        connection.close()


class SteadyLoad:
    """`threads` clients, each sending one request after another over the paths, recording every answer."""

    def __init__(self, port, paths, threads):
        self.port = port
        self.paths = paths
        self.answers = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.sending = threading.Event()
        self.sending.set()
        self.threads = [threading.Thread(target=self.run, args=(number,), daemon=True) for number in range(threads)]

    def run(self, number):
        index = number * 7
        while not self.stopping.is_set():
            if not self.sending.wait(timeout=0.1):
                continue
            answer = send(self.port, self.paths[index % len(self.paths)])
            index += 1
            with self.lock:
                self.answers.append(answer)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        self.sending.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)


def database_answers(url):
    import psycopg2

    try:
        connection = psycopg2.connect(url, connect_timeout=2)
    except psycopg2.Error:
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except psycopg2.Error:
        return False
    finally:
        connection.close()


def wait_for_database(url, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if database_answers(url):
            return True
        time.sleep(0.1)
    return False


def check_database_url(url):
    """Only a PostgreSQL on this machine: the restart command restarts a local cluster."""
    import dj_database_url

    settings = dj_database_url.parse(url)
    if "postgresql" not in settings["ENGINE"]:
        raise SystemExit("DATABASE_URL must name a PostgreSQL database: its server is what gets restarted.")
    if settings.get("HOST", "") not in LOOPBACK_HOSTS and not str(settings.get("HOST", "")).startswith("/"):
        raise SystemExit(f"DATABASE_URL must point to this machine (loopback), not {settings['HOST']}.")
    return settings


def summarise(answers):
    counts = collections.Counter()
    for answer in answers:
        if answer.status is None:
            counts["no answer"] += 1
        elif answer.status < 400:
            counts["2xx/3xx"] += 1
        elif answer.status == 503:
            counts["503"] += 1
        elif answer.status >= 500:
            counts["other 5xx"] += 1
        else:
            counts["4xx"] += 1
    return counts


def print_phases(phases):
    columns = ["2xx/3xx", "503", "other 5xx", "4xx", "no answer"]
    header = f"{'phase':<26} {'seconds':>7} {'requests':>8} " + " ".join(f"{column:>9}" for column in columns)
    print(header)
    print("-" * len(header))
    for label, seconds, answers in phases:
        counts = summarise(answers)
        print(
            f"{label:<26} {seconds:>7.1f} {len(answers):>8} "
            + " ".join(f"{counts.get(column, 0):>9}" for column in columns)
        )


# Redis stopped under load ---------------------------------------------------------------------------------------

DEFAULT_REDIS_PORT = 6391


class OwnRedis:
    """A redis-server of this run's own on 127.0.0.1:`port`, in memory only; killed, not shut down, to stop it."""

    def __init__(self, port):
        self.port = port
        self.process = None
        self.executable = shutil.which("redis-server")
        if self.executable is None:
            raise SystemExit("redis-server is not installed (apt-get install redis-server).")

    def start(self, seconds=10):
        with socket.socket() as probe:
            # As redis-server binds: connections of its previous run still in TIME_WAIT do not make the port busy.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((HOST, self.port))
            except OSError:
                raise SystemExit(f"{HOST}:{self.port} is in use; choose another port with --redis-port.") from None
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.info() is not None:
                return time.monotonic()
            time.sleep(0.05)
        self.kill()
        raise SystemExit(f"redis-server did not answer on {HOST}:{self.port} within {seconds} s.")

    def info(self):
        """Redis's counters (keyspace_hits, keyspace_misses…), or None when it does not answer."""
        import redis

        try:
            client = redis.Redis(host=HOST, port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5)
            try:
                return client.info("stats")
            finally:
                client.close()
        except redis.RedisError:
            return None

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.kill()


def latency_summary(answers):
    """p50, p90 and p99 of the answers' durations, in milliseconds."""
    durations = sorted((answer.ended - answer.started) * 1000 for answer in answers)
    if len(durations) < 2:
        return (durations[0],) * 3 if durations else (0.0, 0.0, 0.0)
    cuts = statistics.quantiles(durations, n=100, method="inclusive")
    return cuts[49], cuts[89], cuts[98]


def print_phases_with_latency(phases):
    columns = ["2xx/3xx", "503", "other 5xx", "4xx", "no answer"]
    header = (
        f"{'phase':<26} {'seconds':>7} {'requests':>8} "
        + " ".join(f"{column:>9}" for column in columns)
        + f" {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for label, seconds, answers in phases:
        counts = summarise(answers)
        p50, p90, p99 = latency_summary(answers)
        print(
            f"{label:<26} {seconds:>7.1f} {len(answers):>8} "
            + " ".join(f"{counts.get(column, 0):>9}" for column in columns)
            + f" {p50:>7.1f} {p90:>7.1f} {p99:>7.1f}"
        )


def cache_log_messages(log):
    """The messages the cache backend logged (convention_portal.cache_backends), from the server's JSON lines."""
    messages = []
    for line in log.splitlines():
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if isinstance(record, dict) and record.get("logger") == "convention_portal.cache_backends":
                messages.append(record.get("message", ""))
    return messages


def run_redis_outage(args, before, after, threads):
    """Kill the portal's Redis under load, start it again: answers per phase, and whether the cache resumes."""
    outage = max(1, min(args.outage, MAX_PHASE))
    setup_django()
    print_machine(args.workers)
    print(database_summary())
    paths = load_paths()
    from django.db import connections

    connections.close_all()
    redis_url = f"redis://{HOST}:{args.redis_port}/0"
    print(
        f"load: {threads} threads over {len(paths)} addresses; {before} s, Redis killed for {outage} s, then {after} s"
    )
    print(f"cache: REDIS_URL={redis_url} (a redis-server of this run's own, in memory only)")

    with OwnRedis(args.redis_port) as redis_server:
        redis_server.start()
        # Read by the gunicorn started below (bench.load.production_environment copies the environment).
        os.environ["REDIS_URL"] = redis_url
        with Gunicorn(args.port, args.workers) as server, SteadyLoad(server.port, paths, threads) as load:
            time.sleep(before)
            hits_before = redis_server.info()["keyspace_hits"]
            killed = time.monotonic()
            redis_server.kill()
            time.sleep(outage)
            restarted = redis_server.start()  # empty: it saved nothing
            first_hit = None
            while time.monotonic() < restarted + after:
                stats = redis_server.info()
                if first_hit is None and stats is not None and stats["keyspace_hits"] > 0:
                    first_hit = time.monotonic()
                time.sleep(0.1)
            ended = time.monotonic()
            stats_after = redis_server.info() or {"keyspace_hits": 0, "keyspace_misses": 0}
            log_tail = server.log_tail(5000)

    answers = sorted(load.answers, key=lambda answer: answer.started)
    first_answer = answers[0].started if answers else killed
    before_phase = [answer for answer in answers if answer.ended < killed]
    during_phase = [answer for answer in answers if answer.ended >= killed and answer.started < restarted]
    after_phase = [answer for answer in answers if answer.started >= restarted]
    print()
    print_phases_with_latency(
        [
            ("before (Redis up)", killed - first_answer, before_phase),
            ("Redis killed", restarted - killed, during_phase),
            ("after Redis restarted", ended - restarted, after_phase),
        ]
    )
    print(f"cache hits in Redis before the kill: {hits_before:,}")
    hits, misses = stats_after["keyspace_hits"], stats_after["keyspace_misses"]
    share = f" ({100 * hits / (hits + misses):.0f}% of reads)" if hits + misses else ""
    print(f"cache hits in the restarted Redis: {hits:,}{share}")
    if first_hit is not None:
        print(f"first cache hit {first_hit - restarted:.1f} s after Redis answered again")
    messages = cache_log_messages(log_tail)
    warnings = sum(1 for message in messages if "cannot be reached" in message)
    recoveries = sum(1 for message in messages if "answers again after" in message)
    print(f"server log: {warnings} 'cannot be reached' warnings, {recoveries} 'answers again' (one each per worker)")
    failures = [answer for answer in answers if answer.status is not None and answer.status >= 500]
    for answer in failures[:10]:
        print(f"  {answer.status} {answer.path} at +{answer.started - killed:.2f} s after the kill")
    print(f"5xx in all: {len(failures)}")
    if hits == 0:
        print("the restarted Redis was never read from: the cache did not resume")
    return 1 if failures or hits == 0 else 0


# The task worker killed during an import -------------------------------------------------------------------------

MAX_IMPORT_ROWS = 50_000


def start_db_worker():
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DJANGO_LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_db_worker(worker):
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def wait_until(condition, seconds, worker=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        if worker is not None and worker.poll() is not None:
            return False
        time.sleep(0.05)
    return False


def open_transactions():
    """Transactions open in the database by other sessions (PostgreSQL), or None elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
        )
        return cursor.fetchone()[0]


def run_worker_kill(args):
    """Kill the task worker during an import's save: nothing kept, the job failed by the sweep, then retried."""
    import tempfile

    rows = max(100, min(args.rows, MAX_IMPORT_ROWS))
    setup_django()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}; load average {load}")
    print(database_summary())
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.core.files import File
    from django.utils import timezone

    from bench.imports import TITLE_PREFIX, benchmark_rows, delete_benchmark_rows, importer_username
    from imports import tasks
    from imports.management.commands.prune_imports import Command as PruneImports
    from imports.models import ImportJob, JobState
    from measures.models import Measure

    def imported():
        return Measure.objects.filter(title__startswith=TITLE_PREFIX).count()

    def state():
        return ImportJob.objects.values_list("state", flat=True).get(pk=job.pk)

    if imported():
        raise SystemExit(f"The database already holds rows titled {TITLE_PREFIX!r}: run bench.imports' clean-up.")
    username, made_user = importer_username()
    user = get_user_model().objects.get(username=username)
    job, worker, failures = None, None, []
    try:
        with tempfile.TemporaryDirectory(prefix="portal-faults-") as directory:
            path = Path(directory) / f"measures-{rows}.csv"
            header, lines = benchmark_rows(rows, seed=1)
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerows(lines)
            job = ImportJob(owner=user, original_name=path.name, file_format="csv", file_size=path.stat().st_size)
            with path.open("rb") as handle:
                job.file.save(path.name, File(handle), save=False)
        job.rows_total, job.state = rows, JobState.READY
        job.save()
        print(f"import: {rows:,} synthetic rows ({job.file_size / 1e6:.1f} MB CSV) as {username}; worker killed once")
        print(f"it has told {rows // 4:,} rows saved (SIGKILL), inside the import's one transaction")
        print()

        tasks.start_import(job, "skip")
        worker = start_db_worker()
        started = time.monotonic()
        if not wait_until(lambda: ImportJob.objects.get(pk=job.pk).live_progress()[0] >= rows // 4, 600, worker):
            raise SystemExit("The worker never told a quarter of the rows saved.")
        told = ImportJob.objects.get(pk=job.pk).live_progress()[0]
        worker.kill()
        killed = time.monotonic()
        worker.wait(timeout=30)
        left = imported()
        print(
            f"killed after {killed - started:.1f} s, {told:,} rows told saved; rows of the file in the database: {left}"
        )
        if left:
            failures.append(f"{left} rows of the file were kept")
        if open_transactions() is not None:
            wait_until(lambda: open_transactions() == 0, 30)
            rolled_back = time.monotonic() - killed
            print(f"the database had rolled the import back (no transaction open) {rolled_back:.2f} s after the kill")
        print(f"job state after the kill: {state()} (until housekeeping finds it stalled)")

        # Housekeeping's sweep, the job's last sign of life moved back beyond IMPORT_STALLED_MINUTES.
        past = timezone.now() - datetime.timedelta(minutes=settings.IMPORT_STALLED_MINUTES + 1)
        ImportJob.objects.filter(pk=job.pk).update(updated_at=past)
        told_entry = caches["progress"].get(job.progress_key)
        if told_entry:
            caches["progress"].set(job.progress_key, {**told_entry, "at": past.timestamp()}, timeout=3600)
        swept = time.monotonic()
        stalled = PruneImports().fail_stalled(timezone.now())
        job.refresh_from_db()
        print(f"sweep: {stalled} job marked {job.state} in {time.monotonic() - swept:.2f} s: {job.message}")
        if job.state != JobState.FAILED:
            failures.append("the sweep did not mark the job failed")

        # The job page's "Try again": check again, then import, with a new worker.
        tasks.start_check(job)
        worker = start_db_worker()
        retried = time.monotonic()
        if not wait_until(lambda: state() == JobState.READY, 600, worker):
            raise SystemExit(f"The retried check did not finish: {state()}")
        checked = time.monotonic()
        tasks.start_import(job, "skip")
        if not wait_until(lambda: state() == JobState.DONE, 600, worker):
            raise SystemExit(f"The retried import did not finish: {state()}")
        done = time.monotonic()
        job.refresh_from_db()
        print(
            f"try again: checked in {checked - retried:.1f} s, imported in {done - checked:.1f} s: "
            f"{job.imported_count:,} imported, {job.skipped_count:,} skipped; rows in the database: {imported():,}"
        )
        if imported() != rows:
            failures.append(f"the retry imported {imported()} rows of {rows}")
    finally:
        if worker is not None:
            stop_db_worker(worker)
        deleted = delete_benchmark_rows()
        if job is not None and job.pk:
            job.file.delete(save=False)
            job.delete()
        if made_user:
            user.delete()
        print(f"clean-up: {deleted:,} imported rows, the job and its file deleted")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__
    )
    parser.add_argument(
        "--restart-command",
        default=DEFAULT_RESTART_COMMAND,
        help=f"command that restarts the PostgreSQL holding DATABASE_URL (default: {DEFAULT_RESTART_COMMAND})",
    )
    parser.add_argument("--before", type=int, default=10, help="seconds of load before the restart (default 10)")
    parser.add_argument("--after", type=int, default=20, help="seconds of load once the database is back (default 20)")
    parser.add_argument("--threads", type=int, default=8, help="client threads (default 8)")
    parser.add_argument(
        "--idle-during-restart",
        action="store_true",
        help="send nothing from the restart until the database is back, so that every worker meets the restart "
        "idle, holding a connection that the restart broke (what the health checks are for)",
    )
    parser.add_argument(
        "--redis",
        action="store_true",
        help="kill the portal's Redis instead of restarting PostgreSQL (a redis-server of this run's own)",
    )
    parser.add_argument(
        "--redis-port",
        type=int,
        default=DEFAULT_REDIS_PORT,
        help=f"with --redis: the port of that redis-server (default {DEFAULT_REDIS_PORT})",
    )
    parser.add_argument(
        "--kill-worker",
        action="store_true",
        help="kill the task worker during an import instead (no server, no load)",
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=5000,
        help=f"with --kill-worker: rows in the file (default 5000, at most {MAX_IMPORT_ROWS:,})",
    )
    parser.add_argument("--outage", type=int, default=10, help="with --redis: seconds without Redis (default 10)")
    parser.add_argument(
        "--workers", type=int, default=default_workers(), help="gunicorn workers (default 2 × cores + 1)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT + 1, help=f"loopback port (default {DEFAULT_PORT + 1})"
    )
    args = parser.parse_args(argv)
    before = max(1, min(args.before, MAX_PHASE))
    after = max(1, min(args.after, MAX_PHASE))
    threads = max(1, min(args.threads, MAX_THREADS))
    if args.kill_worker:
        return run_worker_kill(args)
    if args.redis:
        return run_redis_outage(args, before, after, threads)

    url = os.environ.get("DATABASE_URL", "")
    settings = check_database_url(url)
    setup_django()
    print_machine(args.workers)
    print(database_summary())
    from django.conf import settings as django_settings

    print(
        f"server's database connections: CONN_MAX_AGE={os.environ.get('DJANGO_CONN_MAX_AGE', '60')} s, "
        f"CONN_HEALTH_CHECKS={django_settings.DATABASES['default']['CONN_HEALTH_CHECKS']}"
    )
    paths = load_paths()
    from django.db import connections

    connections.close_all()
    idle = " (idle during the restart)" if args.idle_during_restart else ""
    print(f"load: {threads} threads over {len(paths)} addresses; {before} s, restart{idle}, then {after} s")
    print(f"restart: {args.restart_command}  (database {settings['HOST'] or 'socket'}:{settings.get('PORT') or 5432})")

    with Gunicorn(args.port, args.workers) as server, SteadyLoad(server.port, paths, threads) as load:
        time.sleep(before)
        if args.idle_during_restart:
            load.sending.clear()
        restart_began = time.monotonic()
        completed = subprocess.run(shlex.split(args.restart_command), capture_output=True, text=True, timeout=120)
        restart_returned = time.monotonic()
        if completed.returncode != 0:
            print(f"the restart command failed ({completed.returncode}): {completed.stderr.strip()}")
        if not wait_for_database(url, 60):
            raise SystemExit("The database did not answer within 60 s of the restart.")
        recovered = time.monotonic()
        load.sending.set()
        time.sleep(after)
        ended = time.monotonic()  # requests still running finish before the server stops

    answers = sorted(load.answers, key=lambda answer: answer.started)
    first_answer = answers[0].started if answers else restart_began
    before_phase = [answer for answer in answers if answer.ended < restart_began]
    after_phase = [answer for answer in answers if answer.started >= recovered]
    during_phase = [answer for answer in answers if answer.ended >= restart_began and answer.started < recovered]
    print()
    print_phases(
        [
            ("before the restart", restart_began - first_answer, before_phase),
            ("during the outage", recovered - restart_began, during_phase),
            ("after recovery", ended - recovered, after_phase),
        ]
    )
    print(
        f"restart command took {restart_returned - restart_began:.1f} s; the database answered again "
        f"{recovered - restart_began:.1f} s after the restart began"
    )
    late = [answer for answer in after_phase if answer.status is not None and answer.status >= 500]
    for answer in late[:10]:
        print(f"  {answer.status} {answer.path} at +{answer.started - recovered:.2f} s after recovery")
    failures = [answer for answer in during_phase if answer.status is not None and answer.status >= 500]
    if failures:
        statuses = collections.Counter(answer.status for answer in failures)
        print("answers during the outage: " + ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items())))
    print(f"5xx after recovery: {len(late)}")
    return 1 if late else 0


if __name__ == "__main__":
    sys.exit(main())

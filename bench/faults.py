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
"""

import argparse
import collections
import http.client
import os
import shlex
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from bench.load import (
    DEFAULT_PORT,
    HOST,
    REQUEST_TIMEOUT,
    Gunicorn,
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
        "--workers", type=int, default=default_workers(), help="gunicorn workers (default 2 × cores + 1)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT + 1, help=f"loopback port (default {DEFAULT_PORT + 1})"
    )
    args = parser.parse_args(argv)
    before = max(1, min(args.before, MAX_PHASE))
    after = max(1, min(args.after, MAX_PHASE))
    threads = max(1, min(args.threads, MAX_THREADS))

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

"""Throughput of the portal served by gunicorn on loopback, under a bounded load from wrk.

Prints figures, never pass/fail. Starts gunicorn itself on 127.0.0.1 with production settings (debug off, a
fresh secret key, the static files collected into a temporary folder of the run's own, never the checkout's
STATIC_ROOT), against the database DATABASE_URL names, which should hold the reference data and synthetic
measures (see README "Performance"):

    DATABASE_URL=postgres://... python -m bench.load throughput   # /measures/ alone, then /healthz alone
    DATABASE_URL=postgres://... python -m bench.load mix          # list, detail, search, Parties, API, French

Scenarios:
    throughput  the anonymous /measures/ list, then the trivial /healthz view (the ceiling of the stack:
                gunicorn, middleware, one `SELECT 1`), 20 s each at 16 connections, then both again at 50;
                prints list/trivial for each (target: at least 0.80, and no error at 50 connections).
    mix         30 s at 50 connections over a rotating list of realistic addresses, ids taken from the database.

--connections takes one or more counts (`--connections 16 50`); each is a round of the scenario on the
same server. Needs wrk (`apt-get install -y wrk` on Debian/Ubuntu; installed by the script when run as root).

Every run is bounded (at most MAX_DURATION seconds per step and MAX_CONNECTIONS connections) and talks to
127.0.0.1 only. The API's per-address throttle is lifted for the run: every request comes from one address.
"""

import argparse
import contextlib
import http.client
import itertools
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

PROJECT_DIR = Path(__file__).resolve().parent.parent
LUA_SCRIPT = Path(__file__).resolve().parent / "rotate.lua"
HOST = "127.0.0.1"
DEFAULT_PORT = 8101
MAX_DURATION = 120
MAX_CONNECTIONS = 256
# A request still unanswered after this long is counted as a timeout; gunicorn stops a worker at the same age.
REQUEST_TIMEOUT = 30
# The mix rotates over TURNS rounds of its 20 kinds of address, each round with other ids and filters.
TURNS = 50
# Seconds per load and the connection counts of each round, by scenario.
SCENARIOS = {"throughput": (20, (16, 50)), "mix": (30, (50,))}
#: The settings module of a run: the portal's, with the static files collected into the run's temporary folder.
RUN_SETTINGS = """from convention_portal.settings import *  # noqa: F403

STATIC_ROOT = {static_root!r}
"""


# The machine and the database --------------------------------------------------------------------------------


def cpu_model():
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def default_workers():
    return 2 * (os.cpu_count() or 1) + 1


def print_machine(workers):
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}; load average {load}")
    print(f"server: gunicorn on {HOST}, {workers} sync workers, DJANGO_DEBUG=off")


def page_cache_summary():
    """One line saying where the workers keep the page cache: the figures of docs/performance.md are on Redis."""
    if os.environ.get("REDIS_URL"):
        return "page cache: Redis (REDIS_URL), shared by the workers"
    return (
        "page cache: each worker's memory, its generation read from the database on every hit (no REDIS_URL; "
        "production and docs/performance.md's throughput figures use Redis: set REDIS_URL)"
    )


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convention_portal.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def database_summary():
    """One line naming the database and how much it holds."""
    from django.db import connection

    from measures.models import Measure

    published = Measure.objects.published().count()
    name = connection.settings_dict["NAME"]
    return f"database: {connection.vendor} ({name}); published measures: {published:,}"


# gunicorn ------------------------------------------------------------------------------------------------------


def production_environment(port):
    """The process environment for a production-like run: debug off, a strong key generated for this run."""
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="convention_portal.settings",
        DJANGO_DEBUG="off",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="off",
        # One address sends every request: the API's per-address throttle would answer 429 to the load itself.
        API_ANON_RATE="100000000/min",
    )
    environment.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    return environment


def port_is_free(port):
    with socket.socket() as probe:
        # As gunicorn binds: connections of a previous run still in TIME_WAIT do not make the port busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def get(port, path, timeout=10):
    """Status of one GET to the server on loopback (no redirect followed)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


class Gunicorn:
    """gunicorn serving the portal on 127.0.0.1:`port`, started after collectstatic, stopped on exit."""

    def __init__(self, port, workers, timeout=REQUEST_TIMEOUT, static_root=None):
        self.port = port
        self.static_root = static_root
        self.workers = workers
        self.timeout = timeout
        self.environment = production_environment(port)
        self.log_dir = tempfile.TemporaryDirectory(prefix="portal-load-")
        self.log_path = Path(self.log_dir.name) / "gunicorn.log"
        self.process = None
        self.use_run_settings()

    def use_run_settings(self):
        """collectstatic and gunicorn with the portal's settings but STATIC_ROOT in this run's temporary folder,
        so that a run writes nothing into the checkout (nor into a STATIC_ROOT a deployment serves from).
        `static_root`, when given, is a folder kept between runs instead (collectstatic then only updates it)."""
        folder = Path(self.log_dir.name)
        module = f"portal_load_settings_{os.getpid()}"
        static_root = Path(self.static_root).resolve() if self.static_root else folder / "static"
        (folder / f"{module}.py").write_text(RUN_SETTINGS.format(static_root=str(static_root)))
        paths = [str(folder), str(PROJECT_DIR), self.environment.get("PYTHONPATH", "")]
        self.environment["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
        self.environment["DJANGO_SETTINGS_MODULE"] = module

    def __enter__(self):
        if not port_is_free(self.port):
            raise SystemExit(f"{HOST}:{self.port} is in use; choose another port with --port.")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=PROJECT_DIR,
            env=self.environment,
            check=True,
        )
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "convention_portal.wsgi",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            str(self.timeout),
            "--error-logfile",
            "-",
        ]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=PROJECT_DIR, env=self.environment, stdout=log, stderr=subprocess.STDOUT
            )
        self.wait_until_healthy()
        return self

    def wait_until_healthy(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start-up:\n{self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if get(self.port, "/healthz", timeout=2) == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"/healthz did not answer 200 within {seconds} s:\n{self.log_tail()}")

    def wait_until_idle(self, seconds=120):
        """Wait until requests queued by a previous load are served: /healthz answers quickly three times running.

        A sync worker still serves what was queued before the load generator closed its connections; the next
        load must not be charged for it.
        """
        deadline = time.monotonic() + seconds
        quick = 0
        while quick < 3 and time.monotonic() < deadline:
            started = time.monotonic()
            with contextlib.suppress(OSError, http.client.HTTPException):
                get(self.port, "/healthz", timeout=REQUEST_TIMEOUT)
            quick = quick + 1 if time.monotonic() - started < 0.2 else 0
            time.sleep(0.1)

    def log_tail(self, lines=30):
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __exit__(self, *exc_info):
        self.stop()
        self.log_dir.cleanup()


# wrk -----------------------------------------------------------------------------------------------------------


def ensure_wrk():
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() != 0:
        raise SystemExit("wrk is not installed: run `sudo apt-get install -y wrk` (Debian/Ubuntu), then try again.")
    print("wrk is not installed; installing it with apt-get", flush=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "wrk"], env=environment).returncode != 0:
        subprocess.run(["apt-get", "update"], env=environment, check=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], env=environment, check=True)
    return shutil.which("wrk") or "/usr/bin/wrk"


@dataclass
class LoadResult:
    label: str
    connections: int
    requests: int
    seconds: float
    latency_ms: dict
    statuses: dict
    socket_errors: dict
    paths: int = 1
    extra: dict = field(default_factory=dict)

    @property
    def per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def bad_statuses(self):
        """Answers other than 2xx and 3xx, by status."""
        return {status: count for status, count in sorted(self.statuses.items()) if not 200 <= int(status) < 400}

    @property
    def errors(self):
        return sum(self.bad_statuses.values()) + sum(self.socket_errors.values())


def run_wrk(label, port, paths, duration, connections):
    """Load `paths` in turn for `duration` seconds over `connections` connections; the figures wrk measured."""
    duration = max(1, min(duration, MAX_DURATION))
    connections = max(1, min(connections, MAX_CONNECTIONS))
    threads = max(1, min(os.cpu_count() or 1, connections))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="portal-paths-") as path_file:
        path_file.write("\n".join(paths) + "\n")
        path_file.flush()
        command = [
            ensure_wrk(),
            f"--threads={threads}",
            f"--connections={connections}",
            f"--duration={duration}s",
            f"--timeout={REQUEST_TIMEOUT}s",
            f"--script={LUA_SCRIPT}",
            f"http://{HOST}:{port}",
            "--",
            path_file.name,
        ]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    line = next((line for line in completed.stdout.splitlines() if line.startswith("WRK_JSON ")), None)
    if completed.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    figures = json.loads(line.removeprefix("WRK_JSON "))
    return LoadResult(
        label=label,
        connections=connections,
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        latency_ms={name: value / 1000 for name, value in figures["latency_us"].items()},
        statuses=figures["statuses"],
        socket_errors={name: count for name, count in figures["errors"].items() if name != "status" and count},
        paths=len(set(paths)),
    )


def check_paths(port, paths):
    """Fetch each distinct address once (warming every worker a little) and report any that does not answer 2xx/3xx."""
    failing = {}
    for path in dict.fromkeys(paths):
        try:
            status = get(port, path, timeout=REQUEST_TIMEOUT)
        except (OSError, http.client.HTTPException) as error:
            status = f"no answer ({error})"
        if not isinstance(status, int) or not 200 <= status < 400:
            failing[path] = status
    for path, status in failing.items():
        print(f"warning: {path} answers {status} before the load")
    return failing


# Output --------------------------------------------------------------------------------------------------------


def print_results(results):
    header = (
        f"{'load':<24} {'conn':>4} {'seconds':>7} {'requests':>9} {'req/s':>8} "
        f"{'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'errors':>6}  non-2xx/3xx, socket errors"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        problems = [f"{status}: {count}" for status, count in result.bad_statuses.items()]
        problems += [f"{name}: {count}" for name, count in result.socket_errors.items()]
        print(
            f"{result.label:<24} {result.connections:>4} {result.seconds:>7.1f} {result.requests:>9,} "
            f"{result.per_second:>8.1f} {result.latency_ms['p50']:>8.1f} {result.latency_ms['p90']:>8.1f} "
            f"{result.latency_ms['p99']:>8.1f} {result.errors:>6}  {', '.join(problems) or 'none'}"
        )


# Scenarios -----------------------------------------------------------------------------------------------------


def throughput(server, duration, connections):
    check_paths(server.port, ["/measures/", "/healthz"])
    server.wait_until_idle()
    list_page = run_wrk("/measures/", server.port, ["/measures/"], duration, connections)
    server.wait_until_idle()
    trivial = run_wrk("/healthz (trivial view)", server.port, ["/healthz"], duration, connections)
    print_results([list_page, trivial])
    ratio = list_page.per_second / trivial.per_second if trivial.per_second else 0.0
    errors = list_page.errors + trivial.errors
    print(
        f"ratio list/trivial at {list_page.connections} connections: {ratio:.2f} "
        f"({list_page.per_second:.1f} / {trivial.per_second:.1f} req/s; target at least 0.80); errors: {errors}"
    )
    return [list_page, trivial]


def mix_paths():
    """A realistic rotation of public addresses, ids taken from the database: lists with and without filters,
    measure pages, search, Parties, the API (list and detail) and French and Spanish pages.

    Returns (kind, path) pairs; each kind's share of the load is its share of the list.
    """
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import translation

    from measures.models import AreaOfMonitoring, CulturalDomain, Measure, MeasureStatus, Party

    measure_ids = list(Measure.objects.published().order_by("pk").values_list("pk", flat=True))
    if not measure_ids:
        raise SystemExit("No published measure in the database: load the reference data and synthetic measures.")
    # Six measure addresses in each turn: a spread of different measures, as visitors arriving from search engines.
    wanted = 6 * TURNS
    sample_ids = measure_ids[:: max(1, len(measure_ids) // wanted)][:wanted]
    parties = list(
        Party.objects.annotate(published=Count("measures", filter=Q(measures__status=MeasureStatus.PUBLISHED)))
        .filter(published__gt=0)
        .exclude(iso3="")
        .order_by("-published", "iso3")[:10]
    )
    areas = list(AreaOfMonitoring.objects.order_by("slug").values_list("slug", flat=True)) or ["artistic-freedom"]
    domains = list(CulturalDomain.objects.order_by("slug").values_list("slug", flat=True)) or ["music"]
    regions = ["I", "II", "III", "IV", "Va", "Vb"]
    words = ["culture", "indigenous festival", "Guanajuato", '"digital platform"', "music -radio"]
    last_page = max(1, len(measure_ids) // 20)

    def localised(language, name, *args):
        with translation.override(language):
            return reverse(name, args=args)

    paths = []
    ids = itertools.cycle(sample_ids)
    for turn in range(TURNS):
        party = parties[turn % len(parties)] if parties else None
        goal, region = turn % 4 + 1, regions[turn % len(regions)]
        area, domain = areas[turn % len(areas)], domains[turn % len(domains)]
        cycle = [
            ("list", "/measures/"),
            ("list", f"/measures/?goal={goal}&region={region}"),
            ("measure page", localised("en", "measures:measure-detail", next(ids))),
            ("list", f"/measures/?party={party.iso3 if party else 'CAN'}&year_from=2015&year_to=2020"),
            ("search", "/measures/?" + urlencode({"q": words[turn % len(words)]})),
            ("API", "/api/v1/measures/"),
            ("measure page", localised("en", "measures:measure-detail", next(ids))),
            ("Parties", "/parties/"),
            ("list", f"/fr/measures/?goal={goal}&region={region}"),
            ("API", f"/api/v1/measures/{next(ids)}/"),
            ("list", f"/measures/?domain={domain}&sort=title"),
            ("measure page", localised("en", "measures:measure-detail", next(ids))),
            ("search", "/measures/?" + urlencode({"q": words[(turn + 2) % len(words)], "goal": goal})),
            ("Parties", party.get_absolute_url() if party else "/parties/can/"),
            ("measure page", localised("fr", "measures:measure-detail", next(ids))),
            ("API", f"/api/v1/measures/?area={area}&page_size=50"),
            ("list", f"/measures/?page={min(last_page, 2 + turn * 37 % 500)}"),
            ("measure page", localised("en", "measures:measure-detail", next(ids))),
            ("Parties", "/es/parties/"),
            ("list", f"/measures/?area={area}&reported_by=civil_society"),
        ]
        paths.extend(cycle)
    return paths


def mix(server, pairs, duration, connections):
    kinds = {}
    for kind, _path in pairs:
        kinds[kind] = kinds.get(kind, 0) + 1
    shares = ", ".join(f"{kind} {count * 100 // len(pairs)}%" for kind, count in kinds.items())
    print(f"mix of {len({path for _kind, path in pairs})} addresses: {shares}")
    paths = [path for _kind, path in pairs]
    check_paths(server.port, paths[:40])
    server.wait_until_idle()
    result = run_wrk("mix", server.port, paths, duration, connections)
    print_results([result])
    print(f"errors: {result.errors} (answers other than 2xx/3xx and socket errors)")
    return [result]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__
    )
    parser.add_argument("scenario", nargs="?", choices=sorted(SCENARIOS), default="throughput")
    parser.add_argument("--duration", type=int, help=f"seconds per load (default 20 or 30; at most {MAX_DURATION})")
    parser.add_argument(
        "--connections",
        type=int,
        nargs="+",
        help=f"open connections, one round per count (default 16 then 50; 50 for the mix; at most {MAX_CONNECTIONS})",
    )
    parser.add_argument(
        "--workers", type=int, default=default_workers(), help="gunicorn workers (default 2 × cores + 1)"
    )
    parser.add_argument(
        "--static-root",
        help="collect the static files here and keep them for the next run (default: a temporary folder)",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"loopback port (default {DEFAULT_PORT})")
    args = parser.parse_args(argv)
    default_duration, default_connections = SCENARIOS[args.scenario]
    duration = min(args.duration or default_duration, MAX_DURATION)
    rounds = [max(1, min(count, MAX_CONNECTIONS)) for count in args.connections or default_connections]

    ensure_wrk()
    setup_django()
    print_machine(args.workers)
    print(page_cache_summary())
    print(database_summary())
    counts = " then ".join(str(count) for count in rounds)
    print(f"scenario: {args.scenario}, {duration} s per load, {counts} connections")
    pairs = mix_paths() if args.scenario == "mix" else None
    from django.db import connections as database_connections

    database_connections.close_all()  # the server's workers open their own
    results = []
    with Gunicorn(args.port, args.workers, static_root=args.static_root) as server:
        for connections in rounds:
            if results:
                server.wait_until_idle()
                print()
            if pairs is not None:
                results += mix(server, pairs, duration, connections)
            else:
                results += throughput(server, duration, connections)
    if args.scenario == "throughput" and len(rounds) > 1:
        print()
        print("summary:")
        for list_page, trivial in zip(results[::2], results[1::2], strict=True):
            ratio = list_page.per_second / trivial.per_second if trivial.per_second else 0.0
            print(
                f"  {list_page.connections:>3} connections: /measures/ {list_page.per_second:.1f} req/s, "
                f"/healthz {trivial.per_second:.1f} req/s, ratio {ratio:.2f} (target at least 0.80), "
                f"errors {list_page.errors + trivial.errors}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

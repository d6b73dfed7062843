"""A bounded load on loopback against gunicorn: the front desk's queue page and the citizen status page, then the
status page beside a ceiling view of the project's own.

    .venv/bin/python benchmarks/load.py [--duration 20] [--clients 8] [--workers 2] [--port 8020] [--solo 10]
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:8000 --number XH-… --code … [--ceiling-pk …]

Without --url it builds a scratch site in a temporary directory (SQLite database, static files, media),
migrates, seeds the demo hall, registers a few requests, and starts
``gunicorn hallservice.wsgi -w 2 -b 127.0.0.1:8020`` with production settings (DJANGO_DEBUG=0, a random
SECRET_KEY, ALLOWED_HOSTS=127.0.0.1; no TLS redirect on loopback) plus the benchmark URLconf
(hallservice/settings_bench.py: the ceiling view at /bench/ceiling/<pk>/); it stops gunicorn and removes the
directory at the end. Each client thread logs in as the demo front desk once, then goes round three pages for the
given time: the queue, the status lookup (number + lookup code, POST, answered by a redirect) and the status page
the redirect leads to. Prints requests/s and p50/p90/p99 latency per page, and any unexpected answers.

Then the status page alone and the ceiling alone (one primary-key lookup and a tiny template behind the same
middleware: what one page can cost at least on this machine), each loaded by the same clients for --solo
seconds, in two alternating halves, and prints their requests/s side by side: the status page's share of the
ceiling. Against a running server (--url) the ceiling needs --ceiling-pk and a server started with
DJANGO_SETTINGS_MODULE=hallservice.settings_bench.

Only the standard library (threads and http.client): PyPI `requests` and locust must stay out of the project's
venv (the app named `requests` shadows it). The clients share the machine with the server, so the figures are
a floor for what the server does, not a capacity test. Prints figures only; no pass/fail threshold.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DESK_USERNAME, DEMO_PASSWORD = "frontdesk", "Hall-demo-2026"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Run in the scratch site's `manage.py shell`: a few requests registered today by the demo front desk; prints the
# number and lookup code of one of them.
REGISTER_REQUESTS = """
import json
from requests.models import Matter
from requests.services import RegistrationInput, request_register
from staff.models import StaffMember
desk = StaffMember.objects.select_related("user").get(user__username="frontdesk").user
matters = list(Matter.objects.filter(is_active=True).order_by("code")[:5])
made = [
    request_register(actor=desk, data=RegistrationInput(kind="assist", matter_id=m.pk,
                     applicant_name="负载测试" + str(i), applicant_id_number="110105198001011238",
                     applicant_phone="13812345678", provided_material_ids=[x.pk for x in m.materials.all()]))
    for i, m in enumerate(matters)
]
print(json.dumps({"number": made[0].number, "code": made[0].lookup_code, "pk": made[0].pk}))
"""


# --- The scratch site ---------------------------------------------------------------------------------------


def scratch_env(directory: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=secrets.token_urlsafe(32),  # keys of their own: the checks refuse SECRET_KEY
        FIELD_HASH_KEY=secrets.token_urlsafe(32),
        SMS_BACKEND="none",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; TLS is the proxy's job in production
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
        STATIC_ROOT=str(directory / "static"),
        MEDIA_ROOT=str(directory / "media"),
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="hallservice.settings_bench",  # the site plus the ceiling view
    )
    return env


def manage(env, *args) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args[:1])} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def build_site(directory: Path, env) -> dict[str, str]:
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--allow-without-debug")
    found = json.loads(manage(env, "shell", "-v", "0", "-c", REGISTER_REQUESTS).strip().splitlines()[-1])
    print(f"scratch site ready in {time.perf_counter() - started:.0f} s ({directory})", flush=True)
    return found


def start_gunicorn(env, port: int, workers: int, directory: Path) -> subprocess.Popen:
    log = open(directory / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(
        [str(GUNICORN), "hallservice.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--error-logfile", "-"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}; see {directory / 'gunicorn.log'}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 60 s")


# --- One client ---------------------------------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    unexpected: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, ok: bool, status: int) -> None:
        with self.lock:
            self.latencies[page].append(seconds)
            if not ok:
                self.unexpected[f"{page} → {status}"] += 1


class Client:
    """One keep-alive connection (reopened when gunicorn closes it) with its own cookie jar."""

    def __init__(self, host: str, port: int):
        self.conn = http.client.HTTPConnection(host, port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, bytes]:
        headers = {"Host": "127.0.0.1", "Accept-Language": "zh-CN"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()  # the worker closed the idle connection: open a new one, once
                if attempt == 2:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(value)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status, response.headers, data

    def csrf_token(self, path: str) -> str:
        _status, _headers, data = self.request("GET", path)
        return CSRF_INPUT.search(data.decode()).group(1)

    def log_in(self) -> None:
        token = self.csrf_token("/accounts/login/")
        form = {"csrfmiddlewaretoken": token, "username": DESK_USERNAME, "password": DEMO_PASSWORD}
        status, headers, _ = self.request("POST", "/accounts/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login of {DESK_USERNAME} failed: {status}")


def run_client(host, port, number, code, until, results: Results, errors: list) -> None:
    try:
        desk, citizen = Client(host, port), Client(host, port)
        desk.log_in()
        lookup_token = citizen.csrf_token("/track/")
        status_path = None
        while time.monotonic() < until:
            started = time.perf_counter()
            status, _h, _b = desk.request("GET", "/requests/")
            results.add("queue (front desk)", time.perf_counter() - started, status == 200, status)

            form = {"csrfmiddlewaretoken": lookup_token, "number": number, "code": code}
            started = time.perf_counter()
            status, headers, _b = citizen.request("POST", "/track/", form)
            location = headers.get("Location", "")
            results.add(
                "status lookup (POST)",
                time.perf_counter() - started,
                status == 302 and "/track/r/" in location,
                status,
            )
            status_path = urlsplit(location).path or status_path

            if status_path:
                started = time.perf_counter()
                status, _h, _b = citizen.request("GET", status_path)
                results.add("status page (GET)", time.perf_counter() - started, status == 200, status)
    except Exception as exc:  # reported after the run
        errors.append(repr(exc))


def status_path_of(host, port, number, code) -> str:
    """The status page's address, from one lookup (its redirect)."""
    citizen = Client(host, port)
    token = citizen.csrf_token("/track/")
    status, headers, _b = citizen.request(
        "POST", "/track/", {"csrfmiddlewaretoken": token, "number": number, "code": code}
    )
    if status != 302:
        raise SystemExit(f"status lookup answered {status}")
    return urlsplit(headers["Location"]).path


def run_page(host, port, path, page, until, results: Results, errors: list) -> None:
    """One client loading one page until ``until``."""
    try:
        client = Client(host, port)
        while time.monotonic() < until:
            started = time.perf_counter()
            status, _h, _b = client.request("GET", path)
            results.add(page, time.perf_counter() - started, status == 200, status)
    except Exception as exc:  # reported after the run
        errors.append(repr(exc))


def solo_pages(host, port, pages: dict[str, str], *, seconds: float, clients: int) -> tuple[Results, dict, list]:
    """Each page alone, by the same clients, in two alternating halves (so the machine's other load falls on
    both alike); the seconds each page was loaded."""
    results, elapsed, errors = Results(), defaultdict(float), []
    for _half in range(2):
        for page, path in pages.items():
            started = time.monotonic()
            until = started + seconds / 2
            threads = [
                threading.Thread(target=run_page, args=(host, port, path, page, until, results, errors))
                for _ in range(clients)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed[page] += time.monotonic() - started
    return results, elapsed, errors


def report_solo(results: Results, elapsed: dict, clients: int) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\neach page alone, {clients} clients (load average {load})")
    print(f"{'page':<22} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}")
    rates = {}
    for page, values in results.latencies.items():
        values = sorted(values)
        rates[page] = len(values) / elapsed[page]
        print(
            f"{page:<22} {len(values):>9} {rates[page]:>8.1f} "
            + " ".join(f"{percentile(values, q) * 1000:>8.1f}" for q in (50, 90, 99))
        )
    if results.unexpected:
        print("unexpected answers:", dict(results.unexpected))
    if len(rates) == 2:
        status, ceiling = rates.values()
        print(f"status page: {status / ceiling:.0%} of the ceiling's requests/s")


# --- Figures ------------------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def report(results: Results, elapsed: float, clients: int) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{clients} clients for {elapsed:.1f} s on {os.cpu_count()} CPUs (load average {load})")
    print(f"{'page':<22} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    total = 0
    for page, values in results.latencies.items():
        values = sorted(values)
        total += len(values)
        print(
            f"{page:<22} {len(values):>9} {len(values) / elapsed:>8.1f} "
            + " ".join(f"{percentile(values, q) * 1000:>8.1f}" for q in (50, 90, 99))
            + f" {values[-1] * 1000:>8.1f}"
        )
    all_values = [v for values in results.latencies.values() for v in values]
    print(f"{'all':<22} {total:>9} {total / elapsed:>8.1f} {statistics.median(all_values) * 1000:>8.1f}")
    if results.unexpected:
        print("unexpected answers:", dict(results.unexpected))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load (default 20)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of the scratch site (default 2)")
    parser.add_argument("--port", type=int, default=8020)
    parser.add_argument("--url", help="load a running server instead of a scratch site (needs --number, --code)")
    parser.add_argument("--number", help="request number for the status lookup (with --url)")
    parser.add_argument("--code", help="its lookup code (with --url)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (database, gunicorn.log)")
    parser.add_argument("--solo", type=float, default=10.0, help="seconds of the status page and the ceiling each")
    parser.add_argument("--ceiling-pk", type=int, help="a request's id for the ceiling (with --url)")
    args = parser.parse_args()

    server = directory = None
    if args.url:
        if not (args.number and args.code):
            parser.error("--url needs --number and --code")
        target = urlsplit(args.url)
        host, port, number, code = target.hostname, target.port or 80, args.number, args.code
        ceiling_pk = args.ceiling_pk
    else:
        directory = Path(tempfile.mkdtemp(prefix="hall-load-"))
        env = scratch_env(directory)
        found = build_site(directory, env)
        host, port, number, code = "127.0.0.1", args.port, found["number"], found["code"]
        ceiling_pk = found["pk"]
        server = start_gunicorn(env, args.port, args.workers, directory)
        print(f"gunicorn -w {args.workers} on 127.0.0.1:{args.port}; loading for {args.duration:g} s …", flush=True)
    try:
        results, errors = Results(), []
        started = time.monotonic()
        until = started + args.duration
        threads = [
            threading.Thread(target=run_client, args=(host, port, number, code, until, results, errors))
            for _ in range(args.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        report(results, time.monotonic() - started, args.clients)
        if errors:
            print(f"{len(errors)} clients stopped early:", *sorted(set(errors)), sep="\n  ")
        if args.solo > 0:
            pages = {"status page (GET)": status_path_of(host, port, number, code)}
            if ceiling_pk is not None:
                pages["ceiling"] = f"/bench/ceiling/{ceiling_pk}/"
            print(f"\nstatus page and ceiling alone, {args.solo:g} s each …", flush=True)
            solo, elapsed, errors = solo_pages(host, port, pages, seconds=args.solo, clients=args.clients)
            report_solo(solo, elapsed, args.clients)
            if errors:
                print(f"{len(errors)} clients stopped early:", *sorted(set(errors)), sep="\n  ")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if directory is not None and not args.keep:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()

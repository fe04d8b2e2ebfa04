"""The benchmark: `make bench`. Prints a table and appends a row to bench/results.json.

1. A fresh PostgreSQL database ``<DATABASE_URL name>_bench``, migrated, with the demo data.
2. Volume data at 1 000 cases: query counts per page (in-process test client).
3. Volume data grown to 20 000 cases, 5 years, 200 meetings, 4 000 paragraphs,
   40 000 financing rows: query counts again, the app's CPU time per page and where the
   time goes per page (queries, templates, Python; the heaviest query's plan), all
   in-process, then page timings over HTTP against gunicorn (2 workers, loopback), each
   as a ratio to a bare Django template view (``/__bench__/bare/``, same middleware,
   login and base layout) served the same way; every request renders its page.
4. Load: 50 concurrent clients for a bounded time: requests/s, p50/p95, errors.
5. With BENCH_CASES above 20 000: grown in SQL to that size (with 2-3 documents per
   case in the search index) and measured again; each page's growth from 20 000.
6. Documents: the 58-page protocol versus raw WeasyPrint of the same HTML, the PDF/A
   and seal steps, an extract, the annual report's figures, DOCX and PDF, the archive
   export of a year's closed cases.

Targets: issue #20 (bench/README.md).
"""

import gc
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results.json"

from bench import crawl  # noqa: E402 - after the path is set

PORT = int(os.environ.get("BENCH_PORT", "8765"))
REQUESTS_PER_PAGE = int(os.environ.get("BENCH_REQUESTS", "100"))
LOAD_CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
SMALL, LARGE = 1_000, int(os.environ.get("BENCH_CASES", "20000"))
WORKERS = 2
MID = min(LARGE, 20_000)  # the ORM generator's size; above it, bench.volume.grow_sql
# BENCH_REUSE=1: measure the bench database as it is (a previous run's), no reloading.
# BENCH_INPROCESS=1: only the in-process figures (queries, CPU times, breakdown); no
# gunicorn, load test or documents. Neither run is added to the history.
REUSE = os.environ.get("BENCH_REUSE") == "1"
INPROCESS = os.environ.get("BENCH_INPROCESS") == "1"


def _bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/norrbotten_cases")
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") or "norrbotten_cases"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}_bench"))


def _recreate_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


BENCH_URL = _bench_database_url()
os.environ.update(
    {
        "DATABASE_URL": BENCH_URL,
        "DJANGO_SETTINGS_MODULE": "norrbotten_cases.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "BENCH_VIEWS": "true",
        "AXES_ENABLED": "false",
        # the public pages' per-address limit (60 a minute): every bench client is 127.0.0.1
        "PUBLIC_RATE_LIMIT": "1000000",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummymail://",  # the demo's workflow e-mails, not printed
    }
)


def setup_django():
    import django

    if REUSE:
        django.setup()
        return
    _recreate_database(BENCH_URL)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", stdout=devnull)


# --- measurements -------------------------------------------------------------------


def pages():
    from decisions.meetings.models import Meeting
    from projects.models import Case

    case = Case.objects.filter(kind="medfinansiering").order_by("-pk").first()
    meeting = Meeting.objects.filter(place="Volym").order_by("pk").first()
    return {
        "bare view": "/__bench__/bare/",
        "case list": "/cases/",
        "case list, filters + search": "/cases/?kind=medfinansiering&year=2021&q=innovation",
        # the same word typed alone: a tenth of the register matches and is ranked
        "case list, a common word": "/cases/?q=innovation",
        "case page": f"/cases/{case.pk}/",
        "meeting page": f"/workflow/sammantraden/{meeting.pk}/",
        "controller dashboard": "/finance/?year=2022",
        "task list (Mina uppgifter)": "/mina-uppgifter/",
        "public e-diarium search": "/e-diarium/?text=innovation",
        # a word in one case: the search must not read the register to find it
        "public e-diarium, a rare word": "/e-diarium/?text=batteri",
        # a party: the applicants, owners, partners and senders named so
        "public e-diarium, a party": "/e-diarium/?party=kommun",
    }


def query_counts(paths: dict) -> dict:
    """Queries per page, rendering it (the second request: caches warm)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for label, path in paths.items():
        username = "controller" if "dashboard" in label else "handlaggare"
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        client.get(path)  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[label] = len(ctx.captured_queries)
    return counts


def cpu_times(paths: dict, rounds: int = 20) -> dict:
    """The app's own CPU time per page (in-process test client, interleaved rounds).

    Not the target measure (that is the HTTP median), but steady when other processes
    load the machine: a busy neighbour stretches wall-clock times, not this. PostgreSQL's
    work is in its own process and not included.
    """
    from django.contrib.auth import get_user_model
    from django.test import Client

    clients = {}
    for username in ("handlaggare", "controller"):
        clients[username] = Client()
        clients[username].force_login(get_user_model().objects.get(username=username))
    labels = list(paths)
    samples: dict[str, list[float]] = {label: [] for label in labels}
    for round_number in range(rounds + 2):
        shift = round_number % len(labels)
        for label in labels[shift:] + labels[:shift]:
            client = clients["controller" if "dashboard" in label else "handlaggare"]
            start = time.process_time()
            assert client.get(paths[label]).status_code == 200
            if round_number >= 2:  # the first two rounds warm up
                samples[label].append((time.process_time() - start) * 1000)
    bare = statistics.median(samples["bare view"])
    return {
        label: {
            "cpu_ms": round(statistics.median(values), 2),
            "ratio_to_bare": round(statistics.median(values) / bare, 2),
        }
        for label, values in samples.items()
    }


def _user_for(label: str) -> str:
    return "controller" if "dashboard" in label else "handlaggare"


def breakdown(paths: dict, rounds: int = 15) -> dict:
    """Where each page's time goes (in-process test client, median of ``rounds``): the
    SQL (wall-clock from execute to rows fetched: the round trip and PostgreSQL's work),
    the templates (this process's CPU time rendering them, less the SQL run from them)
    and the rest, Python (CPU time: views, the ORM building SQL and objects, middleware).
    CPU times stay steady when neighbours load the machine; wall-clock times do not.
    Also each page's heaviest query (median time; not the session, user and groups
    queries every page makes first) and its EXPLAIN ANALYZE plan."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.template.backends.django import Template as BackendTemplate
    from django.test import Client

    state: dict = {}

    def reset():
        state.update(sql=0.0, sql_cpu=0.0, tpl=0.0, sql_in_tpl=0.0, depth=0, queries=[])

    def timed_execute(execute, sql, params, many, context):
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            elapsed_cpu = time.process_time() - cpu
            state["sql"] += elapsed
            state["sql_cpu"] += elapsed_cpu
            if state["depth"]:
                state["sql_in_tpl"] += elapsed_cpu
            state["queries"].append((elapsed, sql, params))

    original_render = BackendTemplate.render

    def timed_render(self, *args, **kwargs):
        state["depth"] += 1
        cpu = time.process_time()
        try:
            return original_render(self, *args, **kwargs)
        finally:
            state["depth"] -= 1
            if not state["depth"]:
                state["tpl"] += time.process_time() - cpu

    clients = {}
    for username in ("handlaggare", "controller"):
        clients[username] = Client()
        clients[username].force_login(get_user_model().objects.get(username=username))
    out = {}
    reset()
    BackendTemplate.render = timed_render
    try:
        with connection.execute_wrapper(timed_execute):
            for label, path in paths.items():
                client = clients[_user_for(label)]
                client.get(path)
                totals, sqls, tpls, pythons, by_sql = [], [], [], [], {}
                for _ in range(rounds):
                    reset()
                    start, cpu = time.perf_counter(), time.process_time()
                    assert client.get(path).status_code == 200
                    totals.append(time.perf_counter() - start)
                    cpu = time.process_time() - cpu
                    template = state["tpl"] - state["sql_in_tpl"]
                    sqls.append(state["sql"])
                    tpls.append(template)
                    pythons.append(cpu - template - state["sql_cpu"])
                    for elapsed, sql, params in state["queries"][3:]:  # after session, user
                        by_sql.setdefault(sql, [params, []])[1].append(elapsed)
                total, sql, tpl, python = (
                    statistics.median(v) * 1000 for v in (totals, sqls, tpls, pythons)
                )
                heaviest, params, heaviest_ms = "", None, 0.0
                if by_sql:
                    heaviest, (params, times) = max(
                        by_sql.items(), key=lambda item: statistics.median(item[1][1])
                    )
                    heaviest_ms = statistics.median(times) * 1000
                out[label] = {
                    "total_ms": round(total, 2),
                    "queries_ms": round(sql, 2),
                    "template_ms": round(tpl, 2),
                    "python_ms": round(max(python, 0.0), 2),
                    "heaviest_query_ms": round(heaviest_ms, 2),
                    "heaviest_query": heaviest,
                    "_params": params,
                }
    finally:
        BackendTemplate.render = original_render
    for values in out.values():
        values["plan"] = _explain(values["heaviest_query"], values.pop("_params"))
    return out


def _explain(sql: str, params) -> list[str]:
    """EXPLAIN ANALYZE of one query (its plan lines), ``Seq Scan``s noted by the caller."""
    from django.db import connection

    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return [f"(no query to explain: {sql[:80]})"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


class Session:
    """A logged-in keep-alive HTTP connection to the local gunicorn."""

    def __init__(self, username: str, password: str = "norrbotten-demo-2020"):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        self.cookies: dict[str, str] = {}
        body = self.get("/accounts/login/")[1]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )
        status, _ = self.request(
            "POST", "/accounts/login/", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 302, f"login failed for {username}: {status}"

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def get(self, path):
        return self.request("GET", path)


def start_gunicorn():
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "norrbotten_cases.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=2).request("GET", "/healthz")
            break
        except OSError:
            time.sleep(0.2)
    return process


def time_pages(paths: dict) -> dict:
    """REQUESTS_PER_PAGE timed requests per page, interleaved.

    Round after round, each page is requested once (in a rotating order), so a change
    in the machine's load during the run hits every page and the bare view alike
    instead of skewing the ratio of whichever page was measured at the time.
    """
    sessions = {"handlaggare": Session("handlaggare"), "controller": Session("controller")}
    labels = list(paths)

    def session_for(label):
        return sessions["controller" if "dashboard" in label else "handlaggare"]

    for label in labels:  # warm up: templates, caches, the first query plans
        for _ in range(3):
            session_for(label).get(paths[label])
    samples: dict[str, list[float]] = {label: [] for label in labels}
    for round_number in range(REQUESTS_PER_PAGE):
        shift = round_number % len(labels)
        for label in labels[shift:] + labels[:shift]:
            start = time.perf_counter()
            status, _ = session_for(label).get(paths[label])
            samples[label].append((time.perf_counter() - start) * 1000)
            assert status == 200, (paths[label], status)
    timings = {}
    for label in labels:
        values = sorted(samples[label])
        timings[label] = {
            "median_ms": round(statistics.median(values), 2),
            "p95_ms": round(values[max(0, int(len(values) * 0.95) - 1)], 2),
        }
    bare = timings["bare view"]["median_ms"]
    for values in timings.values():
        values["ratio_to_bare"] = round(values["median_ms"] / bare, 2)
    return timings


def load_test(paths: dict) -> dict:
    """LOAD_CLIENTS logged-in clients request the pages in turn for LOAD_SECONDS."""
    targets = [p for label, p in paths.items() if label not in NOT_IN_LOAD]
    samples: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    sessions = []

    def login(index):
        try:
            session = Session("controller" if index % 5 == 0 else "handlaggare")
        except Exception as exc:  # noqa: BLE001
            with lock:
                errors.append(f"login: {exc}")
            return
        with lock:
            sessions.append(session)

    logins = [threading.Thread(target=login, args=(i,)) for i in range(LOAD_CLIENTS)]
    for thread in logins:
        thread.start()
    for thread in logins:
        thread.join()
    deadline = time.monotonic() + LOAD_SECONDS

    def client(index, session):
        i = index
        while time.monotonic() < deadline:
            path = targets[i % len(targets)]
            i += 1
            start = time.perf_counter()
            try:
                status, _ = session.get(path)
            except Exception as exc:  # noqa: BLE001
                with lock:
                    errors.append(f"{path}: {exc}")
                session.conn.close()
                continue
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                samples.append(elapsed)
                if status != 200:
                    errors.append(f"{path}: HTTP {status}")

    threads = [
        threading.Thread(target=client, args=(i, session)) for i, session in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples.sort()
    return {
        "clients": LOAD_CLIENTS,
        "seconds": LOAD_SECONDS,
        "requests": len(samples),
        "throughput_rps": round(len(samples) / LOAD_SECONDS, 1),
        "per_worker_rps": round(len(samples) / LOAD_SECONDS / WORKERS, 1),
        "p50_ms": round(samples[len(samples) // 2], 1) if samples else None,
        "p95_ms": round(samples[int(len(samples) * 0.95)], 1) if samples else None,
        "errors": len(errors),
        "error_examples": errors[:5],
    }


def _best_of(func, runs=3):
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None or elapsed < best else best
    return best, result


def documents(meeting) -> dict:
    """The protocol of the long meeting (as long as seed 001's: 58 pages) through the
    app's path against raw WeasyPrint of the same HTML; the PDF/A and seal steps timed
    on their own; an extract; the annual report's figures, DOCX and PDF; the archive
    export (E-ARK SIP) of a year's closed cases."""
    import tempfile

    from django.conf import settings
    from weasyprint import HTML

    from core import pdf as core_pdf
    from core import seal
    from decisions.meetings import documents as protocol_documents
    from reporting.archive.package import build_package
    from reporting.archive.services import closed_cases
    from reporting.documents.content import build_content
    from reporting.documents.pdf import render_pdf as report_pdf
    from reporting.documents.word import render_docx
    from reporting.figures import compute_figures
    from reporting.models import ReportYear

    html = protocol_documents.render_html(kind="protocol", meeting=meeting)
    HTML(string=html, base_url=str(ROOT)).write_pdf()  # warm the font cache for both
    # Interleaved, best of four each: one rendering takes seconds and up to twice that
    # when the machine is busy; the fastest run is the closest to the work itself.
    # Wall-clock is the measure; this process's CPU time is noted beside it (steadier
    # under a busy machine, but without the database's share of our path).
    ours, raw, ours_cpu, raw_cpu = [], [], [], []

    def timed(func, walls, cpus):
        gc.collect()  # each run starts clean: no paying for the previous run's garbage
        wall, cpu = time.perf_counter(), time.process_time()
        result = func()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        return result

    def ours_once():  # the app's path: the meeting's rows, the template, the PDF
        return timed(
            lambda: core_pdf.render_pdf(
                protocol_documents.render_html(kind="protocol", meeting=meeting)
            ),
            ours,
            ours_cpu,
        )

    def raw_once():
        return timed(lambda: HTML(string=html, base_url=str(ROOT)).write_pdf(), raw, raw_cpu)

    for run in range(4):  # alternating which goes first
        if run % 2:
            raw_once()
            plain = ours_once()
        else:
            plain = ours_once()
            raw_once()
    html_time, _ = _best_of(
        lambda: protocol_documents.render_html(kind="protocol", meeting=meeting), runs=3
    )
    pdfa_time, pdfa = _best_of(lambda: core_pdf.render_pdf(html, pdfa=True), runs=2)
    configured = (settings.SEAL_CERTIFICATE, settings.SEAL_KEY)
    with tempfile.TemporaryDirectory() as directory:
        if not seal.seal_configured():  # a throwaway seal, as the tests use
            certificate, key = seal.create_self_signed_seal(
                Path(directory), name="Region Norrbotten", key_size=2048, days=30
            )
            settings.SEAL_CERTIFICATE, settings.SEAL_KEY = str(certificate), str(key)
        seal_time, _ = _best_of(
            lambda: seal.seal_pdf(
                pdfa,
                reason="Protokoll (bench)",
                signers=[seal.SignerLine(name="Bench", role="ordförande", signed_at=_now())],
                location="Luleå",
            ),
            runs=2,
        )
        whole, _ = _best_of(lambda: protocol_documents.render(kind="protocol", meeting=meeting), 1)
        settings.SEAL_CERTIFICATE, settings.SEAL_KEY = configured
    paragraph = meeting.paragraphs.order_by("number").first()
    extract, _ = _best_of(
        lambda: protocol_documents.render(kind="extract", meeting=meeting, paragraph=paragraph)
    )
    figures, _ = _best_of(lambda: compute_figures(2022))
    report = ReportYear.objects.get(year=2022)
    docx, data = _best_of(lambda: render_docx(build_content(report)))
    report_pdf_time, report_pdf_bytes = _best_of(lambda: report_pdf(build_content(report)), 1)
    closed = [case.pk for case in closed_cases(year=2022)]

    def archive():
        with tempfile.TemporaryFile() as handle:
            build_package(closed, handle, objid="nc-sip-bench", label="Avslutade ärenden 2022")
            return handle.tell()

    archive_time, archive_bytes = _best_of(archive, runs=1)
    return {
        "protocol_pdf_s": round(min(ours), 3),
        "raw_weasyprint_s": round(min(raw), 3),
        "protocol_ratio": round(min(ours) / min(raw), 2),
        "protocol_cpu_ratio": round(min(ours_cpu) / min(raw_cpu), 2),
        "protocol_pages": protocol_documents.page_count(plain),
        "protocol_html_s": round(html_time, 3),
        "protocol_pdfa_s": round(pdfa_time, 3),
        "protocol_seal_s": round(seal_time, 3),
        "protocol_final_s": round(whole, 3),
        "extract_pdf_s": round(extract, 3),
        "report_figures_s": round(figures, 4),
        "report_docx_s": round(docx, 3),
        "report_docx_bytes": len(data),
        "report_pdf_s": round(report_pdf_time, 3),
        "report_pdf_bytes": len(report_pdf_bytes),
        "archive_cases": len(closed),
        "archive_s": round(archive_time, 3),
        "archive_bytes": archive_bytes,
    }


def _now():
    import datetime

    return datetime.datetime.now(datetime.UTC)


def _measure(paths: dict, results: dict, size: str) -> None:
    """Query counts, the in-process breakdown and CPU times, then gunicorn's timings."""
    from django.db import connection

    with connection.cursor() as cursor:
        # What autovacuum does to a live database: planner statistics and the
        # visibility map (index-only scans) after the bulk inserts.
        cursor.execute("VACUUM ANALYZE")
    results[f"volume_{size}"] = _volume()
    results[f"queries_{size}"] = query_counts(paths)
    results[f"cpu_{size}"] = cpu_times(paths)
    results[f"breakdown_{size}"] = breakdown(paths)
    results.setdefault("machine", machine())
    # Every other page, at the URLs the 20 000-case crawl found (the same at both sizes).
    found = list(results["crawl_20k"]) if "crawl_20k" in results else None
    results[f"crawl_{size}"] = crawl.crawl(found)
    if INPROCESS:
        return
    connection.close()
    server = start_gunicorn()
    try:
        results[f"pages_{size}"] = time_pages(paths)
        if size == "20k":
            results["load"] = load_test(paths)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _volume() -> dict:
    from decisions.meetings.models import Paragraph
    from financing.models import FinancingRow
    from projects.models import Case, Document

    return {
        "cases": Case.objects.count(),
        "documents": Document.objects.count(),
        "paragraphs": Paragraph.objects.count(),
        "financing_rows": FinancingRow.objects.count(),
    }


def crawl_only() -> int:
    """``BENCH_ONLY=crawl``: the crawl (``bench.crawl``) of the bench database as it is,
    the slowest URLs printed; nothing written."""
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    volume = _volume()
    print(f"{BENCH_URL}: {volume}")
    results = {"volume_20k": volume, "crawl_20k": crawl.crawl()}
    print("\n".join(crawl.report(results)))
    return 0


def breakdown_only() -> int:
    """``BENCH_ONLY=breakdown``: on the bench database as a run (or ``grow_sql``) left it,
    nothing loaded or dropped: ``ANALYZE``, the in-process breakdown and each page's
    heaviest query with its plan, printed; nothing written. For iterating on a query."""
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{BENCH_URL}: {_volume()}")
    print(
        f"  {'page':30} {'total':>7} {'queries':>8} {'template':>9} {'Python':>7} {'heaviest':>9}"
    )
    out = breakdown(pages())
    for label, b in out.items():
        print(
            f"  {label:30} {b['total_ms']:>7} {b['queries_ms']:>8} {b['template_ms']:>9}"
            f" {b['python_ms']:>7} {b['heaviest_query_ms']:>9}"
        )
    for label, b in out.items():
        print(f"\n-- {label}: {b['heaviest_query']}")
        print("\n".join(f"     {line}" for line in b["plan"]))
    return 0


def main():
    if os.environ.get("BENCH_ONLY") == "breakdown":
        return breakdown_only()
    if os.environ.get("BENCH_ONLY") == "crawl":
        return crawl_only()
    started = time.time()
    print(f"Benchmark database: {BENCH_URL}")
    setup_django()
    from bench import history, volume

    results: dict = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "commit": _commit()}
    if REUSE or INPROCESS:
        return partial_run(results)
    print(f"Generating {SMALL} cases ...")
    volume.grow_to(SMALL)
    volume.meetings(40)
    paths = pages()
    results["queries_1k"] = query_counts(paths)
    print(f"Generating {MID} cases, 200 meetings, 4 000 paragraphs ...")
    t0 = time.perf_counter()
    volume.grow_to(MID)
    protocol_meeting = volume.meetings(200)
    results["generation_s"] = round(time.perf_counter() - t0, 1)
    _measure(paths, results, "20k")
    # The documents at 20 000 cases, before any growth: a year's archive export at the
    # large size would convert tens of thousands of PDFs to PDF/A, which times Ghostscript.
    results["documents"] = documents(protocol_meeting)
    if LARGE > MID:
        print(f"Growing to {LARGE} cases and {LARGE * 5 // 2} documents (SQL) ...")
        t0 = time.perf_counter()
        results["generation_large"] = volume.grow_sql(LARGE)
        results["generation_large"]["total_s"] = round(time.perf_counter() - t0, 1)
        _measure(paths, results, "large")
        results["growth"] = {
            label: round(
                results["pages_large"][label]["median_ms"]
                / results["pages_20k"][label]["median_ms"],
                2,
            )
            for label in paths
        }
        # The same growth divided by the bare view's: a change of the machine's speed
        # between the two sizes (a tenth or more in single runs here) moves every page
        # and the bare view alike, so this is what the register's size does to a page.
        bare = results["growth"]["bare view"]
        results["growth_vs_bare"] = {
            label: round(growth / bare, 2) for label, growth in results["growth"].items()
        }
    results["targets"] = targets(results)
    results["duration_s"] = round(time.time() - started, 1)
    if LARGE >= 20_000:  # a full run: kept in the history
        history.append_run(RESULTS, results)
    else:
        print("(a smaller run: not added to bench/results.json)")
    print_table(results)
    return 0 if all(t["met"] for t in results["targets"]) else 1


def partial_run(results: dict) -> int:
    """BENCH_REUSE / BENCH_INPROCESS: a quick look while working (never in the history)."""
    from bench import volume

    if not REUSE:
        volume.grow_to(SMALL)
        volume.meetings(40)
        volume.grow_to(MID)
        volume.meetings(200)
    paths = pages()
    if INPROCESS:
        _measure(paths, results, "20k")
        print_inprocess(results)
        return 0
    _measure(paths, results, "20k")
    for label, t in results["pages_20k"].items():
        print(f"  {label:30} {t['median_ms']:>8} ms {t['ratio_to_bare']:>6}x")
    print_inprocess(results)
    return 0


def print_inprocess(results: dict) -> None:
    print(f"\nIn-process at {results['volume_20k']['cases']} cases (median ms)")
    print(
        f"  {'page':30} {'q':>3} {'CPU':>7} {'x bare':>7} {'total':>7} {'queries':>8}"
        f" {'template':>9} {'Python':>7} {'heaviest':>9}"
    )
    for label, b in results["breakdown_20k"].items():
        cpu = results["cpu_20k"][label]
        print(
            f"  {label:30} {results['queries_20k'][label]:>3} {cpu['cpu_ms']:>7}"
            f" {cpu['ratio_to_bare']:>7} {b['total_ms']:>7} {b['queries_ms']:>8}"
            f" {b['template_ms']:>9} {b['python_ms']:>7} {b['heaviest_query_ms']:>9}"
        )


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return ""


def machine() -> dict:
    """What the timings depend on: cores, their load when timing starts, versions, settings."""
    import platform

    from django.conf import settings
    from django.db import connection

    return {
        "cpus": os.cpu_count(),
        "load_average_at_timing": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "postgres": connection.pg_version,
        "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    }


LISTS = ("case list", "case list, filters + search", "case list, a common word")
# Pages the load test leaves out of its mix (added after its history began: the throughput
# stays comparable between runs).
NOT_IN_LOAD = ("bare view", "case list, a common word", "public e-diarium, a party")
DETAILS = (
    "case page",
    "meeting page",
    "controller dashboard",
    "task list (Mina uppgifter)",
    "public e-diarium search",
    "public e-diarium, a rare word",
    "public e-diarium, a party",
)


def targets(results: dict) -> list[dict]:
    """Issue 20's targets."""
    out = []
    pages = results["pages_20k"]
    for labels, most in ((LISTS, 2.0), (DETAILS, 3.0)):
        for label in labels:
            ratio = pages[label]["ratio_to_bare"]
            out.append(
                {"target": f"{label} <= {most:g}x bare", "value": ratio, "met": ratio <= most}
            )
    for label, small in results["queries_1k"].items():
        large = results["queries_20k"][label]
        most = 8 if label in LISTS or "list" in label or "e-diarium" in label else 12
        out.append(
            {
                "target": f"queries <= {most}, constant: {label}",
                "value": f"{small} / {large}",
                "met": small == large <= most,
            }
        )
    # Growth divided by the bare view's (see main): runs before it was recorded are
    # checked on their raw growth.
    growths = results.get("growth_vs_bare") or results.get("growth", {})
    for label, growth in growths.items():
        if label != "bare view":
            out.append(
                {
                    "target": f"growth to {LARGE}: {label} <= 1.3x (÷ the bare view's growth)",
                    "value": growth,
                    "met": growth <= 1.3,
                }
            )
    # The crawl: every page users reach (bench.crawl), not only the bench's own.
    for size in ("20k", "large"):
        crawled = results.get(f"crawl_{size}")
        if crawled:
            errors = [url for url, t in crawled.items() if t["status"] >= 500]
            out.append(
                {
                    "target": f"crawl at {size}: every page answers (no 5xx)",
                    "value": f"{len(errors)} of {len(crawled)}",
                    "met": not errors,
                }
            )
    if results.get("crawl_large"):
        grown = crawl.grown_urls(
            results["crawl_20k"], results["crawl_large"], results["growth"]["bare view"]
        )
        out.append(
            {
                "target": f"crawl: every page's growth to {LARGE} <= 1.3x (÷ the bare view's;"
                f" pages over {crawl.FLOOR_MS:g} ms)",
                "value": ", ".join(f"{url} {g}x" for url, g in grown[:5]) or "none over",
                "met": not grown,
            }
        )
    d = results["documents"]
    out.append(
        {
            "target": "protocol PDF <= 1.2x raw WeasyPrint",
            "value": d["protocol_ratio"],
            "met": d["protocol_ratio"] <= 1.2,
        }
    )
    for key, name in (
        ("report_docx_s", "annual report DOCX"),
        ("report_pdf_s", "annual report PDF"),
    ):
        out.append({"target": f"{name} < 5 s", "value": d[key], "met": d[key] < 5})
    errors = results["load"]["errors"]
    out.append({"target": "0 errors under load", "value": errors, "met": errors == 0})
    return out


def print_table(results: dict) -> None:
    volume = results["volume_20k"]
    print(f"\nPages at {volume['cases']} cases (gunicorn, 2 workers, loopback)")
    print(
        f"  {'page':30} {'median ms':>10} {'p95 ms':>7} {'x bare':>7}"
        f" {'q@1k':>5} {'q@20k':>6} {'CPU ms':>7} {'x bare':>7}"
    )
    for label, t in results["pages_20k"].items():
        cpu = results["cpu_20k"][label]
        print(
            f"  {label:30} {t['median_ms']:>10} {t['p95_ms']:>7} {t['ratio_to_bare']:>7}"
            f" {results['queries_1k'][label]:>5} {results['queries_20k'][label]:>6}"
            f" {cpu['cpu_ms']:>7} {cpu['ratio_to_bare']:>7}"
        )
    print(
        "  every request renders its page; q: queries; CPU ms: the app's own CPU time per\n"
        "  request, in-process, without PostgreSQL"
    )
    for size in ("20k", "large"):
        if f"breakdown_{size}" not in results:
            continue
        cases = results[f"volume_{size}"]["cases"]
        print(
            f"\nWhere the time goes at {cases} cases (in-process, median ms; total and"
            " queries wall-clock, template and Python CPU time)"
        )
        print(
            f"  {'page':30} {'total':>7} {'queries':>8} {'template':>9} {'Python':>7}"
            f" {'heaviest query':>15}"
        )
        for label, b in results[f"breakdown_{size}"].items():
            print(
                f"  {label:30} {b['total_ms']:>7} {b['queries_ms']:>8} {b['template_ms']:>9}"
                f" {b['python_ms']:>7} {b['heaviest_query_ms']:>15}"
            )
        print("\n  The heaviest query's plan per page (EXPLAIN ANALYZE):")
        for label, b in results[f"breakdown_{size}"].items():
            seq = [line.strip() for line in b["plan"] if "Seq Scan" in line]
            print(f"  -- {label}" + (f"  (seq scans: {len(seq)})" if seq else ""))
            for line in b["plan"][:12]:
                print(f"     {line}")
            if len(b["plan"]) > 12:
                print(f"     ... ({len(b['plan']) - 12} more lines in results.json)")
    if "growth" in results:
        print(
            f"\nGrowth of the median from {volume['cases']} to {results['volume_large']['cases']} cases"
        )
        relative = results.get("growth_vs_bare", {})
        for label, growth in results["growth"].items():
            print(
                f"  {label:30} {results['pages_20k'][label]['median_ms']:>8} ms ->"
                f" {results['pages_large'][label]['median_ms']:>8} ms  {growth}x"
                f"  ({relative.get(label, '–')}x of the bare view's growth)"
            )
        g = results["generation_large"]
        print(f"  generator (SQL): {g}")
    print("\n".join(crawl.report(results)))
    d = results["documents"]
    print("\nDocuments")
    print(
        f"  protocol PDF ({d['protocol_pages']} pages)  {d['protocol_pdf_s']} s"
        f"  raw WeasyPrint {d['raw_weasyprint_s']} s  ratio {d['protocol_ratio']}"
        f" (CPU time {d['protocol_cpu_ratio']}; the HTML step: {d['protocol_html_s']} s)"
    )
    print(
        f"  then PDF/A {d['protocol_pdfa_s']} s (the whole PDF/A rendering), the seal"
        f" {d['protocol_seal_s']} s; the final protocol (PDF/A + seal) {d['protocol_final_s']} s"
    )
    print(
        f"  extract PDF {d['extract_pdf_s']} s; report figures {d['report_figures_s']} s;"
        f" report DOCX {d['report_docx_s']} s ({d['report_docx_bytes']} bytes);"
        f" report PDF {d['report_pdf_s']} s ({d['report_pdf_bytes']} bytes)"
    )
    print(
        f"  archive export (E-ARK SIP) of 2022's {d['archive_cases']} closed cases:"
        f" {d['archive_s']} s ({d['archive_bytes']} bytes)"
    )
    load = results["load"]
    print(
        f"\nLoad: {load['clients']} clients for {load['seconds']} s: {load['requests']} requests"
        f" ({load['throughput_rps']}/s, {load['per_worker_rps']}/s per worker),"
        f" p50 {load['p50_ms']} ms, p95 {load['p95_ms']} ms, errors {load['errors']}"
    )
    print("\nTargets")
    for t in results["targets"]:
        print(f"  [{'x' if t['met'] else ' '}] {t['target']}: {t['value']}")
    m = results["machine"]
    print(
        f"\nMachine: {m['cpus']} CPUs, load average {m['load_average_at_timing']} when timing"
        f" began; Python {m['python']}, PostgreSQL {m['postgres']};"
        f" CONN_MAX_AGE {m['conn_max_age']}; the whole run {results['duration_s']} s,"
        f" volume growth {results['generation_s']} s"
    )
    print(f"Volume: {volume}")


if __name__ == "__main__":
    sys.exit(main())

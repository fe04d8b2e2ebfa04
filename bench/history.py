"""The bench's history: ``bench/results.json`` keeps one row per full run (appended),
and the README's table shows the latest run beside the previous one, so a regression
shows in the diff of the commit that caused it."""

import json
from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- bench:latest -->", "<!-- /bench:latest -->"


def load_runs(path: Path) -> list[dict]:
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    return data if isinstance(data, list) else [data]  # the one-run file of earlier rounds


def append_run(path: Path, results: dict) -> None:
    runs = load_runs(path)
    runs.append(results)
    path.write_text(json.dumps(runs, indent=1, ensure_ascii=False) + "\n")
    write_readme_table(runs)


def _pair(previous, latest, fmt="{}") -> str:
    latest_text = "–" if latest is None else fmt.format(latest)
    if previous is None:
        return latest_text
    return f"{fmt.format(previous)} → **{latest_text}**"


def table(runs: list[dict]) -> str:
    latest = runs[-1]
    previous = runs[-2] if len(runs) > 1 else {}
    pages_then = previous.get("pages_20k", {})
    queries_then = previous.get("queries_20k", {})
    breakdown = latest.get("breakdown_20k", {})
    lines = [
        f"Latest: commit {latest.get('commit', '?')}, {latest.get('started', '?')}"
        f" (load average {latest.get('machine', {}).get('load_average_at_timing', '?')});"
        f" previous: commit {previous.get('commit', '?')}, {previous.get('started', '?')}.",
        "",
        *([f"Notes: {latest['notes']}", ""] if latest.get("notes") else []),
        "| page (20 000 cases) | median ms | x bare | queries | queries / template / Python ms"
        " | growth to the large size (÷ the bare view's) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, now in latest["pages_20k"].items():
        then = pages_then.get(label, {})
        b = breakdown.get(label)
        split = f"{b['queries_ms']} / {b['template_ms']} / {b['python_ms']}" if b else "–"
        lines.append(
            f"| {label} | {_pair(then.get('median_ms'), now['median_ms'])}"
            f" | {_pair(then.get('ratio_to_bare'), now['ratio_to_bare'])}"
            f" | {_pair(queries_then.get(label), latest['queries_20k'][label])}"
            f" | {split} | {_growth(latest, label)} |"
        )
    d, d_then = latest["documents"], previous.get("documents", {})
    load, load_then = latest["load"], previous.get("load", {})
    lines += [
        "",
        "| document / load | previous | latest |",
        "|---|---:|---:|",
        f"| protocol PDF, x raw WeasyPrint | {d_then.get('protocol_ratio', '–')}"
        f" ({d_then.get('protocol_pages', '?')} pages) | {d['protocol_ratio']}"
        f" ({d['protocol_pages']} pages) |",
        f"| protocol PDF s | {d_then.get('protocol_pdf_s', '–')} | {d['protocol_pdf_s']} |",
        f"| PDF/A s, seal s | {d_then.get('protocol_pdfa_s', '–')}, {d_then.get('protocol_seal_s', '–')}"
        f" | {d.get('protocol_pdfa_s', '–')}, {d.get('protocol_seal_s', '–')} |",
        f"| annual report DOCX s, PDF s | {d_then.get('report_docx_s', '–')},"
        f" {d_then.get('report_pdf_s', '–')} | {d['report_docx_s']}, {d.get('report_pdf_s', '–')} |",
        f"| archive export of a year s | {d_then.get('archive_s', '–')} | {d.get('archive_s', '–')} |",
        f"| load: requests/s (per worker) | {load_then.get('throughput_rps', '–')}"
        f" ({load_then.get('per_worker_rps', '–')}) | {load['throughput_rps']}"
        f" ({load.get('per_worker_rps', '–')}) |",
        f"| load: p50 / p95 ms, errors | {load_then.get('p50_ms', '–')} /"
        f" {load_then.get('p95_ms', '–')}, {load_then.get('errors', '–')}"
        f" | {load['p50_ms']} / {load['p95_ms']}, {load['errors']} |",
    ]
    lines += _crawl_lines(latest)
    return "\n".join(lines)


def _crawl_lines(run: dict) -> list[str]:
    """The crawl (every page users reach, ``bench.crawl``): its size, errors and the
    slowest URLs at the large size beside their time at 20 000 cases."""
    small, large = run.get("crawl_20k"), run.get("crawl_large")
    if not small:
        return []
    last = large or small
    errors = sum(1 for t in last.values() if t["status"] >= 500)
    lines = [
        "",
        f"Crawl: {len(small)} URLs (every page users reach, its sorts, filters and last"
        f" page), {errors} errors. The slowest{' at the large size' if large else ''}:",
        "",
        "| URL | ms at 20 000 | ms at the large size | queries |",
        "|---|---:|---:|---:|",
    ]
    for url, t in sorted(last.items(), key=lambda item: -item[1]["ms"])[:8]:
        before = small.get(url, {}).get("ms", "–")
        lines.append(f"| `{url}` | {before} | {t['ms'] if large else '–'} | {t['queries']} |")
    return lines


def write_readme_table(runs: list[dict]) -> None:
    text = README.read_text()
    if START not in text:
        return
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{table(runs)}\n{END}{tail}")


def _growth(run: dict, label: str) -> str:
    """``1.61 (1.34)``: the page's growth and the same divided by the bare view's."""
    growth = run.get("growth", {}).get(label)
    if growth is None:
        return "–"
    relative = run.get("growth_vs_bare", {}).get(label)
    return f"{growth} ({relative})" if relative is not None else str(growth)

"""One result line per benchmark stage: printed with its baseline, its ratio and the machine,
and kept as JSON so that a later run can be compared (``benchmarks/compare.py OLD NEW``).

Stages run in their own processes (each its own peak memory), so a result is appended to
``<BENCH_DIR>/results.jsonl``; ``benchmarks/run.py`` starts that file empty and, at the end,
writes every line of it into ``<BENCH_DIR>/bench-<date>.json`` and ``latest.json``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
from pathlib import Path

OUT = Path(os.environ.get("BENCH_DIR", Path(__file__).resolve().parent / "out"))
RESULTS = OUT / "results.jsonl"


def machine() -> dict:
    """Cores, memory and Python of this machine (the ratio is only meaningful on one machine)."""
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cores": os.cpu_count(), "memory_gib": round(mem, 1), "python": platform.python_version(),
            "machine": platform.machine()}


def machine_text() -> str:
    m = machine()
    return f"{m['cores']} cores, {m['memory_gib']:.0f} GiB"


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def record(stage: str, metric: str, ours: float, baseline_name: str, baseline: float, *,
           unit: str = "s", lower_is_better: bool = True, goal: float | None = None,
           extra: dict | None = None, quiet: bool = False) -> dict:
    """Print and keep one comparison: ``ours`` against ``baseline`` (same run, same machine).

    The ratio is ours / baseline for times (lower is better) and baseline / ours turned
    around for rates, so that a ratio above 1 always means "slower / worse than the
    baseline" when ``lower_is_better`` and "better" otherwise; ``goal`` is the bound the
    ratio must meet (<= goal when lower is better, >= goal otherwise).
    """
    ratio = ours / baseline if baseline else float("inf")
    ok = None if goal is None else (ratio <= goal if lower_is_better else ratio >= goal)
    row = {"stage": stage, "metric": metric, "unit": unit, "ours": ours, "baseline_name": baseline_name,
           "baseline": baseline, "ratio": ratio, "lower_is_better": lower_is_better, "goal": goal,
           "ok": ok, "machine": machine(), **({"extra": extra} if extra else {})}
    if not quiet:
        verdict = "" if goal is None else (
            f" (goal {'<=' if lower_is_better else '>='} {goal:g}x: {'OK' if ok else 'MISSED'})")
        print(f"[{stage}] {metric}: cakupan {ours:,.3g} {unit} vs {baseline_name} {baseline:,.3g} {unit}"
              f" -> ratio {ratio:.2f}x{verdict} [{machine_text()}]", flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a") as f:
        f.write(json.dumps(row) + "\n")
    return row


def start() -> None:
    """A new run: forget the lines of an earlier one."""
    OUT.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("")


def finish(meta: dict) -> Path:
    """All lines of this run as one JSON file beside the printed table; returns its path."""
    import datetime as _dt

    rows = [json.loads(line) for line in RESULTS.read_text().splitlines() if line.strip()]
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    doc = {"when": stamp, "machine": machine(), **meta, "results": rows}
    path = OUT / f"bench-{stamp}.json"
    text = json.dumps(doc, indent=1)
    path.write_text(text)
    (OUT / "latest.json").write_text(text)
    return path

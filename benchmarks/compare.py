"""Compare two `make bench` runs: ``python benchmarks/compare.py OLD.json NEW.json``.

For every stage and metric in either run: cakupan's figure, its baseline and their ratio in
each run, and how the ratio moved ("better" / "worse" by more than ``--tolerance``, default
10 %, else "same"). Ratios are compared rather than raw seconds because the baseline runs
on the same machine in the same run; a run on another machine says so. Exit code 1 when a
ratio got worse beyond the tolerance, so CI or a person can use it as a check.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def load(path: Path) -> dict:
    try:
        doc = json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        sys.exit(f"{path}: not a benchmark result file ({e}); `make bench` writes benchmarks/out/latest.json")
    if "results" not in doc:
        sys.exit(f"{path}: no 'results' in it; `make bench` writes benchmarks/out/latest.json")
    return doc


def key(row: dict) -> tuple[str, str]:
    return row["stage"], row["metric"]


def verdict(old: dict, new: dict, tolerance: float) -> str:
    lower = new.get("lower_is_better", True)
    change = new["ratio"] / old["ratio"] if old["ratio"] else float("inf")
    if lower:
        return "worse" if change > 1 + tolerance else "better" if change < 1 - tolerance else "same"
    return "better" if change > 1 + tolerance else "worse" if change < 1 - tolerance else "same"


def compare(old: dict, new: dict, tolerance: float = 0.10) -> tuple[list[list[str]], int]:
    """Table rows and the number of ratios that got worse."""
    olds = {key(r): r for r in old["results"]}
    news = {key(r): r for r in new["results"]}
    rows, worse = [], 0
    for k in sorted(set(olds) | set(news)):
        o, n = olds.get(k), news.get(k)
        ref = n or o
        cells = [k[0], k[1], ref["baseline_name"]]
        cells += [f"{o['ours']:.4g} / {o['baseline']:.4g} = {o['ratio']:.2f}x" if o else "-",
                  f"{n['ours']:.4g} / {n['baseline']:.4g} = {n['ratio']:.2f}x" if n else "-"]
        if o and n:
            v = verdict(o, n, tolerance)
            worse += v == "worse"
            cells.append(v)
        else:
            cells.append("new" if n else "gone")
        rows.append(cells)
    return rows, worse


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--tolerance", type=float, default=0.10, help="relative change counted as noise (0.10)")
    args = ap.parse_args(argv)
    old, new = load(args.old), load(args.new)
    if old.get("machine", {}).get("cores") != new.get("machine", {}).get("cores") or \
            old.get("machine", {}).get("memory_gib") != new.get("machine", {}).get("memory_gib"):
        print(f"note: the runs are from different machines ({old.get('machine')} vs {new.get('machine')})")
    rows, worse = compare(old, new, args.tolerance)
    head = ["stage", "metric", "baseline", f"old ({old.get('when', '?')})", f"new ({new.get('when', '?')})", "ratio"]
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    print(f"\n{worse} ratio(s) worse by more than {args.tolerance:.0%}")
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())

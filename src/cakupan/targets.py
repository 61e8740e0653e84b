"""Targets of active workers: cascading a provincial target to regencies, and the Ibis
expressions a performance report reads targets and branches with.

Pure: rows in, rows out, or Ibis tables in, Ibis tables out (DuckDB and Spark alike). The
import and the writing of cascaded rows live in :mod:`cakupan.cli.targets`.

A target counts *active distinct workers* (NIKs), the same unit as coverage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import ibis
import numpy as np
from ibis import _

from cakupan.contracts import ALL_SEGMENTS, TARGET_LEVELS
from cakupan.coverage import coverage_by_region, latest_workforce
from cakupan.periods import month_index, period_of
from cakupan.periods import largest_remainder

KEYS = {"employed": "share of employed", "uncovered": "share of uncovered"}
"""Cascade keys -> the phrase written in ``cascaded_from`` (stable English, like reason codes)."""
KEY_LABELS = {
    "employed": ("porsi penduduk bekerja", "share of employed"),
    "uncovered": ("porsi pekerja belum terlindungi", "share of uncovered workers"),
}
LEVEL_WORDS = {
    "PROVINCE": "PROVINCE", "PROVINSI": "PROVINCE", "PROV": "PROVINCE",
    "REGENCY": "REGENCY", "KABUPATEN": "REGENCY", "KAB": "REGENCY", "KOTA": "REGENCY",
    "KAB/KOTA": "REGENCY", "KABUPATEN/KOTA": "REGENCY", "CITY": "REGENCY",
    "BRANCH": "BRANCH", "CABANG": "BRANCH",
}


def normalise_level(level: str) -> str:
    """``provinsi`` -> ``PROVINCE``, ``kab/kota`` -> ``REGENCY``, ``cabang`` -> ``BRANCH``."""
    word = str(level).strip().upper().replace(" ", "").replace(".", "")
    if word not in LEVEL_WORDS:
        raise ValueError(f"level {level!r} tidak dikenal (pilihan: provinsi/province, "
                         "kabupaten/kota/regency, cabang/branch)")
    return LEVEL_WORDS[word]


def normalise_segment(segment: str) -> str:
    """``semua`` -> ``ALL``; segment codes are upper-cased."""
    word = str(segment).strip().upper()
    return ALL_SEGMENTS if word in ("SEMUA", "ALL", "TOTAL") else word


def previous_period(period: str) -> str:
    """``"2021-11"`` -> ``"2021-10"``."""
    return period_of(month_index(period) - 1)


def cascaded_label(province: str, key_name: str, basis: str | None = None) -> str:
    """``PROVINCE 33 × share of employed (2021-08)``."""
    phrase = KEYS.get(key_name, key_name)
    return f"PROVINCE {province} × {phrase}" + (f" ({basis})" if basis else "")


def cascade(targets_rows: Iterable[Mapping], weights: Mapping[str, int], key_name: str,
            basis: str | None = None) -> list[dict]:
    """Split every PROVINCE row of ``targets_rows`` over that province's regencies.

    ``weights`` maps 4-digit regency codes to non-negative integers (e.g. employed persons);
    a province's regencies are the keys that start with its code. The regency targets are
    proportional to the weights, rounded by the largest-remainder method so they add up
    exactly to the province target (ties: the lower regency code). Other levels are ignored.

    Each output row is level REGENCY with the province row's segment, period and source, and
    ``cascaded_from`` = ``"PROVINCE 33 × share of employed (2021-08)"`` (``key_name``:
    ``employed``, ``uncovered`` or a phrase of your own; ``basis``: the figures' period).
    Raises ValueError when a province has no regency with a positive weight.
    """
    bad = {k: w for k, w in weights.items() if w is None or w < 0}
    if bad:
        raise ValueError(f"bobot kaskade harus bilangan tidak negatif: {bad}")
    out: list[dict] = []
    missing: list[str] = []
    for row in targets_rows:
        if row["level"] != "PROVINCE":
            continue
        province = row["area_code"]
        regencies = sorted(c for c in weights if len(c) == 4 and c.startswith(province))
        w = np.array([int(weights[c]) for c in regencies], dtype=np.int64)
        if not regencies or w.sum() <= 0:
            missing.append(f"{province} ({row['period']})")
            continue
        total = int(row["target"])
        shares = largest_remainder(total, w)
        if int(shares.sum()) != total:  # pragma: no cover - largest_remainder guarantees it
            raise AssertionError(f"cascade of {province}: {int(shares.sum())} != {total}")
        label = cascaded_label(province, key_name, basis)
        for code, n in zip(regencies, shares):
            out.append({
                "level": "REGENCY", "area_code": code, "segment": row["segment"],
                "period": row["period"], "target": int(n), "source": row.get("source"),
                "cascaded_from": label,
            })
    if missing:
        raise ValueError("tidak ada bobot kaskade (kabupaten/kota dengan bobot > 0) untuk "
                         f"provinsi {', '.join(missing)}")
    return out


def cascade_weights(key: str, period: str, workforce: ibis.Table,
                    participants: ibis.Table | None = None,
                    within: str | None = None) -> ibis.Table:
    """Regency weights for cascading a target of month ``period``.

    Columns: ``regency_code``, ``weight`` (int64), ``workforce_period`` (the labour-force
    figure's period) and ``activity_period`` (the month active workers were counted in;
    null for ``employed``).

    - ``employed``: employed persons of the latest workforce figure at or before ``period``.
    - ``uncovered``: employed minus active distinct workers in the month before ``period``
      (all segments), floored at 0; regencies without a workforce figure are left out.

    ``within`` keeps one province (or regency) code.
    """
    if key == "employed":
        wf = latest_workforce(workforce, period, "regency")
        out = wf.select(
            regency_code=wf.region_code, weight=wf.employed.cast("int64"),
            workforce_period=wf.workforce_period,
            activity_period=ibis.null().cast("string"),
        )
    elif key == "uncovered":
        if participants is None:
            raise ValueError("kunci 'uncovered' memerlukan tabel participants")
        before = previous_period(period)
        cov = coverage_by_region(participants, workforce, before, "regency")
        cov = cov.filter(cov.employed.notnull())
        out = cov.select(
            regency_code=cov.region_code,
            weight=ibis.greatest(cov.employed - cov.participants, 0).cast("int64"),
            workforce_period=cov.workforce_period,
            activity_period=ibis.literal(before, "string"),
        )
    else:
        raise ValueError(f"kunci kaskade {key!r} tidak dikenal (pilihan: {', '.join(KEYS)})")
    if within:
        out = out.filter(out.regency_code.startswith(within))
    return out.order_by("regency_code")


def weights_basis(rows: Iterable[Mapping]) -> str:
    """The ``basis`` text for :func:`cascade` from :func:`cascade_weights` rows:
    ``2021-08`` (employed) or ``active 2021-10, workforce 2021-08`` (uncovered)."""
    rows = list(rows)
    wf = ", ".join(sorted({r["workforce_period"] for r in rows if r["workforce_period"]}))
    act = sorted({r["activity_period"] for r in rows if r.get("activity_period")})
    return f"active {', '.join(act)}, workforce {wf}" if act else wf


def targets_for(targets: ibis.Table, level: str, segment: str = ALL_SEGMENTS) -> ibis.Table:
    """``period``, ``area_code``, ``target`` of one level and segment, for a performance
    report. BRANCH targets stay at branch level (join :func:`branch_regencies` to sum the
    realisation over a branch's regencies)."""
    lvl = normalise_level(level)
    if lvl not in TARGET_LEVELS:  # pragma: no cover - normalise_level only returns these
        raise ValueError(lvl)
    t = targets.filter(_.level == lvl, _.segment == normalise_segment(segment))
    return t.select("period", "area_code", "target").order_by("period", "area_code")


def branch_regencies(branches: ibis.Table) -> ibis.Table:
    """One row per branch and regency it serves: ``branch_code``, ``branch_name``,
    ``regency_code`` (distinct)."""
    return (branches.select("branch_code", "branch_name", "regency_code").distinct()
            .order_by("branch_code", "regency_code"))

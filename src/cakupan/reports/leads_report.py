"""The outcome of matching a partner list, in one Indonesian sentence."""

from __future__ import annotations

from cakupan.reports.format import integer


def summary(counts: dict[str, int], source: str) -> str:
    """``Dari 1.250 nama di daftar pasar, 412 sudah terlindungi, …`` (Indonesian)."""
    total = sum(counts.values())
    parts = [(counts.get("ACTIVE", 0), "sudah terlindungi"),
             (counts.get("LAPSED", 0), "tidak aktif (calon aktivasi ulang)"),
             (counts.get("NOT_REGISTERED", 0), "belum terdaftar"),
             (counts.get("NEEDS_REVIEW", 0), "perlu diperiksa"),
             (counts.get("INVALID", 0), "tidak bisa dipakai apa adanya"),
             (counts.get("DUPLICATE_IN_LIST", 0), "ganda dalam daftar")]
    said = [f"{integer(n)} {what}" for n, what in parts if n]
    if not said:
        return f"Daftar {source} kosong."
    body = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " dan " + said[-1]
    return f"Dari {integer(total)} nama di daftar {source}, {body}."

"""Months and exact integer splits: the arithmetic every part of cakupan shares.

A period is a month written ``YYYY-MM``; its index is ``year * 12 + month - 1`` so that
months can be added and compared as integers.
"""

from __future__ import annotations

import numpy as np


def month_index(period: str) -> int:
    """``"2021-11"`` -> 24262; raises ValueError with the expected form."""
    try:
        year, month = (int(p) for p in period.split("-"))
    except (ValueError, AttributeError):
        raise ValueError(f"{period!r} is not a month: write YYYY-MM, e.g. 2021-11") from None
    if not 1 <= month <= 12:
        raise ValueError(f"{period!r} is not a month: the month must be 01-12")
    if not 1900 <= year <= 2199:
        raise ValueError(f"{period!r} is not a month cakupan can use: the year must be 1900-2199")
    return year * 12 + month - 1


def period_of(index: int) -> str:
    """24262 -> ``"2021-11"``."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def shift(period: str, months: int) -> str:
    """The month ``months`` after (or before, when negative) ``period``."""
    return period_of(month_index(period) + months)


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included."""
    return [period_of(i) for i in range(month_index(first), month_index(last) + 1)]


def largest_remainder(total: int, weights) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` that sum exactly to it."""
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    out = np.floor(raw).astype(np.int64)
    short = total - int(out.sum())
    if short:
        order = np.argsort(-(raw - out), kind="stable")
        out[order[:short]] += 1
    return out

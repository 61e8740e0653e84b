"""Month arithmetic on integer month indices (year * 12 + month - 1), vectorised."""

from __future__ import annotations

import numpy as np
import polars as pl

from cakupan.periods import month_index, period_of  # noqa: F401  (re-exported for synth)


def periods_expr(col: str) -> pl.Expr:
    """A polars expression turning a month-index column into ``YYYY-MM`` strings."""
    c = pl.col(col)
    return pl.concat_str([
        (c // 12).cast(pl.String).str.zfill(4), pl.lit("-"),
        (c % 12 + 1).cast(pl.String).str.zfill(2),
    ])


def draw_months(rng: np.random.Generator, n: int, first: int, last: int,
                weight) -> np.ndarray:
    """``n`` month indices in ``[first, last]`` drawn with ``weight(month_index)``."""
    months = np.arange(first, last + 1)
    w = np.array([weight(m) for m in months], dtype=float)
    return rng.choice(months, size=n, p=w / w.sum())


def first_day(months: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random day (1-28) in each month, as numpy datetime64[D]."""
    years = months // 12
    base = (years - 1970) * 12 + months % 12
    return base.astype("datetime64[M]").astype("datetime64[D]") + rng.integers(0, 28, len(months))

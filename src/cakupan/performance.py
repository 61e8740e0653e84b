"""Monthly performance: realisation against target, changes, and a year-end projection.

Realisation is active distinct workers per month (the coverage cube, summed over the
regions and segments asked for); new registrations are memberships registered in the
month; lapses are memberships whose last paid month was the month before (they stopped
paying as the month began). The projection uses exponential smoothing (statsmodels ETS,
additive damped trend) fitted on the monthly series, with its prediction interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ibis
from ibis import _

from cakupan import coverage as cov
from cakupan.periods import month_index, period_of

HISTORY_START = "2019-01"


def monthly_flows(participants: ibis.Table, first: str, last: str, within: str | None = None,
                  segment: str | None = None) -> ibis.Table:
    """Per month: new registrations and lapses (membership counts)."""
    p = participants
    if within:
        p = p.filter(p.village_code.startswith(within))
    if segment:
        p = p.filter(p.segment == segment)
    # filter on the raw columns first, then derive the month only for the rows kept
    reg = p.filter(p.registered_date >= ibis.date(cov.month_start(first)),
                   p.registered_date < ibis.date(cov.next_month_start(last)))
    reg = (reg.mutate(period=cov.period_string(cov.month_number(reg.registered_date)))
           .group_by("period").agg(new=_.count()))
    before = period_of(month_index(first) - 1), period_of(month_index(last) - 1)
    lapse = p.filter(p.last_paid_month.between(*before))
    lapse = (lapse.group_by("last_paid_month").agg(lapsed=_.count())
             .mutate(period=cov.period_string(cov.period_number(_.last_paid_month) + 1))
             .select("period", "lapsed"))
    return reg.outer_join(lapse, "period").select(
        period=ibis.coalesce(reg.period, lapse.period),
        new=reg.new.fill_null(0), lapsed=lapse.lapsed.fill_null(0)).order_by("period")


def realisation(cube: ibis.Table, within: str | None = None, segment: str | None = None) -> ibis.Table:
    """Active distinct workers per month from a coverage cube."""
    c = cube
    if within:
        c = c.filter(c.regency_code.startswith(within))
    if segment:
        c = c.filter(c.segment == segment)
    return c.group_by("period").agg(active=_.participants.sum()).order_by("period")


@dataclass(frozen=True)
class Projection:
    period: str
    mean: float
    lower: float
    upper: float
    level: float = 0.8


def project(series: list[int], last_period: str, until: str, level: float = 0.8) -> list[Projection]:
    """Forecast the months after ``last_period`` up to ``until`` with an ETS model
    (additive damped trend); empty when there is nothing to forecast or too little history."""
    steps = month_index(until) - month_index(last_period)
    if steps <= 0 or len(series) < 12:
        return []
    import warnings

    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    first = period_of(month_index(last_period) - len(series) + 1)
    data = pd.Series([float(v) for v in series],
                     index=pd.period_range(first, periods=len(series), freq="M"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel(data, error="add", trend="add", damped_trend=True).fit(disp=False)
        pred = model.get_prediction(start=len(series), end=len(series) + steps - 1)
        frame = pred.summary_frame(alpha=1 - level)
    out = []
    for i, (_label, row) in enumerate(frame.iterrows()):
        out.append(Projection(period_of(month_index(last_period) + i + 1), float(row["mean"]),
                              float(row["pi_lower"]), float(row["pi_upper"]), level))
    return out


def on_track(target: int | None, projection: Projection | None, actual: int | None = None) -> str | None:
    """ON_TRACK (even the low end reaches the target), AT_RISK (the mean does), OFF_TRACK,
    or ACHIEVED/MISSED when the year-end month is already observed; None without a target."""
    if target is None:
        return None
    if actual is not None:
        return "ACHIEVED" if actual >= target else "MISSED"
    if projection is None or math.isnan(projection.mean):
        return None
    if projection.lower >= target:
        return "ON_TRACK"
    return "AT_RISK" if projection.mean >= target else "OFF_TRACK"

"""BPJS Ketenagakerjaan contribution (iuran) calculator: pure functions over the rule data.

Four entry points, one per membership segment, each returning a :class:`Breakdown`:

- :func:`pu` — wage earners (JKK by risk class, JKM, JHT, JP with its wage cap, JKP recomposition)
- :func:`bpu` — non-wage earners (JKK on an income value, flat JKM, optional JHT)
- :func:`jakon` — construction projects, marginal bands on the contract value
- :func:`pmi` — migrant workers, fixed amounts

This module is a facade: the result types, constants and shared rules (periods, rounding,
overrides, uncertain values) live in :mod:`.breakdown`; the segments in :mod:`.wage_earners` (PU),
:mod:`.informal` (BPU), :mod:`.projects` (Jakon) and :mod:`.migrants` (PMI).

Rules (rates, caps, bands, amounts) come only from ``contributions/data/*.csv`` via
:mod:`cakupan.contributions.rules`; nothing else is read and nothing is written.
"""

from __future__ import annotations

from cakupan.contributions.breakdown import (PAYERS, PROGRAMMES, ROMAN, ROUNDING, SIZE_ALIASES,
                                             SPONSOR_PAYER, SPONSOR_TYPES, STATUS_ORDER, Breakdown,
                                             Line, Note)
from cakupan.contributions.informal import bpu, bpu_income_value
from cakupan.contributions.migrants import pmi
from cakupan.contributions.projects import jakon, jakon_fee
from cakupan.contributions.wage_earners import pu

__all__ = ["Breakdown", "Line", "Note", "PAYERS", "PROGRAMMES", "ROMAN", "ROUNDING", "SIZE_ALIASES",
           "SPONSOR_PAYER", "SPONSOR_TYPES", "STATUS_ORDER", "bpu", "bpu_income_value", "jakon",
           "jakon_fee", "pmi", "pu"]

"""Contribution (iuran) calculator for BPJS Ketenagakerjaan: PU, BPU, Jakon and PMI.

Rules are data (``contributions/data/*.csv``, keyed by effective date and regulation, with a
``status`` per row); :mod:`.calculator` holds pure functions returning a :class:`Breakdown`;
:mod:`.report` turns a breakdown into a :class:`cakupan.reports.tables.Report`.
"""

from cakupan.contributions.calculator import (PAYERS, ROUNDING, Breakdown, Line, Note, bpu,
                                               bpu_income_value, jakon, jakon_fee, pmi, pu)

__all__ = ["PAYERS", "ROUNDING", "Breakdown", "Line", "Note", "bpu", "bpu_income_value", "jakon",
           "jakon_fee", "pmi", "pu"]

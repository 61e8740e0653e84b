"""One date parser for every importer: the ways an Indonesian office writes a date.

Day first always (``12/03/1980`` is 12 March): ``DD/MM/YYYY``, ``DD-MM-YYYY``,
``DD.MM.YYYY``; ISO ``YYYY-MM-DD`` and ``YYYY/MM/DD``; ``YYYYMMDD``; month names in
Indonesian or English, in full or abbreviated (``12 Maret 1980``, ``12-Mar-1980``,
``12 Agt 80``, ``March 12, 1980``); Excel serial day numbers (``29350``, five digits); a
time after the date is ignored. A two-digit year is resolved by :class:`YearRule` and the
rule is said in the import summary. A text that is no date, or a date that does not exist
(``31/02/1990``, ``1990-13-01``), gives null with a reason code:

* ``date_unreadable`` -- not written in any known form;
* ``date_impossible`` -- the form is known but the day or the month does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}
EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system as it counts from March 1900 on."""
DATE_REASONS = {
    "date_unreadable": "tidak terbaca sebagai tanggal: tulis DD-MM-YYYY, mis. 12-03-1980",
    "date_impossible": "tanggal itu tidak ada di kalender (hari atau bulan salah)",
}


@dataclass(frozen=True)
class YearRule:
    """Two-digit years: ``yy`` is 20yy when 20yy is at most ``cut``, else 19yy.

    For birth dates ``cut`` = this year - 15 (a birth year is never in the future and a
    worker is of working age); for other dates ``cut`` = this year."""

    cut: int

    @classmethod
    def birth(cls, today: date | None = None, min_age: int = 15) -> YearRule:
        return cls((today or date.today()).year - min_age)

    @classmethod
    def event(cls, today: date | None = None) -> YearRule:
        return cls((today or date.today()).year)

    def describe(self) -> str:
        yy = self.cut % 100
        return (f"tahun dua digit 00-{yy:02d} dibaca 20xx, {yy + 1:02d}-99 dibaca 19xx"
                if yy < 99 else "tahun dua digit dibaca 20xx")


_TIME = r"(?:[ t]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)?$"
_PATTERNS = (  # (regex, order of the captured groups)
    (r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME, "ymd"),
    (r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _TIME, "dmy"),
    (r"^(\d{1,2})[\s\-./]*([a-z]+)\.?[\s\-./,]*(\d{4}|\d{2})" + _TIME, "dny"),
    (r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})" + _TIME, "ndy"),
    (r"^((?:19|20)\d{2})(\d{2})(\d{2})$", "ymd"),
)


def _parts(t: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """(year, month, day as Int32, year written with two digits) from the first pattern
    that matches; nulls when none does."""
    ys, ms, ds, shorts = [], [], [], []
    for regex, order in _PATTERNS:
        groups = {k: t.str.extract(regex, i + 1) for i, k in enumerate(order)}
        month = groups.get("m")
        if month is None:
            month = groups["n"].replace_strict(MONTHS, default=None, return_dtype=pl.Int32).cast(pl.String)
        ys.append(groups["y"])
        ms.append(pl.when(groups["y"].is_not_null()).then(month))
        ds.append(pl.when(groups["y"].is_not_null()).then(groups["d"]))
        shorts.append(groups["y"].str.len_chars() == 2)
    y = pl.coalesce(ys).cast(pl.Int32, strict=False)
    m = pl.coalesce(ms).cast(pl.Int32, strict=False)
    d = pl.coalesce(ds).cast(pl.Int32, strict=False)
    return y, m, d, pl.coalesce(shorts)


def parse_dates(s: pl.Expr, rule: YearRule) -> tuple[pl.Expr, pl.Expr]:
    """``(date, reason code)`` expressions for a text column ``s`` (null in, null out)."""
    t = s.str.strip_chars().str.to_lowercase()
    y, m, d, short = _parts(t)
    y = pl.when(short & (y + 2000 <= rule.cut)).then(y + 2000).when(short).then(y + 1900).otherwise(y)
    text = pl.format("{}-{}-{}", y.cast(pl.String).str.zfill(4), m.cast(pl.String).str.zfill(2),
                     d.cast(pl.String).str.zfill(2))
    written = pl.when(y.is_not_null() & m.is_not_null() & d.is_not_null()).then(text)
    serial = t.str.extract(r"^(\d{5})(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
    from_serial = pl.lit(EXCEL_EPOCH) + pl.duration(days=serial)
    value = pl.coalesce(written.str.to_date("%Y-%m-%d", strict=False), from_serial.cast(pl.Date))
    matched = written.is_not_null() | serial.is_not_null()
    code = (pl.when(t.is_null() | (t == "") | value.is_not_null()).then(pl.lit(None, pl.String))
            .when(matched).then(pl.lit("date_impossible")).otherwise(pl.lit("date_unreadable")))
    return value, code


def parse_date(s: pl.Expr, rule: YearRule | None = None) -> pl.Expr:
    """The date of a text column (see :func:`parse_dates`), null when unreadable."""
    return parse_dates(s, rule or YearRule.event())[0]

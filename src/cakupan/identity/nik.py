"""NIK (Nomor Induk Kependudukan): the 16-digit Indonesian resident identity number.

Layout ``PP KK CC DDMMYY SSSS`` (FACTS.md section 3): PP province, KK regency/city,
CC district (kecamatan) -- together the 6-digit district code of the place of *issue* --
DD day of birth (+40 for women), MM month, YY two-digit year, SSSS serial (not 0000).

Two front ends share one set of rules:

* :func:`parse_nik` for one value (Python), returning a :class:`NikInfo`;
* :func:`validate_nik_frame` for millions of values (Polars
  expressions, no per-row Python).

An unknown 6-digit district prefix is a *warning*: a NIK keeps the code it was issued
under, and codes are retired when a regency splits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import polars as pl

# Problem codes (stable, English) ------------------------------------------------------
EMPTY = "empty"
MANGLED = "mangled"  # destroyed by a spreadsheet (3.37401E+15, 3374014101900001.0)
NOT_DIGITS = "not_digits"
BAD_LENGTH = "bad_length"
UNKNOWN_PROVINCE = "unknown_province"
BAD_REGENCY = "bad_regency"
BAD_DISTRICT = "bad_district"
BAD_DAY = "bad_day"
BAD_MONTH = "bad_month"
BAD_DATE = "bad_date"
BAD_SERIAL = "bad_serial"
UNKNOWN_DISTRICT = "unknown_district"  # a warning, not an error

_SCIENTIFIC = r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$"
_FLOAT_FORM = r"^\d+[.,]0+$"
_STRIP = r"[\s.\-']"
_SCIENTIFIC_RE = re.compile(_SCIENTIFIC)
_FLOAT_FORM_RE = re.compile(_FLOAT_FORM)
_STRIP_RE = re.compile(_STRIP)
_LEAD = r"^[\s']+"
_LEAD_RE = re.compile(_LEAD)


@dataclass(frozen=True)
class NikInfo:
    """The parts of a NIK, or why it is not one."""

    raw: str | None
    nik: str | None
    """The cleaned value (digits only unless the value is mangled or not digits)."""
    valid: bool
    problem: str | None = None
    """Problem code when invalid (see the module constants)."""
    message: str | None = None
    """Indonesian sentence a clerk can act on."""
    warning: str | None = None
    """``unknown_district`` when the 6-digit prefix is not in the region master."""
    district_code: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    serial: str | None = None

    @property
    def province_code(self) -> str | None:
        return self.district_code[:2] if self.district_code else None

    @property
    def regency_code(self) -> str | None:
        return self.district_code[:4] if self.district_code else None


@lru_cache(maxsize=None)
def _codes(length: int) -> frozenset[str]:
    from cakupan.regions import names

    return frozenset(c for c in names() if len(c) == length)


def province_codes() -> frozenset[str]:
    """Known 2-digit province codes."""
    return _codes(2)


def district_codes() -> frozenset[str]:
    """Known 6-digit district (kecamatan) codes."""
    return _codes(6)


def _pre_clean(s: object) -> str:
    """Trim whitespace and leading apostrophes (Excel's 'text' marker)."""
    return _LEAD_RE.sub("", str(s)).strip()


def is_mangled(s: object) -> bool:
    """True when a spreadsheet turned the number into a float (scientific or ``.0`` form)."""
    if s is None:
        return False
    t = _pre_clean(s)
    return any(_SCIENTIFIC_RE.match(x) or _FLOAT_FORM_RE.match(x)
               for x in (t.replace(" ", ""), _STRIP_RE.sub("", t)))


def clean_nik(s: object) -> str:
    """Strip spaces, dots, dashes and apostrophes (Excel's leading text marker).

    Values a spreadsheet mangled (:func:`is_mangled`) are only trimmed, never "repaired":
    their digits are not the person's NIK any more, and keeping the float form lets the
    problem be reported. Idempotent: ``clean_nik(clean_nik(s)) == clean_nik(s)``.
    """
    if s is None:
        return ""
    t = _pre_clean(s)
    if is_mangled(t):
        return t.replace(" ", "")
    return _STRIP_RE.sub("", t)


def infer_year(yy: int, today: date | None = None) -> int:
    """Two-digit year -> 20YY when that is not after this year, else 19YY."""
    this_year = (today or date.today()).year
    return 2000 + yy if 2000 + yy <= this_year else 1900 + yy


def message_for(problem: str, nik: str = "") -> str:
    """The Indonesian sentence for a problem code (``nik`` is the cleaned value)."""
    return {
        EMPTY: "NIK kosong",
        MANGLED: f"NIK rusak oleh spreadsheet ({nik}): ekspor ulang kolom sebagai teks",
        NOT_DIGITS: ("NIK hanya boleh berisi angka, ada tanda lain: "
                     f"'{''.join(c for c in nik if c not in '0123456789')}'"),
        BAD_LENGTH: f"NIK harus 16 digit, tertulis {len(nik)} digit",
        UNKNOWN_PROVINCE: f"NIK diawali kode provinsi {nik[:2]} yang tidak ada",
        BAD_REGENCY: "NIK: kode kabupaten/kota (digit 3-4) tidak boleh 00",
        BAD_DISTRICT: "NIK: kode kecamatan (digit 5-6) tidak boleh 00",
        BAD_DAY: f"NIK: tanggal lahir {nik[6:8]} tidak mungkin (1-31, perempuan 41-71)",
        BAD_MONTH: f"NIK: bulan lahir {nik[8:10]} tidak mungkin (01-12)",
        BAD_DATE: f"NIK: tanggal lahir {nik[6:8]}-{nik[8:10]}-{nik[10:12]} tidak ada di kalender",
        BAD_SERIAL: "NIK: nomor urut (4 digit terakhir) tidak boleh 0000",
    }[problem]


def parse_nik(s: object, today: date | None = None) -> NikInfo:
    """Parse and validate one NIK; never raises."""
    raw = None if s is None else str(s)
    nik = clean_nik(s)

    def bad(code: str) -> NikInfo:
        return NikInfo(raw, nik or None, False, code, message_for(code, nik))

    if not nik:
        return bad(EMPTY)
    if is_mangled(nik):
        return bad(MANGLED)
    if not nik.isascii() or not nik.isdigit():
        return bad(NOT_DIGITS)
    if len(nik) != 16:
        return bad(BAD_LENGTH)
    if nik[:2] not in province_codes():
        return bad(UNKNOWN_PROVINCE)
    if nik[2:4] == "00":
        return bad(BAD_REGENCY)
    if nik[4:6] == "00":
        return bad(BAD_DISTRICT)
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if not (1 <= day <= 31 or 41 <= day <= 71):
        return bad(BAD_DAY)
    if not 1 <= month <= 12:
        return bad(BAD_MONTH)
    try:
        born = date(infer_year(yy, today), month, day - 40 if female else day)
    except ValueError:
        return bad(BAD_DATE)
    if nik[12:] == "0000":
        return bad(BAD_SERIAL)
    district = nik[:6]
    return NikInfo(
        raw, nik, True,
        warning=None if district in district_codes() else UNKNOWN_DISTRICT,
        district_code=district, birth_date=born, sex="P" if female else "L", serial=nik[12:],
    )


def make_nik(district_code: str, birth_date: date, sex: str, serial: int | str) -> str:
    """Build a NIK from its parts (tests and synthetic data)."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{district_code}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{int(serial):04d}"


# -- vectorised ------------------------------------------------------------------------
def _nik_stages(col: str, p: str, today: date | None) -> list[dict[str, pl.Expr]]:
    """Column-building stages for :func:`validate_nik_frame`.

    Each stage refers to columns made by the one before, so Polars computes every part
    once (one deep expression tree would be re-evaluated in every branch).
    """
    this_year = (today or date.today()).year
    n, length, day, month, yy = (pl.col(f"{p}_{k}") for k in ("clean", "_len", "_day", "_month", "_yy"))
    t = pl.col(col).cast(pl.String).str.replace(_LEAD, "").str.strip_chars()
    female = day > 40
    shaped = pl.col(f"{p}__shaped")
    born = pl.col(f"{p}_birth_date_any")
    problem = pl.col(f"{p}_problem")
    valid = problem.is_null()
    return [
        {f"{p}__t": t},
        {f"{p}__mangled": (
            pl.col(f"{p}__t").str.replace_all(" ", "", literal=True).str.contains(f"{_SCIENTIFIC}|{_FLOAT_FORM}")
            | pl.col(f"{p}__t").str.replace_all(_STRIP, "").str.contains(f"{_SCIENTIFIC}|{_FLOAT_FORM}")
        ).fill_null(False)},
        {f"{p}_clean": pl.when(pl.col(f"{p}__mangled"))
            .then(pl.col(f"{p}__t").str.replace_all(" ", "", literal=True))
            .otherwise(pl.col(f"{p}__t").str.replace_all(_STRIP, "")).replace("", None)},
        {f"{p}__len": n.str.len_chars().fill_null(0),
         f"{p}__digits": n.str.contains(r"^[0-9]+$").fill_null(False)},
        {f"{p}__shaped": pl.col(f"{p}__digits") & (length == 16)},
        {f"{p}__day": pl.when(shaped).then(n.str.slice(6, 2).cast(pl.Int32, strict=False)),
         f"{p}__month": pl.when(shaped).then(n.str.slice(8, 2).cast(pl.Int32, strict=False)),
         f"{p}__yy": pl.when(shaped).then(n.str.slice(10, 2).cast(pl.Int32, strict=False))},
        {f"{p}_birth_date_any": pl.date(
            pl.when(yy + 2000 <= this_year).then(yy + 2000).otherwise(yy + 1900),
            pl.when(month.is_between(1, 12)).then(month).otherwise(1),
            1,
        ) + pl.duration(days=pl.when(female).then(day - 41).otherwise(day - 1))},
        {f"{p}_problem": (
            pl.when(n.is_null()).then(pl.lit(EMPTY))
            .when(pl.col(f"{p}__mangled")).then(pl.lit(MANGLED))
            .when(~pl.col(f"{p}__digits")).then(pl.lit(NOT_DIGITS))
            .when(length != 16).then(pl.lit(BAD_LENGTH))
            .when(~n.str.slice(0, 2).is_in(sorted(province_codes()))).then(pl.lit(UNKNOWN_PROVINCE))
            .when(n.str.slice(2, 2) == "00").then(pl.lit(BAD_REGENCY))
            .when(n.str.slice(4, 2) == "00").then(pl.lit(BAD_DISTRICT))
            .when(~(day.is_between(1, 31) | day.is_between(41, 71))).then(pl.lit(BAD_DAY))
            .when(~month.is_between(1, 12)).then(pl.lit(BAD_MONTH))
            .when(born.dt.day() != pl.when(female).then(day - 40).otherwise(day)).then(pl.lit(BAD_DATE))
            .when(n.str.slice(12, 4) == "0000").then(pl.lit(BAD_SERIAL))
            .otherwise(pl.lit(None, dtype=pl.String)))},
        {f"{p}_valid": valid,
         f"{p}_message": (
            pl.when(problem == EMPTY).then(pl.lit(message_for(EMPTY)))
            .when(problem == MANGLED).then(
                pl.format("NIK rusak oleh spreadsheet ({}): ekspor ulang kolom sebagai teks", n))
            .when(problem == NOT_DIGITS).then(pl.format(  # the characters, never the NIK itself
                "NIK hanya boleh berisi angka, ada tanda lain: '{}'", n.str.replace_all("[0-9]", "")))
            .when(problem == BAD_LENGTH).then(pl.format("NIK harus 16 digit, tertulis {} digit", length))
            .when(problem == UNKNOWN_PROVINCE).then(
                pl.format("NIK diawali kode provinsi {} yang tidak ada", n.str.slice(0, 2)))
            .when(problem == BAD_REGENCY).then(pl.lit(message_for(BAD_REGENCY)))
            .when(problem == BAD_DISTRICT).then(pl.lit(message_for(BAD_DISTRICT)))
            .when(problem == BAD_DAY).then(pl.format(
                "NIK: tanggal lahir {} tidak mungkin (1-31, perempuan 41-71)", n.str.slice(6, 2)))
            .when(problem == BAD_MONTH).then(
                pl.format("NIK: bulan lahir {} tidak mungkin (01-12)", n.str.slice(8, 2)))
            .when(problem == BAD_DATE).then(pl.format(
                "NIK: tanggal lahir {}-{}-{} tidak ada di kalender",
                n.str.slice(6, 2), n.str.slice(8, 2), n.str.slice(10, 2)))
            .when(problem == BAD_SERIAL).then(pl.lit(message_for(BAD_SERIAL)))),
         f"{p}_warning": pl.when(valid & ~n.str.slice(0, 6).is_in(sorted(district_codes())))
            .then(pl.lit(UNKNOWN_DISTRICT)),
         f"{p}_district_code": pl.when(valid).then(n.str.slice(0, 6)),
         f"{p}_birth_date": pl.when(valid).then(born),
         f"{p}_sex": pl.when(valid).then(pl.when(female).then(pl.lit("P")).otherwise(pl.lit("L"))),
         f"{p}_serial": pl.when(valid).then(n.str.slice(12, 4))},
    ]


NIK_FRAME_COLUMNS = ("clean", "valid", "problem", "message", "warning", "district_code",
                     "birth_date", "sex", "serial")
"""The columns :func:`validate_nik_frame` adds, after its ``{prefix}_``."""


def validate_nik_frame(df: pl.DataFrame | pl.LazyFrame, col: str = "nik",
                       today: date | None = None, prefix: str | None = None):
    """``df`` plus columns that parse ``col`` the way :func:`parse_nik` does, vectorised.

    Added columns are ``{prefix}_`` + each of :data:`NIK_FRAME_COLUMNS` (prefix defaults to
    ``col``): ``clean`` (cleaned value), ``valid``, ``problem`` (code or null), ``message``
    (Indonesian), ``warning`` (``unknown_district`` or null), ``district_code``,
    ``birth_date``, ``sex`` and ``serial`` (null when invalid). A LazyFrame stays lazy.
    """
    p = prefix or col
    lf = df.lazy()
    for stage in _nik_stages(col, p, today):
        lf = lf.with_columns(**stage)
    lf = lf.drop([c for c in lf.collect_schema().names() if c.startswith(f"{p}__")]
                 + [f"{p}_birth_date_any"])
    return lf if isinstance(df, pl.LazyFrame) else lf.collect()

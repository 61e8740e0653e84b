"""Noise for synthetic partner lists: what clerks, spreadsheets and partners do to identities.

Each kind of noise is a rate in :class:`Noise`. :func:`apply_noise` applies them to whole
columns with numpy and Polars (no per-row Python) and marks, per row, which noise it
applied under the rate's name (``nik_typo``, ``old_spelling`` ...). A noise is marked only
when it changed the value (old spelling of a name without ``u``, ``j``, ``y``, ``c`` ... is
the same name, and is not marked).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np
import polars as pl

from cakupan.synth.names import MALE, old_spelling_series  # noqa: F401  (re-exported)

NIK_NOISE = ("nik_missing", "nik_typo", "nik_mangled", "nik_formatted")
"""The NIK noises exclude one another: a row gets at most one of them."""
TITLES = {"L": ("H. ", "H. ", "Drs. "), "P": ("Hj. ", "Hj. ", "Dra. ")}
DEGREES = (", S.Pd.", ", S.E.", ", S.Pd.I.", ", S.Kom.", ", A.Md.", ", S.H.", ", S.Kep.")
MUHAMMAD = ("M.", "Moh.", "Muh.")
TYPO_LETTERS = "aeiounrstkmgdh"


@dataclass(frozen=True)
class Noise:
    """Share (0-1) of a list's rows given each kind of noise; override any of them, e.g.
    ``dataclasses.replace(KINDS["pkl"].noise, nik_missing=0.2)`` or ``Noise.none()``."""

    nik_missing: float = 0.05
    """NIK left empty (blank, or ``-``)."""
    nik_typo: float = 0.03
    """One digit changed, or two adjacent (different) digits transposed."""
    nik_mangled: float = 0.03
    """Spreadsheet damage: ``3.37401E+15``; precision lost (``3374012503801230``,
    ``3374012503800000``); or a trailing ``.0``."""
    nik_formatted: float = 0.04
    """Harmless layout (spaces, dots, a leading apostrophe) that the importer cleans."""
    old_spelling: float = 0.03
    """Name in the pre-1972 spelling (``Joko Cahyono`` -> ``Djoko Tjahjono``)."""
    title: float = 0.02
    """``H.`` / ``Hj.`` / ``Drs.`` / ``Dra.`` before the name."""
    degree: float = 0.0
    """``, S.Pd.``, ``, S.E.`` ... after the name."""
    patronymic: float = 0.02
    """``bin X`` / ``binti X`` appended."""
    muhammad: float = 0.4
    """Share of the names containing Muhammad that write it ``M.``, ``Moh.`` or ``Muh.``."""
    upper_case: float = 0.08
    """Name in upper case."""
    name_typo: float = 0.03
    """One letter of the name replaced by another."""
    date_swapped: float = 0.03
    """Share of the birth dates that can be swapped (day <= 12, day != month) written with
    day and month swapped."""
    date_missing: float = 0.03
    """Birth date left empty."""
    sex_missing: float = 0.03
    """Sex left empty (blank, or ``-``)."""
    duplicate: float = 0.015
    """Share of the rows that repeat a person already on the list, with their own noise."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"noise {f.name} = {value}: a rate must be between 0 and 1")
        if sum(getattr(self, k) for k in NIK_NOISE) > 1.0:
            raise ValueError(f"the NIK noises ({', '.join(NIK_NOISE)}) exclude one another: "
                             "their rates must add up to at most 1")

    @classmethod
    def none(cls) -> Noise:
        """No noise at all: every row as the registry (or the person) has it."""
        return cls(**{f.name: 0.0 for f in fields(cls)})

    def rates(self) -> dict[str, float]:
        return asdict(self)


LABELS = tuple(f.name for f in fields(Noise))
"""Every noise name, in the order the truth's ``noise`` column lists them."""


def _scatter(s: pl.Series, idx: np.ndarray, values: pl.Series) -> pl.Series:
    out = s.clone()
    if len(idx):
        out.scatter(idx, values)
    return out


def _digits(niks: pl.Series) -> np.ndarray:
    """``m`` 16-digit strings -> an (m, 16) array of ASCII codes."""
    raw = "".join(niks.to_list()).encode("ascii")
    return np.frombuffer(raw, dtype=np.uint8).reshape(len(niks), 16).copy()


def _from_digits(d: np.ndarray) -> pl.Series:
    return pl.Series(np.ascontiguousarray(d).view("S16").ravel().astype("U16"), dtype=pl.String)


def nik_typo(niks: pl.Series, rng: np.random.Generator) -> pl.Series:
    """Half of the NIKs get two adjacent different digits transposed, the rest one digit changed."""
    m = len(niks)
    if m == 0:
        return niks
    d, rows = _digits(niks), np.arange(m)
    p = rng.integers(0, 15, m)
    a, b = d[rows, p].copy(), d[rows, p + 1].copy()
    swap = (rng.random(m) < 0.5) & (a != b)
    d[rows[swap], p[swap]], d[rows[swap], p[swap] + 1] = b[swap], a[swap]
    q, step = rng.integers(0, 16, m), rng.integers(1, 10, m)
    ch = rows[~swap]
    d[ch, q[ch]] = (d[ch, q[ch]] - 48 + step[ch]) % 10 + 48
    return _from_digits(d)


def nik_mangled(niks: pl.Series, rng: np.random.Generator) -> pl.Series:
    """What a spreadsheet makes of a 16-digit number: ``3.37401E+15`` (40 %), 15 significant
    digits (``…1230``, 25 %), 11-12 digits (``3374012503800000``, 15 %), ``….0`` (20 %)."""
    m = len(niks)
    if m == 0:
        return niks
    form = rng.choice(4, m, p=[0.40, 0.25, 0.15, 0.20])
    keep = np.where(form == 1, 15, rng.integers(11, 13, m))
    s = pl.col("s")
    r = ((s.str.slice(0, 7).cast(pl.Int64) + 5) // 10).cast(pl.String)
    frac = r.str.slice(1).str.strip_chars_end("0")
    sci = pl.concat_str([r.str.slice(0, 1),
                         pl.when(frac != "").then(pl.lit(".") + frac).otherwise(pl.lit("")), pl.lit("E+15")])
    sci = pl.when(r.str.len_chars() > 6).then(pl.lit("1E+16")).otherwise(sci)
    return pl.DataFrame({"s": niks, "form": form, "keep": keep}).select(
        pl.when(pl.col("form") == 0).then(sci)
        .when(pl.col("form") == 3).then(s + ".0")
        .otherwise(s.str.slice(0, pl.col("keep")).str.pad_end(16, "0"))
    ).to_series()


def nik_formatted(niks: pl.Series, rng: np.random.Generator) -> pl.Series:
    """``3374 0125 0380 1234``, ``337401 250380 1234``, ``33.74.01.250380.1234``, ``'3374…``."""
    s = pl.col("s")

    def part(offset: int, length: int) -> pl.Expr:
        return s.str.slice(offset, length)

    return pl.DataFrame({"s": niks, "form": rng.integers(0, 4, len(niks))}).select(
        pl.when(pl.col("form") == 0)
        .then(pl.concat_str([part(0, 4), part(4, 4), part(8, 4), part(12, 4)], separator=" "))
        .when(pl.col("form") == 1)
        .then(pl.concat_str([part(0, 6), part(6, 6), part(12, 4)], separator=" "))
        .when(pl.col("form") == 2)
        .then(pl.concat_str([part(0, 2), part(2, 2), part(4, 2), part(6, 6), part(12, 4)], separator="."))
        .otherwise(pl.lit("'") + s)
    ).to_series()


def _pick(options: tuple[str, ...], rng: np.random.Generator, n: int) -> pl.Series:
    return pl.Series(options, dtype=pl.String).gather(rng.integers(0, len(options), n))


def name_typo(names: pl.Series, rng: np.random.Generator) -> pl.Series:
    """One letter (not the first, not a space) replaced by a different lower-case letter."""
    m = len(names)
    letters = pl.Series(list(TYPO_LETTERS))
    a = rng.integers(0, len(letters), m)
    b = (a + rng.integers(1, len(letters), m)) % len(letters)
    frame = pl.DataFrame({"s": names, "u": rng.random(m), "a": letters.gather(a), "b": letters.gather(b)})
    s, length = pl.col("s"), pl.col("s").str.len_chars()
    p = (pl.col("u") * (length - 1)).floor().cast(pl.Int64) + 1
    frame = frame.with_columns(p=pl.when(s.str.slice(p, 1) == " ").then(p - 1).otherwise(p))
    p = pl.col("p")
    old = s.str.slice(p, 1)
    new = pl.when(old.str.to_lowercase() == pl.col("a")).then(pl.col("b")).otherwise(pl.col("a"))
    return frame.select(pl.when(length >= 3).then(
        pl.concat_str([s.str.slice(0, p), new, s.str.slice(p + 1)])).otherwise(s)).to_series()


def _blanks(rng: np.random.Generator, n: int) -> pl.Series:
    """How an empty cell is written: mostly left blank, sometimes ``-``."""
    return pl.select(pl.when(pl.Series(rng.random(n) < 0.7)).then(pl.lit(None, pl.String))
                     .otherwise(pl.lit("-"))).to_series()


def _mask(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    return rng.random(n) < rate


def _names(frame: pl.DataFrame, noise: Noise, rng: np.random.Generator) -> tuple[pl.Series, dict]:
    """Name noises in a fixed order: Muhammad, old spelling, typo, title, patronymic,
    degree, upper case; each marked only where it changed the name."""
    n = frame.height
    name, sex = frame["name"], frame["sex"]
    flags: dict[str, np.ndarray] = {}

    def step(label: str, mask: np.ndarray, fn) -> None:
        nonlocal name
        idx = np.flatnonzero(mask & name.is_not_null().to_numpy())
        before = name.gather(idx)
        after = fn(before, idx)
        name = _scatter(name, idx, after)
        changed = np.zeros(n, dtype=bool)
        changed[idx] = (before != after).fill_null(False).to_numpy()
        flags[label] = changed

    has_muhammad = name.str.contains(r"(?i)\bmuhammad\b").fill_null(False).to_numpy()
    step("muhammad", has_muhammad & _mask(rng, n, noise.muhammad),
         lambda s, idx: pl.DataFrame({"s": s, "r": _pick(MUHAMMAD, rng, len(s))}).select(
             pl.col("s").str.replace(r"(?i)\bmuhammad\b", pl.col("r"))).to_series())
    step("old_spelling", _mask(rng, n, noise.old_spelling), lambda s, idx: old_spelling_series(s))
    step("name_typo", _mask(rng, n, noise.name_typo), lambda s, idx: name_typo(s, rng))
    male_titles, female_titles = _pick(TITLES["L"], rng, n), _pick(TITLES["P"], rng, n)
    step("title", _mask(rng, n, noise.title), lambda s, idx: pl.select(
        pl.when(sex.gather(idx) == "P").then(female_titles.gather(idx)).otherwise(male_titles.gather(idx)) + s
    ).to_series())
    fathers = _pick(tuple(MALE), rng, n)
    step("patronymic", _mask(rng, n, noise.patronymic), lambda s, idx: pl.select(pl.concat_str([
        s, pl.when(sex.gather(idx) == "P").then(pl.lit(" binti ")).otherwise(pl.lit(" bin ")),
        fathers.gather(idx)])).to_series())
    step("degree", _mask(rng, n, noise.degree), lambda s, idx: s + _pick(DEGREES, rng, len(s)))
    step("upper_case", _mask(rng, n, noise.upper_case), lambda s, idx: s.str.to_uppercase())
    return name, flags


def _nik(frame: pl.DataFrame, noise: Noise, rng: np.random.Generator) -> tuple[pl.Series, dict]:
    n = frame.height
    nik = frame["nik"]
    cuts = np.cumsum([getattr(noise, k) for k in NIK_NOISE])
    which = np.searchsorted(cuts, rng.random(n), side="right")  # len(NIK_NOISE) = none
    shaped = nik.str.contains(r"^\d{16}$").fill_null(False).to_numpy()
    flags = {}
    blank = _blanks(rng, n)
    for k, (label, fn) in enumerate(zip(NIK_NOISE, (None, nik_typo, nik_mangled, nik_formatted))):
        mask = (which == k) & (shaped | (k == 0)) & nik.is_not_null().to_numpy()
        idx = np.flatnonzero(mask)
        before = nik.gather(idx)
        after = blank.gather(idx) if fn is None else fn(before, rng)
        nik = _scatter(nik, idx, after)
        flags[label] = np.zeros(n, dtype=bool)
        flags[label][idx] = before.ne_missing(after).to_numpy()
    return nik, flags


def apply_noise(frame: pl.DataFrame, noise: Noise, rng: np.random.Generator) -> pl.DataFrame:
    """``frame`` (nik, name, birth_date, sex) with noise applied to those four columns, plus a
    boolean column per noise label (all but ``duplicate``), True where it was applied."""
    n = frame.height
    nik, nik_flags = _nik(frame, noise, rng)
    name, name_flags = _names(frame, noise, rng)
    born = frame["birth_date"]
    day, month = born.dt.day().to_numpy(), born.dt.month().to_numpy()
    missing = _mask(rng, n, noise.date_missing) & born.is_not_null().to_numpy()
    swappable = (day <= 12) & (day != month) & ~missing
    swapped = swappable & _mask(rng, n, noise.date_swapped)
    idx = np.flatnonzero(swapped)
    sub = born.gather(idx)
    born = _scatter(born, idx, pl.DataFrame({"d": sub}).select(
        pl.date(pl.col("d").dt.year(), pl.col("d").dt.day(), pl.col("d").dt.month())).to_series())
    born = _scatter(born, np.flatnonzero(missing), pl.Series([None] * int(missing.sum()), dtype=pl.Date))
    sex_missing = _mask(rng, n, noise.sex_missing) & frame["sex"].is_not_null().to_numpy()
    sex_blank = _blanks(rng, n)
    sex = pl.select(pl.when(pl.Series(sex_missing)).then(sex_blank).otherwise(frame["sex"])).to_series()
    flags = {**nik_flags, **name_flags, "date_swapped": swapped, "date_missing": missing,
             "sex_missing": sex_missing}
    return frame.with_columns(nik=nik, name=name, birth_date=born, sex=sex,
                              **{f"noise_{k}": pl.Series(v) for k, v in flags.items()})

"""A synthetic BPJS Kesehatan (JKN) membership extract consistent with the registry, with truth.

The health insurer's extract lists, for one month, its members with their JKN segment
(PPU wage earners, PBPU informal workers, PBI paid by the state, BP non-workers), class,
employer (BPJS Kesehatan's own employer code, name, NPWP and regency) and reported wage.
:func:`make_extract` draws one from the warehouse's participants and employers for a period:

- every employer with active wage earners in the period appears with (nearly) all of them,
  wages as reported to BPJamsostek (a few per cent either way);
- planted **PDS-TK** employers also declare workers to JKN that BPJamsostek does not have
  (new people, and former participants whose membership lapsed);
- planted **PDS-upah** employers report most workers' wages to BPJamsostek far lower
  (JKN wage 1.3-2.5 times the BPJamsostek wage);
- **PTD** employers are not registered with BPJamsostek at all (new names, new NPWPs);
- **BPU leads**: PBPU members of working age with no active BPJamsostek membership (new
  people and lapsed participants), beside PBPU members who are active BPU participants, PBPU
  members over 64 and PBI / BP members (none of them a case);
- inactive JKN rows (not a case) and rows without a usable NIK (missing or cut short).

The truth says, row by row, who the person is, the case (``PDS_TK``, ``PDS_UPAH``, ``PTD``,
``BPU_LEAD`` or ``NONE``) and the employer's true NPP (none for PTD). Pure and vectorised:
tables in, frames out; only :func:`write_extract` writes. The same inputs and seed give the
same extract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from cakupan.periods import month_index
from cakupan.synth.employers import FORMS, WORDS, make_npwp
from cakupan.synth.lists import _fresh_niks, _places
from cakupan.synth.names import make_names
from cakupan.synth.people import REFERENCE_DAY, birth_dates

CASES = ("PDS_TK", "PDS_UPAH", "PTD", "BPU_LEAD")
"""Case types: worker missing, wage under-reported, unregistered employer, informal lead."""
HEADERS = (("NO KARTU", "jkn_number"), ("NIK", "nik"), ("NAMA", "name"), ("TGL LAHIR", "birth_date"),
           ("JENIS KELAMIN", "sex"), ("KODE DESA", "village_code"), ("SEGMEN", "segment"),
           ("KELAS", "class"), ("KODE BADAN USAHA", "employer_id"), ("NAMA BADAN USAHA", "employer_name"),
           ("NPWP BADAN USAHA", "employer_npwp"), ("KAB/KOTA BADAN USAHA", "employer_regency"),
           ("GAJI", "wage"), ("STATUS", "status"), ("PERIODE", "period"))
"""The extract's Indonesian headers and the importer's field names."""
TRUTH_COLUMNS = ("row_number", "person_nik", "in_registry", "case", "employer_id", "true_npp",
                 "employer_case", "nik_usable")
FIRST_ROW = 2
"""The importer's row number of the first data row of a CSV or XLSX extract."""
PTD_WORDS = ("Perkasa Gemilang Cemerlang Nusantara Samudra Angkasa Persada Prima Lestari "
             "Kencana Wijaya Buana Mega Cipta Graha Tunggal Sakti Dharma Bhakti").split()
"""Names of unregistered employers come from other words than registered ones'."""


@dataclass(frozen=True)
class JknMix:
    """How many of each case the extract plants (shares, see :func:`make_extract`)."""

    pds_tk_employers: float = 0.15
    """Share of registered employers that hide part of their workforce from BPJamsostek."""
    hidden_share: tuple[float, float] = (0.2, 0.8)
    """Hidden workers as a share of the employer's registered ones (at least one)."""
    pds_upah_employers: float = 0.10
    under_reported_share: float = 0.7
    """Share of a PDS-upah employer's workers whose BPJamsostek wage is under-reported."""
    wage_factor: tuple[float, float] = (1.3, 2.5)
    ptd_employers: float = 0.05
    """Unregistered employers, as a share of the registered ones."""
    ptd_mean_workers: float = 10.0
    pbpu_leads: float = 0.10
    """Informal leads as a share of the registry's active wage earners."""
    lapsed_share: float = 0.3
    """Share of hidden workers and informal leads who are former (lapsed) participants."""
    pbpu_covered: float = 0.6
    """Share of active BPU participants who are PBPU members of JKN."""
    pbpu_elderly: float = 0.02
    pbi_bp: float = 0.10
    """PBI and BP members, as a share of the registry's active wage earners."""
    inactive: float = 0.02
    no_nik: float = 0.02
    missing_from_jkn: float = 0.02
    """Registered active wage earners missing from the JKN extract."""


def _period_end(period: str) -> date:
    nxt = month_index(period) + 1
    return date(nxt // 12, nxt % 12 + 1, 1)


def _active(participants: pl.DataFrame, period: str) -> pl.Expr:
    return (pl.col("last_paid_month") >= period) & (pl.col("registered_date") < _period_end(period))


def _villages_in(rng: np.random.Generator, regency: pl.Series) -> pl.Series:
    """A random village in each row's regency (4-digit code)."""
    v = _places().select("code", "regency_code").sort("code")
    start = v.with_row_index("i").group_by("regency_code").agg(pl.col("i").min().alias("first"),
                                                                 pl.len().alias("n"))
    frame = pl.DataFrame({"regency_code": regency}).join(start, on="regency_code", how="left",
                                                         maintain_order="left")
    idx = frame["first"].to_numpy() + np.floor(rng.random(len(frame)) * frame["n"].to_numpy()).astype(np.int64)
    return v["code"].gather(idx)


def _new_people(rng: np.random.Generator, villages: pl.Series, taken: pl.Series,
                elderly: bool = False) -> pl.DataFrame:
    """People outside the registry living in ``villages``, NIKs consistent with them and not
    in ``taken`` (serials from 5000, as the partner lists' new people)."""
    n = len(villages)
    female = rng.random(n) < 0.45
    born = (REFERENCE_DAY - (rng.uniform(66, 85, n) * 365.25).astype("timedelta64[D]")
            if elderly else birth_dates(rng, n))
    old = (born < np.datetime64("1972-01-01")) & (rng.random(n) < 0.5)
    frame = pl.DataFrame({"village_code": villages, "birth_date": born, "female": female,
                          "serial": rng.integers(5000, 10_000, n), "name": make_names(rng, female, old)})
    bd = pl.col("birth_date")
    nik = pl.concat_str([
        pl.col("village_code").str.slice(0, 6),
        (bd.dt.day() + pl.when(pl.col("female")).then(40).otherwise(0)).cast(pl.String).str.zfill(2),
        bd.dt.month().cast(pl.String).str.zfill(2), (bd.dt.year() % 100).cast(pl.String).str.zfill(2),
        pl.col("serial").cast(pl.String)])
    frame = frame.with_columns(nik=nik)
    return frame.select(
        person_nik=_fresh_niks(frame["nik"], taken), name="name", birth_date="birth_date",
        sex=pl.when("female").then(pl.lit("P")).otherwise(pl.lit("L")), village_code="village_code",
        in_registry=pl.lit(False))


def _pick(rng: np.random.Generator, frame: pl.DataFrame, share: float) -> pl.DataFrame:
    n = int(round(frame.height * share))
    return frame[np.sort(rng.choice(frame.height, min(n, frame.height), replace=False))] if n else frame.head(0)


def _round_wage(x: np.ndarray) -> np.ndarray:
    return (np.round(x / 1000) * 1000).astype(np.int64)


def _employer_spelling(rng: np.random.Generator, name: pl.Series) -> pl.Series:
    """How BPJS Kesehatan has the name: as registered, upper case, ``PT.`` or the form last."""
    style = pl.Series(rng.integers(0, 4, len(name)))
    form = name.str.extract(r"^(\S+) ", 1)
    rest = name.str.replace(r"^\S+ ", "")
    return (pl.DataFrame({"name": name, "style": style, "form": form, "rest": rest}).select(
        pl.when(pl.col("style") == 1).then(pl.col("name").str.to_uppercase())
        .when((pl.col("style") == 2) & pl.col("form").is_in(["PT", "CV", "UD"]))
        .then(pl.col("form") + pl.lit(". ") + pl.col("rest"))
        .when((pl.col("style") == 3) & pl.col("form").is_in(["PT", "CV", "UD"]))
        .then(pl.col("rest").str.to_uppercase() + pl.lit(", ") + pl.col("form"))
        .otherwise(pl.col("name"))).to_series())


def _npwp_forms(rng: np.random.Generator, npwp: pl.Series) -> pl.Series:
    """NPWPs as BPJS Kesehatan has them: 15 digits, dotted, the 16-digit form or missing."""
    style = pl.Series(rng.choice(4, len(npwp), p=[0.65, 0.15, 0.12, 0.08]))
    d = npwp
    dotted = pl.concat_str([d.str.slice(0, 2), pl.lit("."), d.str.slice(2, 3), pl.lit("."),
                            d.str.slice(5, 3), pl.lit("."), d.str.slice(8, 1), pl.lit("-"),
                            d.str.slice(9, 3), pl.lit("."), d.str.slice(12, 3)])
    return pl.DataFrame({"d": d, "s": style}).select(
        pl.when(pl.col("s") == 1).then(dotted).when(pl.col("s") == 2).then(pl.lit("0") + pl.col("d"))
        .when(pl.col("s") == 3).then(pl.lit(None, pl.String)).otherwise(pl.col("d"))).to_series()


def _registry(participants: pl.DataFrame, employers: pl.DataFrame, period: str):
    """(active wage earners, one row per NIK with their employer; lapsed people; active BPU people)."""
    p = participants.with_columns(_active=_active(participants, period).fill_null(False))
    any_active = p.group_by("nik").agg(pl.col("_active").any().alias("active_any"))
    pu = (p.filter(pl.col("_active") & (pl.col("segment") == "PU") & pl.col("npp").is_not_null())
          .sort("nik", "kpj").unique("nik", keep="first", maintain_order=True)
          .join(employers.select("npp", emp_name="name", npwp="npwp", regency_code="regency_code"),
                on="npp", how="inner", maintain_order="left"))
    latest = (p.sort("nik", "registered_date", descending=[False, True])
              .unique("nik", keep="first", maintain_order=True)
              .join(any_active, on="nik", maintain_order="left"))
    lapsed = latest.filter(~pl.col("active_any"))
    bpu = (p.filter(pl.col("_active") & (pl.col("segment") == "BPU")).unique("nik", keep="first",
                                                                           maintain_order=True)
           .join(pu.select("nik"), on="nik", how="anti"))
    return pu, lapsed, bpu


def _rows(persons: pl.DataFrame, **values) -> pl.DataFrame:
    """``persons`` in the extract's shape, with ``values`` as constant or per-row columns."""
    out = persons.select("person_nik", "name", "birth_date", "sex", "village_code", "in_registry")
    cols = {}
    for k, v in values.items():
        cols[k] = v if isinstance(v, pl.Series) else pl.lit(v)
    return out.with_columns(**cols)


SHAPE = {"segment": pl.String, "class": pl.String, "employer_id": pl.String, "employer_name": pl.String,
         "employer_npwp": pl.String, "employer_regency": pl.String, "wage": pl.Int64, "status": pl.String,
         "case": pl.String, "true_npp": pl.String, "employer_case": pl.String}


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns([pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
                               for c, t in SHAPE.items()])


def make_extract(participants: pl.DataFrame | pa.Table, employers: pl.DataFrame | pa.Table,
                 period: str = "2021-11", seed: int = 7,
                 mix: JknMix = JknMix()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(extract, truth)``: a JKN extract for ``period`` and, row by row, the truth.

    The extract has the importer's field names (:data:`HEADERS`, all text); the truth has
    :data:`TRUTH_COLUMNS` with ``row_number`` the importer's row number in a CSV or XLSX.
    """
    month_index(period)
    rng = np.random.default_rng(seed)
    part = participants if isinstance(participants, pl.DataFrame) else pl.from_arrow(participants)
    emp = employers if isinstance(employers, pl.DataFrame) else pl.from_arrow(employers)
    pu, lapsed, bpu = _registry(part, emp, period)
    if pu.height == 0:
        raise ValueError(f"the registry has no active wage earners in {period}: generate it first "
                         "(cakupan synth) or choose another period")
    taken = part["nik"].unique()
    employers_in = pu.group_by("npp", maintain_order=True).agg(
        pl.col("emp_name").first(), pl.col("npwp").first(), pl.col("regency_code").first(),
        workers=pl.len()).sort("npp")
    n_emp = employers_in.height
    role = rng.random(n_emp)
    tk = role < mix.pds_tk_employers
    upah = (role >= mix.pds_tk_employers) & (role < mix.pds_tk_employers + mix.pds_upah_employers)
    # BPJS Kesehatan's own employer codes: 8 digits, unrelated to the NPP
    codes = (30_000_000 + rng.permutation(n_emp + 10_000)[:n_emp]).astype(str)
    employers_in = employers_in.with_columns(
        employer_id=pl.Series(codes), tk=pl.Series(tk), upah=pl.Series(upah),
        employer_name=_employer_spelling(rng, employers_in["emp_name"]),
        employer_npwp=_npwp_forms(rng, employers_in["npwp"]))
    employers_in = employers_in.with_columns(employer_case=pl.concat_str(
        [pl.when("tk").then(pl.lit("PDS_TK")), pl.when("upah").then(pl.lit("PDS_UPAH"))],
        separator=";", ignore_nulls=True).replace("", "NONE"))

    # registered workers (a few missing from JKN), wages as reported or under-reported
    pu = pu.join(employers_in.select("npp", "employer_id", "employer_name", "employer_npwp", "upah",
                                     "employer_case"), on="npp", maintain_order="left")
    pu = pu.filter(pl.Series(rng.random(pu.height) >= mix.missing_from_jkn))
    under = pu["upah"].to_numpy() & (rng.random(pu.height) < mix.under_reported_share)
    factor = np.where(under, rng.uniform(*mix.wage_factor, pu.height), rng.uniform(0.98, 1.05, pu.height))
    registered = _rows(pu.rename({"nik": "person_nik"}).with_columns(in_registry=pl.lit(True)),
                       segment="PPU", employer_id=pu["employer_id"], employer_name=pu["employer_name"],
                       employer_npwp=pu["employer_npwp"], employer_regency=pu["regency_code"],
                       wage=pl.Series(_round_wage(pu["wage"].to_numpy() * factor)), status="AKTIF",
                       case=pl.Series(np.where(under, "PDS_UPAH", "NONE")), true_npp=pu["npp"],
                       employer_case=pu["employer_case"])

    # hidden workers of PDS-TK employers: new people and lapsed former participants
    hid = employers_in.filter("tk")
    n_hidden = np.maximum(1, np.round(hid["workers"].to_numpy() * rng.uniform(*mix.hidden_share, hid.height)))
    slot = hid[np.repeat(np.arange(hid.height), n_hidden.astype(np.int64))]
    from_lapsed = rng.random(slot.height) < mix.lapsed_share
    lapsed_pool = lapsed.sample(fraction=1.0, shuffle=True, seed=int(rng.integers(1 << 31)))
    k = min(int(from_lapsed.sum()), lapsed_pool.height // 2)
    from_lapsed[np.flatnonzero(from_lapsed)[k:]] = False
    used_lapsed, lapsed_pool = lapsed_pool.head(k), lapsed_pool.slice(k)
    fresh = _new_people(rng, _villages_in(rng, slot.filter(pl.Series(~from_lapsed))["regency_code"]), taken)
    people = pl.concat([used_lapsed.select(person_nik="nik", name="name", birth_date="birth_date", sex="sex",
                                           village_code="village_code", in_registry=pl.lit(True)), fresh])
    slot = pl.concat([slot.filter(pl.Series(from_lapsed)), slot.filter(pl.Series(~from_lapsed))])
    umk_like = pu["wage"].median()
    hidden = _rows(people, segment="PPU", employer_id=slot["employer_id"], employer_name=slot["employer_name"],
                   employer_npwp=slot["employer_npwp"], employer_regency=slot["regency_code"],
                   wage=pl.Series(_round_wage(umk_like * rng.lognormal(0.0, 0.3, slot.height))),
                   status="AKTIF", case="PDS_TK", true_npp=slot["npp"], employer_case=slot["employer_case"])

    # PTD: employers BPJamsostek does not know, all their workers new people
    n_ptd = max(1, int(round(n_emp * mix.ptd_employers)))
    ptd_regency = employers_in["regency_code"].gather(rng.integers(0, n_emp, n_ptd))
    w = rng.integers(0, len(PTD_WORDS), (n_ptd, 2))
    forms = FORMS[rng.integers(0, len(FORMS), n_ptd)]
    ptd_names = [f"{f} {PTD_WORDS[a]} {PTD_WORDS[b]} {i + 1}".replace("_", " ") for i, (f, (a, b))
                 in enumerate(zip(forms, w))]
    ptd_npwp = pl.Series(make_npwp(rng, n_ptd))
    ptd_npwp = pl.Series(np.where(pl.Series(ptd_npwp).is_in(emp["npwp"].drop_nulls().implode()).to_numpy(),
                                  None, ptd_npwp.to_numpy()), dtype=pl.String)
    ptd = pl.DataFrame({"employer_id": (40_000_000 + np.arange(n_ptd) * 13 + rng.integers(0, 13, n_ptd)).astype(str),
                        "employer_name": ptd_names, "employer_npwp": _npwp_forms(rng, ptd_npwp.fill_null("")).replace("", None),
                        "regency_code": ptd_regency})
    sizes = 1 + rng.geometric(1 / mix.ptd_mean_workers, n_ptd)
    slot = ptd[np.repeat(np.arange(n_ptd), sizes)]
    people = _new_people(rng, _villages_in(rng, slot["regency_code"]), taken)
    ptd_rows = _rows(people, segment="PPU", employer_id=slot["employer_id"], employer_name=slot["employer_name"],
                     employer_npwp=slot["employer_npwp"], employer_regency=slot["regency_code"],
                     wage=pl.Series(_round_wage(umk_like * rng.lognormal(0.0, 0.3, slot.height))),
                     status="AKTIF", case="PTD", employer_case="PTD")

    # PBPU: leads (new and lapsed), active BPU participants, the elderly; PBI and BP members
    n_leads = int(round(pu.height * mix.pbpu_leads))
    k = min(int(round(n_leads * mix.lapsed_share)), lapsed_pool.height // 2)
    regencies = pu["regency_code"]
    lead_people = pl.concat([
        lapsed_pool.head(k).select(person_nik="nik", name="name", birth_date="birth_date", sex="sex",
                                   village_code="village_code", in_registry=pl.lit(True)),
        _new_people(rng, _villages_in(rng, regencies.gather(rng.integers(0, pu.height, n_leads - k))), taken)])
    lapsed_pool = lapsed_pool.slice(k)
    classes = pl.Series(rng.choice(["1", "2", "3"], max(1, lead_people.height),
                                   p=[0.1, 0.3, 0.6]))
    leads = _rows(lead_people, segment="PBPU", klass=classes.head(lead_people.height), status="AKTIF",
                  case="BPU_LEAD")
    covered = _pick(rng, bpu, mix.pbpu_covered)
    covered = _rows(covered.select(person_nik="nik", name="name", birth_date="birth_date", sex="sex",
                                   village_code="village_code", in_registry=pl.lit(True)),
                    segment="PBPU", klass="3", status="AKTIF", case="NONE")
    n_old = max(1, int(round(pu.height * mix.pbpu_elderly)))
    elderly = _rows(_new_people(rng, _villages_in(rng, regencies.gather(rng.integers(0, pu.height, n_old))),
                                taken, elderly=True), segment="PBPU", klass="3", status="AKTIF", case="NONE")
    n_pbi = int(round(pu.height * mix.pbi_bp))
    pbi_people = _new_people(rng, _villages_in(rng, regencies.gather(rng.integers(0, pu.height, n_pbi))), taken)
    pbi = _rows(pbi_people, segment=pl.Series(rng.choice(["PBI", "BP"], n_pbi, p=[0.85, 0.15])),
                klass="3", status="AKTIF", case="NONE")
    # inactive JKN members at registered employers: not a case in this month
    n_off = int(round(pu.height * mix.inactive))
    at = employers_in[rng.integers(0, n_emp, n_off)]
    off = _rows(_new_people(rng, _villages_in(rng, at["regency_code"]), taken), segment="PPU",
                employer_id=at["employer_id"], employer_name=at["employer_name"],
                employer_npwp=at["employer_npwp"], employer_regency=at["regency_code"],
                wage=pl.Series(_round_wage(umk_like * rng.lognormal(0.0, 0.3, n_off))), status="NONAKTIF",
                case="NONE", true_npp=at["npp"], employer_case=at["employer_case"])

    rows = pl.concat([_typed(f.rename({"klass": "class"}) if "klass" in f.columns else f)
                      for f in (registered, hidden, ptd_rows, leads, covered, elderly, pbi, off)],
                     how="diagonal_relaxed")
    rows = rows[rng.permutation(rows.height)]
    return _finish(rng, rows, period, mix)


def _finish(rng: np.random.Generator, rows: pl.DataFrame, period: str, mix: JknMix):
    n = rows.height
    no_nik = rng.random(n) < mix.no_nik
    cut = rng.random(n) < 0.4
    nik = pl.Series(np.where(no_nik, np.where(cut, rows["person_nik"].str.slice(0, 15).to_numpy(), None),
                             rows["person_nik"].to_numpy()), dtype=pl.String)
    wage = rows["wage"]
    klass = pl.when(pl.col("segment") == "PPU").then(
        pl.when(pl.col("wage") > 4_000_000).then(pl.lit("1")).otherwise(pl.lit("2"))).otherwise(pl.col("class"))
    rows = rows.with_columns(
        nik=nik, klass=klass, period=pl.lit(period),
        jkn_number=pl.Series((rng.permutation(n) + 10 ** 12 + rng.integers(0, 10 ** 9) * 1000).astype(str)),
        row_number=pl.int_range(pl.len()) + FIRST_ROW, nik_usable=pl.Series(~no_nik))
    extract = rows.select(
        "jkn_number", "nik", pl.col("name").str.to_uppercase(), pl.col("birth_date").dt.strftime("%d-%m-%Y"),
        pl.col("sex").replace({"L": "LAKI-LAKI", "P": "PEREMPUAN"}), "village_code", "segment",
        pl.col("klass").alias("class"), "employer_id", "employer_name", "employer_npwp", "employer_regency",
        wage.cast(pl.String).alias("wage"), "status", "period")
    truth = rows.select("row_number", "person_nik", "in_registry", "case", "employer_id", "true_npp",
                        pl.col("employer_case").fill_null("NONE"), "nik_usable")
    return extract, truth


def case_counts(truth: pl.DataFrame) -> dict[str, int]:
    counts = dict(truth.group_by("case").len().iter_rows())
    return {c: counts.get(c, 0) for c in CASES}


def write_extract(extract: pl.DataFrame, truth: pl.DataFrame, path: str | Path) -> tuple[Path, Path]:
    """Write the extract with its Indonesian headers as CSV, XLSX or Parquet (by suffix) and
    the truth beside it as ``<stem>.truth.csv``; returns both paths."""
    path = Path(path)
    frame = extract.rename({field: header for header, field in HEADERS})
    ext = path.suffix.lower()
    shift = 0
    if ext in (".csv", ".txt"):
        frame.write_csv(path)
    elif ext == ".xlsx":
        _write_xlsx(frame, path)
    elif ext in (".parquet", ".pq"):
        frame.write_parquet(path)
        shift = FIRST_ROW - 1
    else:
        raise ValueError(f"{path.name}: write the extract as .csv, .xlsx or .parquet")
    truth_path = path.with_name(f"{path.stem}.truth.csv")
    truth.with_columns(pl.col("row_number") - shift).write_csv(truth_path)
    return path, truth_path


def _write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Peserta JKN")
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(row)
    book.save(path)

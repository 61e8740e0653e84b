"""Synthetic partner lists with the truth beside them, to measure how well lists are matched.

A partner (a market office, the fishery office, a regency's honorary-staff office, a
village, BPJS Kesehatan) sends a list of people to be matched against the participant
registry. :func:`make_list` draws such a list: part of it registry people (distinct NIKs,
active or lapsed), the rest new synthetic people living in the same regencies whose NIKs
are not in the registry. It is written the partner's way (their Indonesian headers, date
and sex styles, :data:`KINDS`) with the noise clerks and spreadsheets add
(:mod:`cakupan.synth.list_noise`), and comes with the truth: who each row really is and
their status in the period. Pure: tables in, frames out; only :func:`write_list` writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from cakupan import regions
from cakupan.synth.calendar import month_index
from cakupan.synth.list_noise import LABELS, Noise, apply_noise
from cakupan.synth.names import make_names
from cakupan.synth.people import birth_dates

FIRST_ROW = 2
"""The importer's row number of a CSV or XLSX list's first data row (the header is row 1);
a Parquet list starts at row 1, and :func:`write_list` shifts its truth accordingly."""
OUTSIDER_SERIAL = 5000
"""People outside the registry get NIK serials from here to 9999 (then any clash is redone)."""
MOVED_SHARE = 0.08
"""Share of new people whose NIK was issued in another district (as the registry's)."""
PARTICIPANT_COLUMNS = ("kpj", "nik", "name", "birth_date", "sex", "village_code", "sub_segment",
                       "occupation", "registered_date", "last_paid_month")
"""The participants columns :func:`make_list` reads."""
TRUTH_COLUMNS = ("row_number", "person_nik", "in_registry", "status", "last_paid_month",
                 "duplicate_of", "noise")
XLSX_MAX_ROWS = 1_048_575

TRADES = ("Makanan", "Minuman", "Sayur", "Buah", "Pakaian", "Kelontong", "Gorengan", "Bakso",
          "Mie Ayam", "Pulsa", "Mainan", "Aksesoris", "Jamu", "Es Teh", "Sandal")
JOBS_NON_ASN = ("Guru Honorer", "Tenaga Kesehatan", "Staf Administrasi", "Pengemudi",
                "Petugas Kebersihan", "Operator Komputer", "Penjaga Sekolah", "Penyuluh",
                "Satpol PP", "Pramu Kantor", "Bidan Desa")
UNITS = ("Dinas Pendidikan", "Dinas Kesehatan", "RSUD", "Sekretariat Daerah", "Dinas Perhubungan",
         "Satpol PP", "Dinas Lingkungan Hidup", "Dinas Pertanian", "BPBD")
VILLAGE_JOBS = ("Petani", "Buruh Tani", "Pedagang", "Peternak", "Buruh Harian Lepas",
                "Tukang Bangunan", "Perajin", "Ojek", "Pekebun", "Nelayan")
STREETS = ("Pemuda", "Diponegoro", "Sudirman", "Ahmad Yani", "Gajah Mada", "Pahlawan", "Veteran",
           "Kartini", "Sultan Agung", "Imam Bonjol", "Merdeka", "Pattimura", "Sisingamangaraja")
HAMLETS = ("Krajan", "Kidul", "Lor", "Wetan", "Kulon", "Tengah", "Sidomulyo", "Karanganyar",
           "Ngasem", "Sumber", "Gondang", "Jati")
OPERATORS = ("811", "812", "813", "821", "822", "852", "853", "856", "857", "858", "877", "878",
             "895", "896", "881")


@dataclass(frozen=True)
class ListKind:
    """How one kind of partner writes its list, and who is on it."""

    name: str
    partner: str
    """Who sends it (Indonesian)."""
    columns: tuple[tuple[str, str], ...]
    """(header, field): fields are the importer's (:data:`cakupan.lists.columns.FIELDS`) plus
    ``no`` (row counter) and ``unit`` (work unit), which it does not read."""
    registry_share: float
    """Share of the list's people who are in the registry."""
    noise: Noise
    delimiter: str = ","
    area: str = "regency"
    """``regency`` or ``village``: what the list covers (more are added when the registry
    has too few people there)."""
    units: tuple[int, int] = (1, 3)
    """How many regencies (or villages) it covers, at least."""
    female_share: float = 0.42
    prefer: tuple[str, tuple[str, ...]] | None = None
    """Registry people with one of these values in this column are drawn more often."""
    prefer_weight: float = 6.0
    date_format: str = "%d-%m-%Y"
    sex_words: tuple[str, str] | None = None
    """Words for L and P (``None``: ``L`` / ``P``)."""
    upper_names: bool = False
    address: str = "street"
    """``street`` (``Jl. Pemuda No. 12``) or ``hamlet`` (``Dusun Krajan RT 02/RW 01``)."""
    jobs: tuple[str, ...] = ()
    sort_by: tuple[str, ...] = ()
    """Rows are sorted by these fields (random order within), as partners keep them."""


KINDS: dict[str, ListKind] = {k.name: k for k in (
    ListKind(
        "pkl", "dinas pasar / UPTD pasar (pedagang kaki lima)",
        (("NO", "no"), ("NAMA", "name"), ("NIK", "nik"), ("TEMPAT/TGL LAHIR", "birth_place_date"),
         ("JENIS KELAMIN", "sex"), ("ALAMAT", "address"), ("KELURAHAN", "village"),
         ("KECAMATAN", "district"), ("NO HP", "phone"), ("JENIS USAHA", "occupation")),
        0.25, Noise(nik_missing=0.06, nik_typo=0.03, nik_mangled=0.04, nik_formatted=0.05,
                    old_spelling=0.03, title=0.03, patronymic=0.02, upper_case=0.10, name_typo=0.03,
                    date_swapped=0.03, date_missing=0.03, sex_missing=0.03, duplicate=0.02),
        delimiter=";", units=(1, 3), female_share=0.45, prefer=("occupation", ("pkl", "pedagang")),
        jobs=TRADES, sort_by=("district", "village")),
    ListKind(
        "nelayan", "dinas kelautan dan perikanan (nelayan)",
        (("NAMA LENGKAP", "name"), ("NO KTP", "nik"), ("TGL LAHIR", "birth_date"), ("L/P", "sex"),
         ("DESA", "village"), ("KECAMATAN", "district"), ("KABUPATEN", "regency")),
        0.20, Noise(nik_missing=0.08, nik_typo=0.04, nik_mangled=0.04, nik_formatted=0.04,
                    old_spelling=0.04, title=0.03, patronymic=0.03, upper_case=0.15, name_typo=0.04,
                    date_swapped=0.04, date_missing=0.05, sex_missing=0.04, duplicate=0.015),
        units=(1, 2), female_share=0.04, prefer=("occupation", ("nelayan",)), prefer_weight=10.0,
        date_format="%d/%m/%Y", sort_by=("district", "village")),
    ListKind(
        "non-asn", "BKPSDM kabupaten (tenaga honorer / non-ASN)",
        (("NIK", "nik"), ("NAMA", "name"), ("TANGGAL LAHIR", "birth_date"), ("JENIS KELAMIN", "sex"),
         ("JABATAN", "occupation"), ("UNIT KERJA", "unit"), ("KABUPATEN", "regency")),
        0.60, Noise(nik_missing=0.01, nik_typo=0.02, nik_mangled=0.02, nik_formatted=0.02,
                    old_spelling=0.01, title=0.02, degree=0.12, patronymic=0.0, upper_case=0.03,
                    name_typo=0.01, date_swapped=0.01, date_missing=0.005, sex_missing=0.01,
                    duplicate=0.01),
        units=(1, 1), female_share=0.55, prefer=("sub_segment", ("NON_ASN",)), prefer_weight=40.0,
        date_format="%Y-%m-%d", sex_words=("Laki-laki", "Perempuan"), jobs=JOBS_NON_ASN,
        sort_by=("unit",)),
    ListKind(
        "village", "pemerintah desa (pekerja informal)",
        (("NAMA", "name"), ("NIK", "nik"), ("TGL LAHIR", "birth_date"), ("L/P", "sex"),
         ("ALAMAT", "address"), ("DESA", "village"), ("PEKERJAAN", "occupation")),
        0.20, Noise(nik_missing=0.12, nik_typo=0.04, nik_mangled=0.03, nik_formatted=0.04,
                    old_spelling=0.04, title=0.03, patronymic=0.03, upper_case=0.10, name_typo=0.04,
                    date_swapped=0.04, date_missing=0.06, sex_missing=0.05, duplicate=0.02),
        delimiter=";", area="village", units=(2, 5), female_share=0.40,
        prefer=("occupation", ("petani", "buruh_tani", "perajin", "pedagang", "ojek")),
        address="hamlet", jobs=VILLAGE_JOBS, sort_by=("village",)),
    ListKind(
        "jkn", "BPJS Kesehatan (ekstrak peserta JKN)",
        (("NO KARTU", "jkn_number"), ("NIK", "nik"), ("NAMA", "name"), ("TGL LAHIR", "birth_date"),
         ("JENIS KELAMIN", "sex"), ("KODE DESA", "village_code"), ("ALAMAT", "address")),
        0.45, Noise(nik_missing=0.005, nik_typo=0.005, nik_mangled=0.0, nik_formatted=0.005,
                    old_spelling=0.01, title=0.0, patronymic=0.0, muhammad=0.2, upper_case=0.0,
                    name_typo=0.01, date_swapped=0.002, date_missing=0.0, sex_missing=0.0,
                    duplicate=0.005),
        units=(1, 2), female_share=0.50, sex_words=("LAKI-LAKI", "PEREMPUAN"), upper_names=True),
)}


def kind_of(kind: str) -> ListKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown list kind {kind!r}: choose one of {', '.join(KINDS)}") from None


@lru_cache(maxsize=None)
def _places() -> pl.DataFrame:
    """Every village with its name, its district's and its regency's (Kemendagri master)."""
    master = pl.from_arrow(regions.region_master()).select("code", "name", "level")
    names = master.select("code", "name")
    villages = master.filter(pl.col("level") == 4).select(pl.col("code"), pl.col("name").alias("village"))
    return villages.with_columns(district_code=pl.col("code").str.slice(0, 6),
                                 regency_code=pl.col("code").str.slice(0, 4)).join(
        names.rename({"code": "district_code", "name": "district"}), on="district_code", how="left",
        maintain_order="left").join(
        names.rename({"code": "regency_code", "name": "regency"}), on="regency_code", how="left",
        maintain_order="left").select("code", "village", "district", "regency", "regency_code")


def registry_people(participants: pl.DataFrame | pa.Table, period: str = "2021-11",
                    prefer: tuple[str, tuple[str, ...]] | None = None) -> pl.DataFrame:
    """One row per distinct NIK, sorted by NIK: name, birth date, sex and village of the
    latest membership, ``status`` in ``period`` (ACTIVE when a membership was registered
    before the period's end and paid for it or later, else LAPSED), the latest
    ``last_paid_month`` and ``preferred`` (a membership matches ``prefer``)."""
    p = participants if isinstance(participants, pl.DataFrame) else pl.from_arrow(participants)
    nxt = month_index(period) + 1
    end = date(nxt // 12, nxt % 12 + 1, 1)
    active = (pl.col("last_paid_month") >= period) & (pl.col("registered_date") < end)
    preferred = (pl.col(prefer[0]).is_in(list(prefer[1])) if prefer and prefer[0] in p.columns
                 else pl.lit(False)).fill_null(False)
    order = [(c, d) for c, d in (("nik", False), ("last_paid_month", True), ("registered_date", False),
                                 ("kpj", False)) if c in p.columns]
    return (p.filter(pl.col("nik").is_not_null())
            .with_columns(_active=active.fill_null(False), _preferred=preferred)
            .sort([c for c, _ in order], descending=[d for _, d in order], nulls_last=True, maintain_order=True)
            .group_by("nik", maintain_order=True)
            .agg(pl.col("name", "birth_date", "sex", "village_code").first(),
                 last_paid_month=pl.col("last_paid_month").max(), active=pl.col("_active").any(),
                 preferred=pl.col("_preferred").any())
            .with_columns(status=pl.when("active").then(pl.lit("ACTIVE")).otherwise(pl.lit("LAPSED")))
            .drop("active"))


def _area(rng: np.random.Generator, spec: ListKind, pool: pl.DataFrame, need: int) -> np.ndarray:
    """Village codes the list covers: ``spec.units`` regencies (or villages) in random
    order, more until the registry people living there are at least ``need``."""
    provinces = pool["village_code"].str.slice(0, 2).unique().to_list()
    universe = pl.concat([_places().filter(pl.col("code").str.slice(0, 2).is_in(provinces))["code"],
                          pool["village_code"].drop_nulls()]).unique().sort()
    frame = pl.DataFrame({"code": universe}).with_columns(regency=pl.col("code").str.slice(0, 4))
    regencies = frame["regency"].unique().sort()
    rank = dict(zip(regencies.to_list(), rng.permutation(len(regencies)).tolist()))
    frame = frame.with_columns(rank=pl.col("regency").replace_strict(rank, return_dtype=pl.Int64),
                               key=pl.Series(rng.random(frame.height)))
    unit = "regency" if spec.area == "regency" else "code"
    width = 4 if unit == "regency" else 10
    counts = pool.group_by(pl.col("village_code").str.slice(0, width).alias(unit)).len()
    units = (frame.group_by(unit).agg(pl.col("rank").first(), pl.col("key").first())
             .join(counts, on=unit, how="left").with_columns(pl.col("len").fill_null(0))
             .sort("rank", "key"))
    cum = units["len"].cum_sum().to_numpy()
    if need > cum[-1]:
        raise ValueError(f"the registry holds only {int(cum[-1]):,} people; ask for a smaller list "
                         "or generate a larger registry (cakupan synth --scale)")
    take = max(int(rng.integers(spec.units[0], spec.units[1] + 1)), int(np.searchsorted(cum, need)) + 1)
    chosen = units[unit].head(take).implode()
    return frame.filter(pl.col(unit).is_in(chosen))["code"].to_numpy()


def _draw(rng: np.random.Generator, spec: ListKind, pool: pl.DataFrame, n: int) -> pl.DataFrame:
    """``n`` distinct registry people, weighted by preference and by the kind's sex ratio."""
    female = (pool["sex"] == "P").fill_null(False).to_numpy()
    w = np.where(pool["preferred"].to_numpy(), spec.prefer_weight, 1.0)
    w *= np.where(female, spec.female_share / 0.42, (1 - spec.female_share) / 0.58) + 1e-3
    keys = rng.exponential(size=pool.height) / w  # Efraimidis-Spirakis: the n smallest keys
    idx = np.sort(np.argpartition(keys, n - 1)[:n]) if 0 < n < pool.height else np.arange(min(n, pool.height))
    return pool[idx].select(person_nik="nik", name="name", birth_date="birth_date", sex="sex",
                            village_code="village_code", in_registry=pl.lit(True), status="status",
                            last_paid_month="last_paid_month")


def _fresh_niks(nik: pl.Series, taken: pl.Series) -> pl.Series:
    """``nik`` with the serial of any NIK in ``taken`` or repeated moved up (from 9999 back
    to :data:`OUTSIDER_SERIAL`) until none is."""
    serial = nik.str.slice(12, 4).cast(pl.Int64).to_numpy().copy()
    taken_list = taken.implode()
    for _ in range(500):
        clash = pl.select(nik.is_in(taken_list) | ~nik.is_first_distinct()).to_series().to_numpy()
        clash = np.flatnonzero(clash)
        if not len(clash):
            return nik
        serial[clash] = np.where(serial[clash] >= 9999, OUTSIDER_SERIAL, serial[clash] + 1)
        nik = nik.clone()
        fresh = pl.Series(serial[clash]).cast(pl.String).str.zfill(4)
        nik.scatter(clash, nik.gather(clash).str.slice(0, 12) + fresh)
    raise RuntimeError("could not find NIKs outside the registry for the new people")


def _outsiders(rng: np.random.Generator, spec: ListKind, n: int, villages: np.ndarray,
               districts: np.ndarray, taken: pl.Series) -> pl.DataFrame:
    """``n`` new synthetic people living in ``villages`` (names and birth dates as the
    registry's are made), with NIKs consistent with them and not in ``taken``.

    As in :func:`cakupan.synth.people.make_people`, a NIK carries the home district, or
    for :data:`MOVED_SHARE` of the people another one (people who moved keep their NIK);
    its serial is drawn from :data:`OUTSIDER_SERIAL` to 9999.
    """
    female = rng.random(n) < spec.female_share
    born = birth_dates(rng, n)
    old = (born < np.datetime64("1972-01-01")) & (rng.random(n) < 0.5)
    frame = pl.DataFrame({
        "village_code": pl.Series(villages, dtype=pl.String).gather(rng.integers(0, len(villages), n)),
        "birth_date": born, "female": female, "moved": rng.random(n) < MOVED_SHARE,
        "other": pl.Series(districts, dtype=pl.String).gather(rng.integers(0, len(districts), n)),
        "serial": rng.integers(OUTSIDER_SERIAL, 10_000, n), "name": make_names(rng, female, old),
    })
    bd = pl.col("birth_date")
    nik = pl.concat_str([
        pl.when(pl.col("moved")).then(pl.col("other")).otherwise(pl.col("village_code").str.slice(0, 6)),
        (bd.dt.day() + pl.when(pl.col("female")).then(40).otherwise(0)).cast(pl.String).str.zfill(2),
        bd.dt.month().cast(pl.String).str.zfill(2), (bd.dt.year() % 100).cast(pl.String).str.zfill(2),
        pl.col("serial").cast(pl.String)])
    frame = frame.with_columns(nik=nik)
    return frame.select(
        person_nik=_fresh_niks(frame["nik"], taken), name="name", birth_date="birth_date",
        sex=pl.when("female").then(pl.lit("P")).otherwise(pl.lit("L")), village_code="village_code",
        in_registry=pl.lit(False), status=pl.lit("NOT_REGISTERED"), last_paid_month=pl.lit(None, pl.String))


def _choose(options: tuple[str, ...], rng: np.random.Generator, n: int) -> pl.Series:
    return pl.Series(options or ("",), dtype=pl.String).gather(rng.integers(0, max(len(options), 1), n))


def _digits(rng: np.random.Generator, n: int, width: int) -> pl.Series:
    return pl.Series(rng.integers(0, 10 ** width, n)).cast(pl.String).str.zfill(width)


def _attributes(rng: np.random.Generator, spec: ListKind, persons: pl.DataFrame) -> pl.DataFrame:
    """Region names, birthplace, address, phone, occupation, work unit and JKN card number."""
    n = persons.height
    places = _places()
    persons = persons.join(places, left_on="village_code", right_on="code", how="left",
                           maintain_order="left")
    provinces = persons["village_code"].str.slice(0, 2).unique().implode()
    towns = places.filter(pl.col("code").str.slice(0, 2).is_in(provinces))["regency"]
    towns = towns.drop_nulls().unique().sort()
    short = r"^(Kab\.|Kota) "
    rt, rw = pl.Series(rng.integers(1, 16, n)), pl.Series(rng.integers(1, 8, n))
    street = pl.concat_str([pl.lit("Jl. "), _choose(STREETS, rng, n), pl.lit(" No. "),
                            pl.Series(rng.integers(1, 120, n)).cast(pl.String)])
    rtrw = pl.format("RT {}/RW {}", rt.cast(pl.String).str.zfill(2), rw.cast(pl.String).str.zfill(2))
    address = (pl.when(pl.Series(rng.random(n) < 0.6)).then(street).otherwise(rtrw) if spec.address == "street"
               else pl.concat_str([pl.lit("Dusun "), _choose(HAMLETS, rng, n), pl.lit(" "), rtrw]))
    prefix = pl.when(pl.Series(rng.random(n) < 0.15)).then(pl.lit("+62 8")).otherwise(pl.lit("08"))
    phone = pl.concat_str([prefix,
                           _choose(OPERATORS, rng, n).str.slice(1), _digits(rng, n, 8)])
    district_unit = pl.concat_str([pl.lit("Kecamatan "), pl.col("district")])
    return persons.with_columns(
        place=pl.when(pl.Series(rng.random(n) < 0.85) & pl.col("regency").is_not_null())
        .then(pl.col("regency")).otherwise(_choose(tuple(towns.to_list()), rng, n)).str.replace(short, ""),
        address=address.str.to_uppercase() if spec.upper_names else address,
        phone=pl.when(pl.Series(rng.random(n) < 0.75)).then(phone),
        occupation=_choose(spec.jobs, rng, n) if spec.jobs else pl.lit(None, pl.String),
        unit=pl.when(pl.Series(rng.random(n) < 0.25)).then(district_unit).otherwise(_choose(UNITS, rng, n)),
        jkn_number=pl.lit("000") + _digits(rng, n, 10),
    )


def _format(spec: ListKind, rows: pl.DataFrame) -> pl.DataFrame:
    """The list as the partner writes it: their headers, date and sex styles, all text."""
    day = pl.col("birth_date").dt.strftime(spec.date_format)
    sex = pl.col("sex")
    if spec.sex_words:
        sex = pl.when(sex == "L").then(pl.lit(spec.sex_words[0])).when(sex == "P").then(
            pl.lit(spec.sex_words[1])).otherwise(sex)
    exprs = {
        "no": pl.int_range(1, pl.len() + 1), "nik": pl.col("nik"),
        "name": pl.col("name").str.to_uppercase() if spec.upper_names else pl.col("name"),
        "birth_date": day, "sex": sex,
        "birth_place_date": pl.when(day.is_null()).then(pl.col("place"))
        .otherwise(pl.concat_str([pl.col("place"), pl.lit(", "), day])),
        **{f: pl.col(f) for f in ("address", "village", "district", "regency", "village_code", "phone",
                                  "occupation", "unit", "jkn_number")},
    }
    return rows.select([exprs[f].cast(pl.String).alias(h) for h, f in spec.columns])


def _sort_key(rows: pl.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    """An integer per row ordering ``columns`` lexicographically (a random fraction added to
    it orders rows randomly within); cheaper than a multi-column string sort."""
    key = np.zeros(rows.height, dtype=np.int64)
    for c in columns:
        values = rows[c].fill_null("")
        uniq = values.unique().sort()
        key = key * len(uniq) + values.replace_strict(uniq, pl.int_range(len(uniq), eager=True)).to_numpy()
    return key


def make_list(participants: pl.DataFrame | pa.Table, kind: str, size: int, seed: int,
              period: str = "2021-11", noise: Noise | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(list, truth)``: a synthetic partner list of ``size`` rows and, row by row, the truth.

    ``noise`` defaults to the kind's own rates (``KINDS[kind].noise``). The truth has
    :data:`TRUTH_COLUMNS`; ``row_number`` is the importer's row number in a CSV or XLSX.
    The same participants, arguments and seed give the same output.
    """
    spec = kind_of(kind)
    if size < 1:
        raise ValueError("size must be at least 1 row")
    noise = spec.noise if noise is None else noise
    rng = np.random.default_rng(seed)
    pool = registry_people(participants, period, spec.prefer)
    n_dup = min(round(size * noise.duplicate), size - 1)
    n_unique = size - n_dup
    n_reg = round(n_unique * spec.registry_share)
    villages = _area(rng, spec, pool, n_reg)
    in_area = pool.filter(pl.col("village_code").is_in(pl.Series(villages, dtype=pl.String).implode()))
    provinces = pl.Series(villages, dtype=pl.String).str.slice(0, 2).unique().implode()
    districts = (_places().filter(pl.col("code").str.slice(0, 2).is_in(provinces))["code"]
                 .str.slice(0, 6).unique().sort().to_numpy())
    persons = pl.concat([_draw(rng, spec, in_area, n_reg),
                         _outsiders(rng, spec, n_unique - n_reg, villages, districts, pool["nik"])])
    persons = _attributes(rng, spec, persons.with_columns(person=pl.int_range(pl.len())))
    extra = rng.choice(n_unique, n_dup, replace=False) if n_dup else np.empty(0, dtype=np.int64)
    rows = persons[np.concatenate([np.arange(n_unique), extra])]
    rows = rows[np.argsort(_sort_key(rows, spec.sort_by) + rng.random(size), kind="stable")]
    rows = rows.with_columns(row_number=pl.int_range(pl.len()) + FIRST_ROW)
    first = pl.col("row_number").min().over("person")
    rows = rows.with_columns(duplicate_of=pl.when(pl.col("row_number") != first).then(first),
                             nik=pl.col("person_nik"))
    rows = apply_noise(rows, noise, rng).with_columns(noise_duplicate=pl.col("duplicate_of").is_not_null())
    truth = rows.select(
        "row_number", "person_nik", "in_registry", "status", "last_paid_month", "duplicate_of",
        noise=pl.concat_str([pl.when(pl.col(f"noise_{k}")).then(pl.lit(k)) for k in LABELS],
                            separator=";", ignore_nulls=True).replace("", None))
    return _format(spec, rows), truth


def noise_counts(truth: pl.DataFrame) -> dict[str, int]:
    """Rows per noise name, in :data:`LABELS` order (names never applied are left out)."""
    counts = dict(truth["noise"].drop_nulls().str.split(";").explode().value_counts().iter_rows())
    return {k: counts[k] for k in LABELS if k in counts}


def _nik_header(headers: list[str]) -> str | None:
    from cakupan.ingest.readers import normalise_header
    from cakupan.lists.columns import guess_columns

    normal = {normalise_header(h): h for h in headers}
    found = guess_columns(list(normal)).get("nik")
    return normal.get(found) if found else None


def _write_xlsx(frame: pl.DataFrame, truth: pl.DataFrame, path: Path) -> None:
    """XLSX with every value as text, except the counter (a number) and the NIKs a
    spreadsheet turned into numbers (``3.37401E+15`` and precision-lost ones)."""
    from openpyxl import Workbook

    if frame.height > XLSX_MAX_ROWS:
        raise ValueError(f"an XLSX sheet holds at most {XLSX_MAX_ROWS:,} rows; write CSV or Parquet")
    columns = {c: frame[c].to_list() for c in frame.columns}
    nik = _nik_header(frame.columns)
    if nik:
        numeric = (truth["noise"].str.contains("nik_mangled").fill_null(False)
                   & ~frame[nik].str.ends_with(".0").fill_null(False)).to_list()
        columns[nik] = [float(v) if num else v for v, num in zip(columns[nik], numeric)]
    if "NO" in columns:
        columns["NO"] = [int(v) for v in columns["NO"]]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Daftar")
    sheet.append(frame.columns)
    for row in zip(*columns.values()):
        sheet.append(row)
    book.save(path)


def write_list(frame: pl.DataFrame, truth: pl.DataFrame, path: str | Path,
               kind: str | None = None) -> tuple[Path, Path]:
    """Write the list as CSV (UTF-8; ``;`` for pkl and village lists, else ``,``), XLSX or
    Parquet by the suffix, and the truth beside it as ``<stem>.truth.csv``; returns both paths.

    The truth's ``row_number`` is the importer's for the written file (Parquet starts at 1).
    """
    path = Path(path)
    ext = path.suffix.lower()
    shift = 0
    if ext in (".csv", ".txt"):
        frame.write_csv(path, separator=kind_of(kind).delimiter if kind else ",")
    elif ext == ".xlsx":
        _write_xlsx(frame, truth, path)
    elif ext in (".parquet", ".pq"):
        frame.write_parquet(path)
        shift = FIRST_ROW - 1
    else:
        raise ValueError(f"{path.name}: write the list as .csv, .xlsx or .parquet")
    truth_path = path.with_name(f"{path.stem}.truth.csv")
    truth.with_columns(pl.col("row_number") - shift).write_csv(truth_path)
    return path, truth_path

"""A synthetic participant registry calibrated to the published Nov-2021 figures.

At scale 1.0 the distinct active workers (NIK) in 2021-11 are exactly 3,062,280 in Central
Java and 412,982 in DIY (BPJamsostek Kanwil Jateng & DIY, Dec 2021); at other scales the
counts scale proportionally. Around them: people with two active memberships (counted
once), lapsed memberships (about 40 % of all registered, as nationally in Nov 2021: 52 M
registered, 32 M active), segment shares of the national Nov-2021 split (FACTS.md
section 7), wages around each regency's UMK, and a monthly history from 2019-01 with a
slowdown in early 2021 and a recovery from September 2021.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import polars as pl
import pyarrow as pa

from cakupan import reference, regions
from cakupan.contracts import EMPLOYERS, PARTICIPANTS
from cakupan.synth.calendar import draw_months, first_day, month_index, periods_expr
from cakupan.synth.employers import assign_employers, make_employers
from cakupan.synth.names import spelling_variant
from cakupan.synth.people import largest_remainder, make_people, place_people

ACTIVE_NOV_2021 = {"33": 3_062_280, "34": 412_982}
"""Distinct active workers, Nov 2021 (BPJamsostek Kanwil Jateng & DIY, Dec 2021)."""

SEGMENT_SHARE_ACTIVE = {"PU": 20_408_998, "BPU": 3_270_555, "JAKON": 8_109_267, "PMI": 247_540}
"""National active participants by segment, Nov 2021 (Antara, FACTS.md section 7)."""
SEGMENT_SHARE_LAPSED = {"PU": 0.86, "BPU": 0.08, "JAKON": 0.05, "PMI": 0.01}
"""Inactive memberships are mostly former wage earners (Nov 2021: PU registered 40.2 M,
active 20.4 M; BPU 3.9 M vs 3.3 M)."""

OCCUPATIONS = {"pedagang": 0.24, "pkl": 0.12, "petani": 0.18, "nelayan": 0.07,
               "ojek": 0.10, "buruh_tani": 0.09, "perajin": 0.07, "pemulung": 0.04,
               "tukang_becak": 0.04, "seniman": 0.03, "marbot": 0.02}
SPONSORS_RENTAN = {"APBD": 0.6, "CSR": 0.25, "ZAKAT": 0.15}


@dataclass
class SynthConfig:
    scale: float = 1.0
    seed: int = 7
    period: str = "2021-11"
    active: dict[str, int] = field(default_factory=lambda: dict(ACTIVE_NOV_2021))
    lapsed_share: float = 0.40
    double_share: float = 0.03
    """Share of active people holding a second active membership."""
    earlier_share: float = 0.12
    """Share of active people with an earlier, lapsed membership."""

    def targets(self) -> dict[str, int]:
        return {p: int(round(n * self.scale)) for p, n in self.active.items()}


PHASES = ("2019-01", "2020-03", "2021-01", "2021-09")
"""History phases: before 2019, to the pandemic, the pandemic, the early-2021 slowdown,
the recovery from September 2021."""
REGISTRATION_WEIGHTS = (0.55, 1.0, 0.75, 0.35, 2.4)
"""New memberships per month in each phase (relative)."""
LAPSE_WEIGHTS = (0.45, 0.8, 1.3, 1.8, 0.5)
"""Last paid months of lapsed memberships in each phase: heavier in the pandemic and early 2021."""


def phase_weight(weights: tuple[float, ...]) -> Callable[[int], float]:
    """A month-index -> weight function taking ``weights[k]`` in phase ``k``."""
    bounds = [month_index(p) for p in PHASES]
    return lambda m: weights[bisect.bisect_right(bounds, m)]


SEGMENTS = list(SEGMENT_SHARE_ACTIVE)
assert SEGMENTS == list(SEGMENT_SHARE_LAPSED), "both segment tables list the segments in one order"
SUB_SEGMENTS = ["NON_ASN", "USAHA_BESAR", "UMKM", "RENTAN", "INFORMAL", "PROYEK", "PMI"]
PROGRAMMES = ["JKK,JKM", "JKK,JKM,JHT", "JKK,JKM,JHT,JP,JKP"]


def _choice_index(rng, table: dict, n: int) -> np.ndarray:
    """``n`` draws of an index into ``table``'s keys, weighted by its values."""
    p = np.array(list(table.values()), dtype=float)
    return rng.choice(len(p), n, p=p / p.sum())


def _vocab(words: list[str], index: np.ndarray) -> pl.Series:
    """``words[index]`` as a string column; a negative index is null."""
    idx = pl.Series(index).replace(-1, None) if (index < 0).any() else pl.Series(index)
    return pl.Series(words, dtype=pl.String).gather(idx)


def _regency_weights(rng, codes: list[str]) -> np.ndarray:
    """Active participants per regency: employed share, more in cities and industrial
    regencies, with a little noise so that regency coverage differs."""
    wf = {r["region_code"]: r["employed"] for r in reference.workforce_reference().to_pylist()}
    industrial = {"3322", "3324", "3319", "3320", "3321", "3311", "3313", "3404"}
    w = []
    for c in codes:
        factor = 1.9 if c[2] == "7" else 1.25 if c in industrial else 1.0
        w.append(wf.get(c, 1) * factor * rng.uniform(0.8, 1.2))
    return np.array(w)


INACTIVE_FIRST_SERIAL = 2000


class RegistryBuilder:
    """Builds the participants and employers tables for provinces 33 and 34."""

    def __init__(self, cfg: SynthConfig, progress: Callable[[str, float], None] | None = None):
        self.cfg = cfg
        self.rng = np.random.default_rng(cfg.seed)
        self.end = month_index(cfg.period)
        self.progress = progress or (lambda step, frac: None)
        master = pl.from_arrow(regions.region_master())
        self.villages = master.filter((pl.col("level") == 4)
                                      & pl.col("province_code").is_in(list(cfg.active)))
        self.districts = master.filter((pl.col("level") == 3)
                                       & pl.col("province_code").is_in(list(cfg.active)))["code"].to_numpy()

    def people(self, per_province: dict[str, int], first_serial: int = 1) -> pl.DataFrame:
        codes, counts = [], []
        for prov, total in per_province.items():
            regs = sorted(self.villages.filter(pl.col("province_code") == prov)["regency_code"].unique())
            codes += regs
            counts += list(largest_remainder(total, _regency_weights(self.rng, regs)))
        village = place_people(self.rng, np.array(counts), self.villages, codes)
        return make_people(self.rng, village, self.districts, first_serial=first_serial)

    def build(self) -> dict[str, pa.Table]:
        cfg, rng = self.cfg, self.rng
        targets = cfg.targets()
        active_people = sum(targets.values())
        double = int(round(active_people * cfg.double_share))
        active_memberships = active_people + double
        lapsed_total = int(round(active_memberships * cfg.lapsed_share / (1 - cfg.lapsed_share)))
        earlier = min(int(round(active_people * cfg.earlier_share)), lapsed_total)
        inactive_people = lapsed_total - earlier
        self.progress("orang", 0.05)
        active = self.people(targets)
        share = {p: t / active_people for p, t in targets.items()}
        # serials from 2000 keep the two groups' NIKs apart (a NIK is one person)
        inactive = self.people({p: int(round(inactive_people * s)) for p, s in share.items()},
                               first_serial=INACTIVE_FIRST_SERIAL)
        inactive = inactive.head(inactive_people) if inactive.height > inactive_people else inactive
        people = pl.concat([active, inactive]).with_columns(
            person=pl.int_range(pl.len()), is_active=pl.int_range(pl.len()) < active.height)
        self.progress("kepesertaan", 0.45)
        n_active, n_people = active.height, people.height

        # memberships: person index, active flag, variant-name flag
        second = rng.choice(n_active, double, replace=False)
        prior = rng.choice(n_active, earlier, replace=False)
        lapsed_people = np.arange(n_active, n_people)
        person = np.concatenate([np.arange(n_active), second, prior, lapsed_people])
        is_active = np.concatenate([np.ones(n_active + double, bool), np.zeros(earlier + len(lapsed_people), bool)])
        variant = np.concatenate([np.zeros(n_active, bool), np.ones(double, bool),
                                  rng.random(earlier) < 0.3, np.zeros(len(lapsed_people), bool)])
        m = self.memberships(people, person, is_active, variant)
        del people, active, inactive  # the memberships hold their own copy
        self.progress("pemberi kerja", 0.75)
        m, employers = self.employ(m)
        self.progress("tabel", 0.9)
        return {"participants": self.to_participants(m), "employers": employers}

    def memberships(self, people: pl.DataFrame, person: np.ndarray, is_active: np.ndarray,
                    variant: np.ndarray) -> pl.DataFrame:
        rng, end, n = self.rng, self.end, len(person)
        seg = np.where(is_active, _choice_index(rng, SEGMENT_SHARE_ACTIVE, n),
                       _choice_index(rng, SEGMENT_SHARE_LAPSED, n))
        reg = draw_months(rng, n, month_index("2008-01"), end, phase_weight(REGISTRATION_WEIGHTS))
        last_lapsed = draw_months(rng, n, month_index("2010-01"), end - 1, phase_weight(LAPSE_WEIGHTS))
        duration = rng.geometric(1 / 30, n)
        # nobody registers before the month they turn 15 (everyone is 17+ in the last month)
        born = people["birth_date"].to_numpy()[person].astype("datetime64[M]").astype(np.int64)
        adult = born + 1970 * 12 + 15 * 12
        last_lapsed = np.clip(last_lapsed, adult, end - 1)
        reg = np.where(is_active, reg, np.maximum(last_lapsed - duration, month_index("2000-01")))
        reg = np.maximum(reg, adult)
        last = np.where(is_active, end, last_lapsed)
        frame = people[person].with_columns(
            segment=_vocab(SEGMENTS, seg), reg_month=pl.Series(reg), last_month=pl.Series(last),
            is_member_active=pl.Series(is_active), variant=pl.Series(variant),
        )
        if variant.any():
            idx = np.flatnonzero(variant)
            names = frame["name"].gather(idx)
            frame = frame.with_columns(frame["name"].scatter(idx, spelling_variant(names, rng)))
        return frame.with_columns(regency_code=pl.col("village_code").str.slice(0, 4))

    def employ(self, m: pl.DataFrame) -> tuple[pl.DataFrame, pa.Table]:
        """Employers for the wage earners, and each membership's sub-segment, occupation,
        sponsor, programmes and wage. Columns are worked on as integer codes (a 4-digit
        regency code as a number, a segment as its index) and turned into strings once."""
        rng = self.rng
        seg = m["segment"].replace_strict(SEGMENTS, list(range(len(SEGMENTS))), return_dtype=pl.Int8).to_numpy()
        pu = seg == 0
        regency = m["regency_code"].cast(pl.Int32).to_numpy()
        keys, counts = np.unique(regency[pu], return_counts=True)
        emp = make_employers(rng, {str(k): int(v) for k, v in zip(keys, counts)})
        row = np.full(m.height, -1)
        row[pu] = assign_employers(rng, emp, regency[pu])
        has = row >= 0
        at = np.maximum(row, 0)
        size = np.where(has, emp["size_idx"].to_numpy()[at], -1)
        government = has & (emp["kbli_sector"] == "O").to_numpy()[at]
        n = m.height
        rentan = (seg == 1) & (rng.random(n) < 0.25)
        sub = np.select([pu & government, pu & (size == 3), pu, rentan, seg == 1, seg == 2],
                        [0, 1, 2, 3, 4, 5], 6)
        occupation = np.where(seg == 1, _choice_index(rng, OCCUPATIONS, n), -1)
        sponsor = np.select([rentan, pu, seg == 2],
                            [_choice_index(rng, SPONSORS_RENTAN, n), 3, 3], 4)
        programmes = np.select([size == 0, size == 1, size >= 2, seg == 1],
                               [0, 1, 2, np.where(rng.random(n) < 0.2, 1, 0)], 0)
        umk = reference.umk(2021)
        base = m.select(pl.col("regency_code").replace_strict(umk, return_dtype=pl.Int64)).to_series().to_numpy()
        wage = np.round(base * rng.lognormal(0.12, 0.3, n) / 1000) * 1000
        income = rng.choice([1_000_000, 1_500_000, 2_000_000], n, p=[0.7, 0.2, 0.1])
        wage = np.where(seg == 1, income, np.where(seg == 3, -1, wage)).astype(np.int64)
        active_rows = np.unique(row[has & m["is_member_active"].to_numpy()])
        status = np.full(emp.height, "NONAKTIF", dtype=object)
        status[active_rows] = "AKTIF"
        emp = emp.with_columns(status=pl.Series(status, dtype=pl.String))
        rows = pl.Series(row).replace(-1, None)
        m = m.with_columns(
            sub_segment=_vocab(SUB_SEGMENTS, sub), occupation=_vocab(list(OCCUPATIONS), occupation),
            sponsor_type=_vocab(list(SPONSORS_RENTAN) + ["EMPLOYER", "SELF"], sponsor),
            programmes=_vocab(PROGRAMMES, programmes),
            wage=pl.Series(wage).replace(-1, None), npp=emp["npp"].gather(rows),
        )
        employers = emp.select(EMPLOYERS.names).to_arrow().cast(EMPLOYERS.schema.to_pyarrow())
        return m, employers

    def to_participants(self, m: pl.DataFrame) -> pa.Table:
        """The memberships in registration order as an Arrow table typed by the contract,
        built column by column so that only one column is ever copied at a time."""
        n = m.height
        kpj = 10_000_000_000 + (np.arange(n, dtype=np.int64) * 7_919_000_009 + 12_345) % 89_999_999_999
        registered = pl.Series(first_day(m["reg_month"].to_numpy(), self.rng))
        computed = {"kpj": lambda: pl.Series(kpj).cast(pl.String), "registered_date": lambda: registered,
                    "last_paid_month": lambda: m.select(periods_expr("last_month")).to_series()}
        order = registered.arg_sort()
        schema = PARTICIPANTS.schema.to_pyarrow()
        columns = []
        for name in PARTICIPANTS.names:
            column = computed[name]() if name in computed else m.drop_in_place(name)
            columns.append(column.gather(order).to_arrow().cast(schema.field(name).type))
            del column
        return pa.Table.from_arrays(columns, schema=schema)


def generate(cfg: SynthConfig, progress=None) -> dict[str, pa.Table]:
    """``{"participants": ..., "employers": ...}`` as Arrow tables typed by their contracts."""
    if cfg.scale <= 0:
        raise ValueError("scale must be positive, e.g. 1.0 for the full registry or 0.01")
    return RegistryBuilder(cfg, progress).build()

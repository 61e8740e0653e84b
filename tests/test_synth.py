"""The synthetic registry: calibrated counts, valid identities, lapses, duplicates, history."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cakupan import coverage as cv
from cakupan.synth import ACTIVE_NOV_2021, SynthConfig, generate
from cakupan.synth.names import old_spelling
from cakupan.synth.people import largest_remainder

from conftest import SMALL


@pytest.fixture(scope="module")
def parts(small_registry) -> pl.DataFrame:
    return pl.from_arrow(small_registry["participants"])


def active_in(parts: pl.DataFrame, period: str) -> pl.DataFrame:
    nxt = cv.next_month_start(period)
    return parts.filter((pl.col("registered_date") < nxt) & (pl.col("last_paid_month") >= period))


def test_active_people_per_province_are_exactly_the_scaled_targets(parts):
    act = active_in(parts, "2021-11")
    got = act.group_by(pl.col("village_code").str.slice(0, 2).alias("p")).agg(pl.col("nik").n_unique())
    assert dict(got.iter_rows()) == SMALL.targets()
    assert SMALL.targets() == {p: round(n * 0.002) for p, n in ACTIVE_NOV_2021.items()}


def test_some_people_hold_two_active_memberships(parts):
    act = active_in(parts, "2021-11")
    assert act.height > act["nik"].n_unique()


def test_about_forty_percent_of_memberships_have_lapsed(parts):
    lapsed = parts.filter(pl.col("last_paid_month") < "2021-11").height / parts.height
    assert 0.38 < lapsed < 0.42


def test_keys_are_unique_and_nik_agrees_with_birth_date_sex_and_region(parts):
    assert parts["kpj"].n_unique() == parts.height
    assert parts["nik"].str.len_chars().eq(16).all()
    people = parts.unique("nik")
    day = people["nik"].str.slice(6, 2).cast(pl.Int32)
    female = people["sex"] == "P"
    assert ((day > 40) == female).all()
    assert (people["nik"].str.slice(8, 2).cast(pl.Int32) == people["birth_date"].dt.month()).all()
    assert ((day - 40 * female.cast(pl.Int32)) == people["birth_date"].dt.day()).all()
    assert (people["nik"].str.slice(12, 4) != "0000").all()
    same_district = (people["nik"].str.slice(0, 6) == people["village_code"].str.slice(0, 6)).mean()
    assert 0.85 < same_district < 0.97  # people who moved keep the NIK of their old district


def test_segments_follow_the_national_shares(parts):
    act = active_in(parts, "2021-11")
    share = act["segment"].value_counts(normalize=True)
    shares = dict(zip(share["segment"], share["proportion"]))
    assert 0.58 < shares["PU"] < 0.69 and 0.21 < shares["JAKON"] < 0.30
    assert 0.07 < shares["BPU"] < 0.13
    pu = act.filter(pl.col("segment") == "PU")
    assert pu["npp"].null_count() == 0
    assert set(pu["sub_segment"].unique()) == {"UMKM", "USAHA_BESAR", "NON_ASN"}


def test_wages_sit_around_the_regency_minimum_wage(parts):
    pu = parts.filter(pl.col("segment") == "PU")
    assert 1_500_000 < pu["wage"].median() < 3_500_000
    assert parts.filter(pl.col("segment") == "BPU")["wage"].min() >= 1_000_000


def test_history_shows_the_early_2021_slowdown_and_the_recovery(parts):
    n = {m: active_in(parts, m)["nik"].n_unique() for m in ("2019-01", "2020-12", "2021-08", "2021-11")}
    assert n["2019-01"] < n["2020-12"]
    assert n["2021-08"] < n["2020-12"]   # slowdown in early 2021
    assert n["2021-11"] > n["2021-08"]   # recovery from September


def test_the_same_seed_gives_the_same_registry(small_registry):
    again = generate(SMALL)
    assert again["participants"].equals(small_registry["participants"])
    other = generate(SynthConfig(scale=SMALL.scale, seed=SMALL.seed + 1))
    assert not other["participants"].equals(small_registry["participants"])


def test_employers_are_consistent(small_registry, parts):
    emp = pl.from_arrow(small_registry["employers"])
    assert emp["npp"].n_unique() == emp.height
    assert set(parts["npp"].drop_nulls()) <= set(emp["npp"])
    assert emp["npwp"].str.len_chars().eq(15).all()


def test_old_spelling_variants():
    assert old_spelling("Joko Cahyono Suharto") == "Djoko Tjahjono Soeharto"
    assert old_spelling("Syaiful Nyoto Khoirul") == "Sjaifoel Njoto Choiroel"


def test_largest_remainder_is_exact():
    assert list(largest_remainder(10, [1, 1, 1])) == [4, 3, 3]
    assert largest_remainder(3_062_280, [0.3, 0.5, 0.2]).sum() == 3_062_280


def test_scale_must_be_positive():
    with pytest.raises(ValueError, match="scale must be positive"):
        generate(SynthConfig(scale=0))


def test_birth_dates_are_working_age(parts):
    ages = (dt.date(2021, 11, 15) - parts["birth_date"]).dt.total_days() / 365.25
    assert ages.min() >= 16.9 and ages.max() < 65
    # no birth date is a pile-up (as clipping at the age limits would make)
    assert parts.unique("nik")["birth_date"].value_counts()["count"].max() < 50


def test_nobody_registers_before_fifteen_or_pays_before_registering(parts):
    age = (parts["registered_date"] - parts["birth_date"]).dt.total_days() / 365.25
    assert age.min() >= 14.9
    reg_month = parts["registered_date"].dt.strftime("%Y-%m")
    assert (parts["last_paid_month"] >= reg_month).all()


def test_a_nik_is_one_person(parts):
    """Memberships sharing a NIK are one person: their name keys (old and new spellings
    agree; an abbreviation keeps the other words) have a word in common."""
    from cakupan.identity.names import name_key_expr

    several = parts.group_by("nik").len().filter(pl.col("len") > 1)
    keys = (parts.join(several, on="nik").with_columns(k=name_key_expr(pl.col("name")).str.split(" "))
            .group_by("nik").agg(pl.col("k")))
    assert keys.height > 0
    bad = [r["nik"] for r in keys.iter_rows(named=True) if not set.intersection(*[set(x) for x in r["k"]])]
    assert bad == []

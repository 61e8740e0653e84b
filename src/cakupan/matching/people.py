"""Both sides of a match in one shape: registry people and partner-list rows.

Every function takes and returns Ibis tables, so the same preparation runs on DuckDB and
on Spark. The shape (:data:`IDENTITY`) is what the NIK stage and the probabilistic stage
read: a 16-digit NIK, the name key and its first and last words, a birth date and the
same date with day and month swapped, sex, and village and district keys (names reduced
to letters, so ``Kel. Semarang Tengah`` and ``SEMARANG TENGAH`` agree).
"""

from __future__ import annotations

import ibis
from ibis import _

from cakupan import coverage as cov
from cakupan.identity.names import name_key_ibis

IDENTITY = ("unique_id", "nik", "name_key", "name_first", "name_last", "name_rest", "name_sorted",
            "name_phon", "name_pre", "birth_date", "birth_alt", "sex", "village_key", "district_key",
            "regency_key")
PLACE_PREFIX = r"^(desa|kelurahan|kel|ds|kec|kecamatan|kab|kabupaten|kota)\b\.?\s*"


def place_key(value: ibis.Value) -> ibis.Value:
    """``Kel. Semarang Tengah`` -> ``semarangtengah``; empty -> NULL."""
    key = value.lower().strip().re_replace(PLACE_PREFIX, "").re_replace(r"[^a-z]", "")
    return ibis.ifelse(key == "", ibis.null("string"), key)


def swapped(date: ibis.Value) -> ibis.Value:
    """The date with day and month swapped, where that is a date (day <= 12)."""
    return ibis.ifelse(date.day() <= 12, ibis.date(date.year(), date.day(), date.month()),
                       ibis.null("date"))


def _blank(value: ibis.Value) -> ibis.Value:
    return ibis.ifelse(value == "", ibis.null("string"), value)


def skeleton(word: ibis.Value) -> ibis.Value:
    """A phonetic key of one word: its first letter and the next consonants but h, w and
    y, at most four letters (``wahyuni`` -> ``wn``, ``mikhayla`` -> ``mkl``): vowels and
    soft consonants are where spellings and typos of Indonesian names differ most."""
    return (word.substr(0, 1) + word.substr(1).re_replace(r"[aeiouhwy]", "")).substr(0, 4)


def _name_parts(t: ibis.Table, name: ibis.Value) -> ibis.Table:
    """Name key (computed here unless the table already has it, as imported lists do:
    the polars and Ibis versions of the rules give the same keys) and the parts the
    matcher blocks and compares on: first and last words, the words after the first
    (NULL for a single name), the words sorted (order-free), a phonetic key and the
    first three letters of the first and last words."""
    if "name_key" not in t.columns:
        t = t.mutate(name_key=name_key_ibis(name))
    t = t.mutate(name_key=_blank(t.name_key))
    t = t.mutate(name_first=t.name_key.split(" ")[0], name_last=t.name_key.re_replace(r"^.* ", ""),
                 name_rest=_blank(t.name_key.re_extract(r"^[^ ]+ (.+)$", 1)))
    return t.mutate(
        name_sorted=t.name_key.split(" ").sort().join(" "),
        name_phon=skeleton(t.name_first) + " " + skeleton(t.name_last),
        name_pre=t.name_first.substr(0, 3) + " " + t.name_last.substr(0, 3))


def region_names(regions: ibis.Table) -> tuple[ibis.Table, ibis.Table, ibis.Table]:
    """(village code -> village key), (district code -> district key) and (regency code
    -> regency key) lookups."""
    villages = regions.filter(_.level == 4).select(v_code=_.code, v_key=place_key(_.name))
    districts = regions.filter(_.level == 3).select(d_code=_.code, d_key=place_key(_.name))
    regencies = regions.filter(_.level == 2).select(r_code=_.code, r_key=place_key(_.name))
    return villages, districts, regencies


def _district_regency(regions: ibis.Table) -> ibis.Table:
    """District key -> regency key, for district names found in one regency only (a list
    that writes the district but not the regency still gets its regency)."""
    _, districts, regencies = region_names(regions)
    d = districts.mutate(r_code=districts.d_code.substr(0, 4)).inner_join(regencies, "r_code")
    per = d.group_by("d_key").aggregate(n=d.r_key.nunique(), dr_key=d.r_key.max())
    return per.filter(per.n == 1).select(dr_d=per.d_key, dr_key=per.dr_key)


def registry_people(participants: ibis.Table, regions: ibis.Table) -> ibis.Table:
    """One row per NIK in the registry, identity from the membership registered last."""
    villages, districts, regencies = region_names(regions)
    p = cov.primary(participants)
    p = p.left_join(villages, p.village_code == villages.v_code)
    p = p.left_join(districts, p.village_code.substr(0, 6) == districts.d_code)
    p = p.left_join(regencies, p.village_code.substr(0, 4) == regencies.r_code)
    p = _name_parts(p, p.name)
    return p.select(
        unique_id=p.nik, nik=p.nik, **_names(p), birth_date=p.birth_date, birth_alt=swapped(p.birth_date),
        sex=p.sex, village_key=p.v_key, district_key=p.d_key, regency_key=p.r_key, village_code=p.village_code,
    )


def _names(t: ibis.Table) -> dict:
    return {c: t[c] for c in ("name_key", "name_first", "name_last", "name_rest", "name_sorted",
                              "name_phon", "name_pre")}


def person_status(participants: ibis.Table, period: str) -> ibis.Table:
    """Per NIK registered by the end of ``period``: ACTIVE or LAPSED then, and the last
    paid month (up to ``period``)."""
    end = ibis.date(cov.next_month_start(period))
    regs = participants.filter(_.registered_date < end)
    paid = ibis.ifelse(regs.last_paid_month > period, period, regs.last_paid_month)
    per = regs.group_by("nik").aggregate(last_paid=paid.max())
    return per.select(
        "nik", last_paid_month=per.last_paid,
        status=ibis.ifelse(per.last_paid.notnull() & (per.last_paid >= period), "ACTIVE", "LAPSED"),
    )


def list_identity(rows: ibis.Table, regions: ibis.Table) -> ibis.Table:
    """One row per distinct ``row_key`` of a list, in the identity shape.

    The NIK is the valid one, else the 16 digits written (a near-miss may still score),
    never a spreadsheet-mangled value; a missing birth date is taken from a valid NIK.
    """
    villages, districts, regencies = region_names(regions)
    by_district = _district_regency(regions)
    digits = rows.nik_raw.re_replace(r"[^0-9]", "")
    nik = ibis.coalesce(rows.nik, ibis.ifelse((digits.length() == 16)
                                              & (rows.nik_problem.fill_null("") != "mangled"),
                                              digits, ibis.null("string")))
    born = ibis.coalesce(rows.birth_date, rows.nik_birth_date)
    t = rows.mutate(_nik=nik, _born=born, _sex=ibis.coalesce(rows.sex, rows.nik_sex))
    t = t.left_join(villages, t.village_code == villages.v_code)
    t = t.left_join(districts, t.village_code.substr(0, 6) == districts.d_code)
    t = t.left_join(regencies, t.village_code.substr(0, 4) == regencies.r_code)
    t = t.mutate(_dkey=ibis.coalesce(place_key(t.district), t.d_key))
    t = t.left_join(by_district, t._dkey == by_district.dr_d)
    t = _name_parts(t, t.name)
    t = t.select(
        unique_id=t.row_key, nik=t._nik, **_names(t), birth_date=t._born, birth_alt=swapped(t._born),
        sex=t._sex, village_key=ibis.coalesce(place_key(t.village), t.v_key), district_key=t._dkey,
        regency_key=ibis.coalesce(place_key(t.regency), t.r_key, t.dr_key),
    )
    return t.distinct(on="unique_id", keep="first")


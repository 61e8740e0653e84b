"""A second noise model for partner lists, written apart from :mod:`cakupan.synth.list_noise`.

Our generator's noise is the one the matcher was shaped around; this one is not: it makes
the mistakes a village clerk copying names from memory or from a family card makes —
given name and family name swapped, a name part dropped, a Javanese single name for a
person registered with two, a nickname (``Wahyuni`` -> ``Yuni``, ``Muhammad`` -> ``Mamat``),
a letter dropped, doubled or two letters transposed, a birth date with one digit wrong, a
year off by one, day and month swapped, the village moved (another village of the same
district, or of the same regency) — and writes NIK for only some of the rows, sex for
half. Half the list's people are in the registry.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from cakupan.synth.corpus import FIRST_ROW, Corpus, memberships

NICKNAMES = {
    "muhammad": "mamat", "mohammad": "mamat", "ahmad": "amat", "abdul": "dul", "slamet": "memet",
    "bambang": "bams", "wahyuni": "yuni", "sulastri": "lastri", "suharti": "harti", "purwanto": "anto",
    "sugeng": "geng", "siti": "titi", "sri": "sri", "agus": "gus", "budi": "bud", "joko": "jack",
    "eko": "eko", "dwi": "dwi", "yusuf": "ucup", "iwan": "wawan", "hendra": "hen", "rina": "rin",
    "dewi": "wiwi", "nur": "nunung", "kartini": "tini", "suparman": "parman", "sutrisno": "tris",
    "haryanto": "yanto", "setiawan": "wawan", "wulandari": "wulan", "rahmawati": "wati", "kurniawan": "wawan",
}
RATES = {"swap_order": 0.12, "drop_part": 0.12, "single_name": 0.08, "nickname": 0.10, "letters": 0.10,
         "date_digit": 0.05, "year_off": 0.04, "date_swap": 0.03, "date_missing": 0.02,
         "village_moved": 0.12, "district_moved": 0.05}
NIK_SHARE, SEX_SHARE, REGISTRY_SHARE = 0.35, 0.5, 0.5


def _edit_word(word: str, r: float, pos: float) -> str:
    if len(word) < 4:
        return word
    i = 1 + int(pos * (len(word) - 2))
    if r < 1 / 3:
        return word[:i] + word[i + 1:]                          # a letter dropped
    if r < 2 / 3:
        return word[:i] + word[i] + word[i:]                    # a letter doubled
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]  # two letters transposed


def _name(words: list[str], kinds: set[str], rng: np.random.Generator) -> str:
    if "nickname" in kinds:
        for i, w in enumerate(words):
            if w.lower() in NICKNAMES:
                words = words[:i] + [NICKNAMES[w.lower()].title()] + words[i + 1:]
                break
        else:
            w = words[0]
            words = [w[2:].title() if len(w) > 5 else w] + words[1:]
    if "single_name" in kinds and len(words) > 1:
        words = [max(words, key=len)]
    if "drop_part" in kinds and len(words) > 2:
        words = words[:1] + words[2:] if rng.random() < 0.5 else words[:-1]
    elif "drop_part" in kinds and len(words) == 2:
        words = [words[0]] if rng.random() < 0.5 else [words[1]]
    if "swap_order" in kinds and len(words) > 1:
        words = words[-1:] + words[:-1]
    if "letters" in kinds:
        j = int(rng.integers(0, len(words)))
        words = words[:j] + [_edit_word(words[j], rng.random(), rng.random())] + words[j + 1:]
    return " ".join(words)


def _date(born, kinds: set[str], rng: np.random.Generator):
    import datetime as dt

    if "date_missing" in kinds:
        return None
    d = born
    if "year_off" in kinds:
        d = d.replace(year=d.year + (1 if rng.random() < 0.5 else -1)) if not (d.month == 2 and d.day == 29) else d
    if "date_digit" in kinds:
        text = d.strftime("%d%m%Y")
        for _ in range(10):
            i = int(rng.choice([0, 1, 2, 3, 6, 7]))
            t = text[:i] + str(int(rng.integers(0, 10))) + text[i + 1:]
            try:
                new = dt.datetime.strptime(t, "%d%m%Y").date()
            except ValueError:
                continue
            if new != d:
                d = new
                break
    if "date_swap" in kinds and d.day <= 12 and d.day != d.month:
        d = d.replace(day=d.month, month=d.day)
    return d


def alt_corpus(participants: pl.DataFrame, size: int, seed: int) -> Corpus:
    """A list of ``size`` rows drawn from the generator's registry (``participants``) and
    from new people, with this module's noise; its truth and the registry as given."""
    from cakupan.synth.lists import _places, registry_people
    from cakupan.synth.people import make_people

    rng = np.random.default_rng(seed)
    pool = registry_people(participants)
    n_reg = int(size * REGISTRY_SHARE)
    drawn = pool[np.sort(rng.choice(pool.height, n_reg, replace=False))].select(
        "nik", "name", "birth_date", "sex", "village_code").with_columns(person_nik=pl.col("nik"))
    villages = drawn["village_code"].to_numpy()
    districts = np.unique(np.array([v[:6] for v in villages]))
    new = make_people(rng, villages[rng.integers(0, len(villages), size - n_reg)], districts, first_serial=7000)
    new = new.filter(~pl.col("nik").is_in(pool["nik"].implode())).select(
        "nik", "name", "birth_date", "sex", "village_code").with_columns(person_nik=pl.lit(None, pl.String))
    people = pl.concat([drawn, new]).sample(fraction=1.0, shuffle=True, seed=seed)
    n = people.height
    applied = {k: rng.random(n) < r for k, r in RATES.items()}
    names, dates = [], []
    for i, (name, born) in enumerate(zip(people["name"].to_list(), people["birth_date"].to_list())):
        kinds = {k for k, m in applied.items() if m[i]}
        names.append(_name(name.split(), kinds, rng))
        dates.append(_date(born, kinds, rng))
    places = _places()
    by_district = places.group_by(pl.col("code").str.slice(0, 6).alias("d")).agg(pl.col("code"))
    by_regency = places.group_by(pl.col("code").str.slice(0, 4).alias("r")).agg(pl.col("code"))
    dmap = dict(zip(by_district["d"].to_list(), by_district["code"].to_list()))
    rmap = dict(zip(by_regency["r"].to_list(), by_regency["code"].to_list()))
    village = people["village_code"].to_list()
    for i, v in enumerate(village):
        if applied["district_moved"][i]:
            village[i] = rmap[v[:4]][int(rng.integers(0, len(rmap[v[:4]])))]
        elif applied["village_moved"][i]:
            village[i] = dmap[v[:6]][int(rng.integers(0, len(dmap[v[:6]])))]
    frame = pl.DataFrame({"code": village}).join(places, on="code", how="left", maintain_order="left")
    keep_nik, keep_sex = pl.Series(rng.random(n) < NIK_SHARE), pl.Series(rng.random(n) < SEX_SHARE)
    nik = people.select(pl.when(keep_nik).then(pl.col("nik"))).to_series()
    sex = people.select(pl.when(keep_sex).then(pl.col("sex"))).to_series()
    rows = pl.DataFrame({
        "NIK": nik, "NAMA": names,
        "TGL LAHIR": pl.Series(dates, dtype=pl.Date).dt.strftime("%d/%m/%Y"), "L/P": sex,
        "DESA": frame["village"], "KECAMATAN": frame["district"], "KABUPATEN": frame["regency"]})
    truth = pl.DataFrame({"row_number": pl.int_range(n, eager=True, dtype=pl.Int64) + FIRST_ROW,
                          "person_nik": people["person_nik"]})
    return Corpus("alt-noise", participants if "kpj" in participants.columns else memberships(participants),
                  rows, truth, kind="village")

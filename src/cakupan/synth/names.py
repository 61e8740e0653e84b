"""Javanese and Indonesian personal names, with the spelling variants real registries hold.

Names are built from vocabulary indices, so millions are made with a few column
operations. The old (pre-1972, Van Ophuijsen/Soewandi) spelling survives in many older
people's documents: ``u`` written ``oe``, ``j`` as ``dj``, ``c`` as ``tj``, ``y`` as ``j``,
``sy`` as ``sj``, ``ny`` as ``nj``, ``kh`` as ``ch``.
"""

from __future__ import annotations

import re

import numpy as np
import polars as pl

MALE = (
    "Agus Bambang Budi Joko Slamet Sugeng Sutrisno Supriyadi Wahyu Eko Heru Hadi Purwanto "
    "Suparman Sukardi Mulyono Sumarno Tukiman Paijo Ngatimin Rahmat Muhammad Ahmad Yusuf Rudi "
    "Andi Teguh Wawan Ari Yoga Bagus Fajar Rizki Dimas Aditya Sugiyanto Suyanto Darmanto "
    "Riyanto Joyo Cahyo Suroso Sukirno Margono Parjo Kasno Untung Yanto Kuncoro Hendro Bayu "
    "Gunawan Sulaiman Khoirul Syaiful Nyoto Harjo Wiyono Tarno Jumadi Kusno Yuliyanto"
).split()
FEMALE = (
    "Sri Siti Suharti Sumarni Wahyuni Lestari Rahayu Sulastri Ngatini Tumini Partini Endang "
    "Dewi Ratna Yuni Ani Ayu Putri Dian Fitri Indah Retno Winarsih Suparmi Kasmini Sukini "
    "Tuginem Sarmi Juwariyah Khotimah Nyai Yanti Cahyani Suciati Mujiyati Rini Wulan Novi "
    "Eka Puji Tri Dwi Nurul Umi Yulianti Kustini Sundari Marsini Paijem Sumiyati Jumiati"
).split()
FAMILY = (
    "Setiawan Susanto Prasetyo Wibowo Santoso Hidayat Nugroho Purnomo Saputra Kurniawan "
    "Widodo Sulistyo Haryanto Wijaya Utomo Pratama Hartono Suryanto Rahayu Lestari Wulandari "
    "Handayani Astuti Kusumawati Purwaningsih Susilowati Rahmawati Safitri Anggraini "
    "Budiyanto Sujarwo Mulyadi Cahyono Wahyudi Riyadi Suprapto Haryono Yulianto Syahputra "
    "Kusuma Ningsih Rahman Hakim Suwarno Sudarsono Prabowo Darmawan Hermawan Sutanto"
).split()

_OLD = [(re.compile(p), r) for p, r in (
    ("sy", "sj"), ("ny", "nj"), ("kh", "ch"), ("j", "dj"), ("c", "tj"), ("y", "j"), ("u", "oe"),
)]


def old_spelling(name: str) -> str:
    """``Joko Cahyono Sukarno`` -> ``Djoko Tjahjono Soekarno`` (pre-1972 spelling)."""
    out = []
    for word in name.split():
        w = word.lower()
        # Rules apply to the original letters only: mark the results so ``j`` from ``y``
        # is not turned into ``dj`` again.
        for pat, rep in _OLD:
            w = pat.sub(rep.upper(), w)
        out.append(w.lower().capitalize())
    return " ".join(out)


_OLD_RULES = tuple((p.pattern, r.upper()) for p, r in _OLD)
"""The same rules for literal replacement; the upper-case results are not rewritten."""


def old_spelling_series(names: pl.Series) -> pl.Series:
    """:func:`old_spelling` for a whole column (same result, vectorised)."""
    s = names.str.replace_all(r"\s+", " ").str.strip_chars().str.to_lowercase()
    for pattern, replacement in _OLD_RULES:
        s = s.str.replace_all(pattern, replacement, literal=True)
    return s.str.to_lowercase().str.split(" ").list.eval(
        pl.element().str.slice(0, 1).str.to_uppercase() + pl.element().str.slice(1)
    ).list.join(" ")


def _vocab(words: list[str]) -> tuple[pl.Series, pl.Series]:
    return pl.Series(words), pl.Series([old_spelling(w) for w in words])


def make_names(rng: np.random.Generator, female: np.ndarray, old: np.ndarray) -> pl.Series:
    """One name per person: 1 to 3 words; ``old`` marks people written in old spelling."""
    n = len(female)
    words = rng.choice([1, 2, 3], size=n, p=[0.30, 0.55, 0.15])
    male_v, male_o = _vocab(MALE)
    fem_v, fem_o = _vocab(FEMALE)
    fam_v, fam_o = _vocab(FAMILY)
    oldc = pl.Series(old)

    def pick(new: pl.Series, olds: pl.Series) -> pl.Series:
        idx = pl.Series(rng.integers(0, len(new), n))
        return pl.select(pl.when(oldc).then(olds.gather(idx)).otherwise(new.gather(idx))).to_series()

    first = pl.select(pl.when(pl.Series(female)).then(pick(fem_v, fem_o))
                      .otherwise(pick(male_v, male_o))).to_series()
    second = pick(fam_v, fam_o)
    third_pool = pl.select(pl.when(pl.Series(female)).then(pick(fem_v, fem_o))
                           .otherwise(pick(male_v, male_o))).to_series()
    w = pl.Series(words)
    frame = pl.DataFrame({"a": first, "b": third_pool, "c": second, "w": w})
    return frame.select(
        pl.when(pl.col("w") == 1).then(pl.col("a"))
        .when(pl.col("w") == 2).then(pl.concat_str([pl.col("a"), pl.col("c")], separator=" "))
        .otherwise(pl.concat_str([pl.col("a"), pl.col("b"), pl.col("c")], separator=" "))
        .alias("name")
    ).to_series()


def spelling_variant(names: pl.Series, rng: np.random.Generator) -> pl.Series:
    """A second spelling of each name, as a second registration might hold it:
    old spelling, an abbreviated first word (``Muhammad`` -> ``M.``) or upper case."""
    kind = pl.Series(rng.integers(0, 3, len(names)))
    old = old_spelling_series(names)
    abbrev = names.str.replace(r"^(\w)\w+ (\w)", "$1. $2")
    return pl.select(
        pl.when(kind == 0).then(old).when(kind == 1).then(abbrev).otherwise(names.str.to_uppercase())
    ).to_series()

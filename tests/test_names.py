"""Name normalisation: hand-picked cases, properties (hypothesis), scalar == Polars == Ibis."""

from __future__ import annotations

import re

import ibis
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cakupan.identity.names import (
    KEY_RULES,
    NORMALISE_RULES,
    first_token_expr,
    last_token_expr,
    name_key,
    name_key_expr,
    name_key_ibis,
    name_tokens,
    name_tokens_ibis,
    normalise_name,
    normalise_name_expr,
    normalise_name_ibis,
)
from cakupan.synth.names import FAMILY, FEMALE, MALE, old_spelling

FAST = settings(max_examples=200, deadline=None)
VOCAB = sorted(set(MALE + FEMALE + FAMILY))


@pytest.mark.parametrize("raw, expected", [
    ("HJ. SITI AMINAH, S.Pd.", "siti aminah"),
    ("Drs. H. Moch. Djoko Santoso", "muhammad joko santoso"),
    ("Drs.H.Moch.Djoko Santoso", "muhammad joko santoso"),
    ("Ahmad bin Yusuf", "ahmad"),
    ("Siti Khotimah binti Parjo", "siti khotimah"),
    ("Siti Khotimah Bt. Parjo", "siti khotimah"),
    ("Ahmad b. Yusuf", "ahmad"),
    ("Ahmad bin", "ahmad"),
    ("Bin Salim", "bin salim"),  # nothing before "bin": a family name, kept
    ("H. Bin Salim", "bin salim"),
    ("Bintang Pratama", "bintang pratama"),
    ("Soeharti", "suharti"),
    ("Tjahjono", "cahjono"),  # j written for y stays; the key merges it
    ("Soekarno", "sukarno"),
    ("Sjahrir", "syahrir"),
    ("Nj. Soekarti", "sukarti"),  # Nj. = Ny. (Nyonya)
    ("Choirul Anam", "khoirul anam"),
    ("M. Rizki", "muhammad rizki"),
    ("M.Rizki", "muhammad rizki"),
    ("Muh Yusuf", "muhammad yusuf"),
    ("MOCHAMAD Yusuf", "muhammad yusuf"),
    ("Mhd. Yusuf", "muhammad yusuf"),
    ("M", "m"),
    ("Ahmad M. Yusuf", "ahmad m yusuf"),  # only a leading M is Muhammad
    ("  sri   wahyuni ", "sri wahyuni"),
    ("Paijo", "paijo"),
    ("Ma'ruf Amin", "maruf amin"),
    ("Ma`ruf Amin", "maruf amin"),
    ('Siti "Ani" Aminah', "siti ani aminah"),
    ("Setiawan, S.T.", "setiawan"),
    ("Setiawan, ST", "setiawan"),
    ("Joko ST", "joko st"),  # ST only counts after a comma
    ("Joko Santoso SE", "joko santoso"),
    ("Joko Santoso S.Kom", "joko santoso"),
    ("Siti Aminah, S.Pd., M.Pd.", "siti aminah"),
    ("Siti Aminah S.Pd, M.M.", "siti aminah"),
    ("Siti Aminah, dr.", "siti aminah"),
    ("dr. Siti Aminah", "siti aminah"),
    ("Prof. Dr. Ir. H. Joko Santoso, M.T.", "joko santoso"),
    ("Santoso, Joko", "santoso joko"),  # not a degree after the comma: kept
    ("Sri Setiawati", "sri setiawati"),
    ("Ibu Sri", "sri"),
    ("Pak Paijo", "paijo"),
    ("Alm. Paijo", "paijo"),
    ("H.", "h"),  # a title alone is kept: never empty
    ("Ir", "ir"),
    ("Siti-Aminah", "siti aminah"),
    ("Paijo 2", "paijo"),
    ("ÂNI Rahayu", "ani rahayu"),
    ("Élise", "elise"),
    ("Pandji", "panyi"),  # known cost: nj -> ny also hits a modern nj (Panji -> panyi)
    ("", None),
    ("   ", None),
    (" .,- ", None),
    ("123", None),
    (None, None),
    (float("nan"), None),
])
def test_normalise_examples(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize("a, b", [
    ("Tjahjono", "Cahyono"),
    ("Djoko Santoso", "Joko Santoso"),
    ("Soeharto", "Suharto"),
    ("Achmad", "Ahmad"),
    ("Mochammad Choirul", "Muhammad Khoirul"),
    ("M. Rizki", "Muhammad Rizki"),
    ("Moh. Rizki", "Mohamad Rizki"),
    ("Supriyadi", "Supriadi"),
    ("Sitti Aminah", "Siti Aminah"),
    ("Joesoef", "Yusuf"),
    ("Sjaiful", "Syaiful"),
    ("Njoto", "Nyoto"),
    ("Abdullah", "Abdulah"),
    ("Panji", "Pandji"),
    ("Hj. Siti Aminah, S.Pd.", "SITI AMINAH"),
])
def test_same_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a, b", [
    ("Joko Santoso", "Joko Susanto"),
    ("Sri Wahyuni", "Siti Wahyuni"),
    ("Joko ST", "Joko"),
    ("Ahmad M. Yusuf", "Ahmad Yusuf"),
])
def test_different_key(a, b):
    assert name_key(a) != name_key(b)


def test_key_examples():
    assert name_key("Drs. H. Moch. Djoko Santoso") == "muhamad yoko santoso"
    assert name_key("Tjahjono") == name_key("Cahyono") == "cahyono"
    assert name_key(None) is None and name_key("  ") is None


def test_rules_are_portable():
    """No look-around or back-references; replacements are constants (no $1 / \\1)."""
    for pattern, repl in KEY_RULES:
        assert not re.search(r"\(\?<?[=!]|\\[1-9]", pattern), pattern
        assert re.fullmatch("[a-z ,]*", repl), repl
    assert KEY_RULES[:len(NORMALISE_RULES)] == NORMALISE_RULES


def test_vocabulary_words_survive_and_old_spelling_keys():
    for word in VOCAB:
        assert normalise_name(word) == word.lower()
        assert name_key(old_spelling(word)) == name_key(word), (word, old_spelling(word))


def test_name_tokens():
    assert name_tokens("muhamad yoko santoso") == ("muhamad", "santoso")
    assert name_tokens("paio") == ("paio", "paio")
    assert name_tokens(None) == (None, None) and name_tokens("") == (None, None)
    df = pl.DataFrame({"k": ["muhamad yoko santoso", "paio", None]})
    out = df.select(first_token_expr(pl.col("k")).alias("f"), last_token_expr(pl.col("k")).alias("l"))
    assert list(zip(out["f"], out["l"])) == [name_tokens(k) for k in df["k"]]


# -- properties --------------------------------------------------------------------------
TITLE_FORMS = ["H.", "Hj.", "HJ", "Hajjah", "Drs.", "Dra.", "Dr.", "Ir.", "Prof.", "KH.", "Ny.",
               "Bpk.", "Bapak", "Ibu", "Ustadz", "Sdr.", "Tn."]
DEGREE_FORMS = [", S.Pd.", ", S.Pd., M.Pd.", ", S.T.", ", ST", ", SE", " S.Kom", ", A.Md.",
                ", M.M.", " SH", ", dr.", " S.Sos.", ", S.H., M.H."]
vocab_name = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=3).map(" ".join)
dressed = st.builds(
    lambda titles, name, degrees: " ".join([*titles, name]) + "".join(degrees),
    st.lists(st.sampled_from(TITLE_FORMS), max_size=3), vocab_name,
    st.lists(st.sampled_from(DEGREE_FORMS), max_size=2),
)
WORDS = TITLE_FORMS + [d.strip(" ,") for d in DEGREE_FORMS] + VOCAB[:40] + [
    "bin", "binti", "bt", "b.", "M.", "Moch", "Muh", "Mohammad", "dj", "tj", "oe", "nj", "sj",
    "ch", "kh", "iy", ",", "."]
ASCII = "abcdeghijkmnorstuyABDHJKMOSTY  .,'`\"-0\t"
ascii_text = st.one_of(
    st.text(alphabet=ASCII, max_size=30),
    st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join),
    dressed, dressed.map(old_spelling),
)
any_text = st.one_of(ascii_text, st.text(alphabet=ASCII + "ÂâéÉñüİ’ßﬁ²\u00a0", max_size=30))


@FAST
@given(any_text)
def test_idempotent(s):
    n = normalise_name(s)
    assert normalise_name(n) == n
    k = name_key(s)
    assert name_key(k) == k
    assert name_key(n) == k  # the key is built on the normalised name


@FAST
@given(st.one_of(ascii_text, st.text(alphabet=ASCII + "ÂâéÉñü", max_size=30)))
def test_case_insensitive(s):
    assert name_key(s.upper()) == name_key(s) == name_key(s.swapcase())


@FAST
@given(st.lists(st.sampled_from(TITLE_FORMS), max_size=3), vocab_name,
       st.lists(st.sampled_from(DEGREE_FORMS), max_size=2))
def test_titles_and_degrees_do_not_change_key(titles, name, degrees):
    dressed_name = " ".join([*titles, name]) + "".join(degrees)
    assert normalise_name(dressed_name) == normalise_name(name) == name.lower()
    assert name_key(dressed_name) == name_key(name)
    assert name_key("H. " + name + ", S.Pd.") == name_key(name)
    assert name_key(old_spelling(dressed_name)) == name_key(name)


@FAST
@given(vocab_name)
def test_old_spelling_same_key(name):
    assert name_key(old_spelling(name)) == name_key(name)
    assert name_key(old_spelling(name).upper()) == name_key(name)


@settings(max_examples=60, deadline=None)
@given(st.lists(any_text, min_size=1, max_size=40))
def test_polars_equals_scalar(values):
    df = pl.DataFrame({"name": [*values, None]}, schema={"name": pl.String})
    out = df.select(normalise_name_expr(pl.col("name")).alias("n"), name_key_expr(pl.col("name")).alias("k"))
    assert out["n"].to_list() == [normalise_name(v) for v in df["name"]]
    assert out["k"].to_list() == [name_key(v) for v in df["name"]]


def test_polars_lazy_and_vocabulary():
    names = [" ".join(t) for t in zip(VOCAB, reversed(VOCAB))] + [old_spelling(v) for v in VOCAB]
    lf = pl.LazyFrame({"name": names}).with_columns(k=name_key_expr(pl.col("name")))
    assert lf.collect()["k"].to_list() == [name_key(v) for v in names]


@pytest.fixture(scope="module")
def duck():
    return ibis.duckdb.connect()


@settings(max_examples=25, deadline=None)
@given(values=st.lists(ascii_text, min_size=1, max_size=40))
def test_ibis_equals_scalar(duck, values):
    t = duck.create_table("names", pl.DataFrame({"i": range(len(values) + 1), "name": [*values, None]},
                                                schema={"i": pl.Int64, "name": pl.String}), overwrite=True)
    first, last = name_tokens_ibis(name_key_ibis(t.name))
    out = t.select(t.i, n=normalise_name_ibis(t.name), k=name_key_ibis(t.name), f=first, l=last)
    res = out.order_by("i").to_pyarrow().to_pydict()
    everything = [*values, None]
    assert res["n"] == [normalise_name(v) for v in everything]
    assert res["k"] == [name_key(v) for v in everything]
    assert list(zip(res["f"], res["l"])) == [name_tokens(name_key(v)) for v in everything]

"""Indonesian personal names: a readable canonical form and a looser matching key.

Partners' lists (street vendors, fishermen, village lists) write the same person as
``HJ. SITI AMINAH, S.Pd.``, ``Siti Aminah`` or ``Sitti Aminah``; older people's papers
keep the pre-1972 spelling (``Soeharti``, ``Djoko``, ``Tjahjono``).

:func:`normalise_name` -- the readable canonical form, rules in this order:

1. ASCII fold (NFKD, drop what is not ASCII), lower case; apostrophes, backticks and
   quotes dropped (``Ma'ruf`` -> ``maruf``); any other non-letter (digit, dash, ...) is a
   space, except dots and commas; `` b.`` between words means ``bin``; dots become spaces.
2. Old spelling -> new, on letters: ``oe``->u, ``dj``->j, ``nj``->ny, ``sj``->sy,
   ``tj``->c, ``ch``->kh (``Soeharti`` -> ``suharti``, ``Tjahjono`` -> ``cahjono``: a
   ``j`` written for ``y`` cannot be told from a real ``j``; the key handles it).
3. Degrees after a comma are dropped (``Setiawan, S.T.`` -> ``setiawan``), other commas
   become nothing; :data:`TITLES` are dropped as leading words (``Drs. H.``); ``bin``/
   ``binti``/``bt`` drops itself and the father's name (``Ahmad bin Yusuf`` -> ``ahmad``)
   unless it is the first word (``Bin Salim`` stays); :data:`DEGREES` are dropped as
   trailing words even without a comma -- except ``st`` (only after a comma); a leading
   abbreviation of Muhammad (:data:`MUHAMMAD`: ``M.``, ``Moch.``, ``Muh``) becomes
   ``muhammad``. A title, ``bin`` or degree is never removed when it is the only word.

:func:`name_key` -- ``normalise_name`` plus letter rules (:data:`KEY_LETTERS`), so every
spelling of a name shares one key: ``j``->y (``Djoko``, ``Joko`` -> ``yoko``; ``Tjahjono``
and ``Cahyono`` -> ``cahyono``), ``dy``->y and ``ty``->c (old ``dj``/``tj`` also stood for
a new ``dy``/``ty``: ``Aditya`` = ``Aditja`` -> ``adica``), ``kh``/``ch``->h (``Achmad`` =
``Ahmad``), ``iy``->i (``Supriyadi`` = ``Supriadi``), doubled letters collapsed
(``Muhammad`` -> ``muhamad``, ``Sitti`` = ``Siti``). So ``name_key(old_spelling(x)) ==
name_key(x)`` for the synthetic vocabularies (:mod:`cakupan.synth.names`). The key is
for matching, not for display (``Prasetyo`` -> ``praseco``, ``Paijo`` -> ``paio``).

Word lists match the key-equivalent spellings too (``Hh.``, ``Mochammad``, ``Sdrr``), so
``name_key`` is idempotent. Every rule is a (regex, constant replacement) pair in
:data:`NORMALISE_RULES` / :data:`KEY_RULES`, applied in order by the scalar, Polars and
Ibis front ends alike (no look-around, no back-references: Python ``re``, Rust, RE2 and
Java agree). Ibis cannot fold accents portably: it expects ASCII and drops other
characters (``Â`` -> nothing, not ``a``).

Known costs: modern ``nj`` becomes ``ny`` (``Panji`` -> ``panyi``) and ``ch`` becomes ``kh``
(``Chandra`` -> ``khandra``); `` B.`` between words is read as ``bin`` (``Joko B. Santoso``
-> ``joko``); a leading lone ``M`` is read as Muhammad.
"""

from __future__ import annotations

import math
import re
import unicodedata
from string import ascii_lowercase
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from ibis.expr.types import StringValue


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


TITLES = _words(
    "h hj hjh haji hajjah hajah drs dra dr drg ir prof kh kyai kiai ust ustadz ustadzah "
    "ustaz ustazah ny nyonya nn tn tuan sdr sdri saudara saudari bpk bp bapak pak ibu bu "
    "alm almh almarhum almarhumah"
)
"""Honorifics dropped as leading words (possibly several: ``Drs. H.``)."""
DEGREES = _words(
    "s.pd s.pd.i s.e s.e.i s.h s.h.i s.kom s.t s.sos s.ag s.ip s.kep s.farm s.si s.psi "
    "s.ked s.hut s.pt s.tp s.kes s.ak s.km s.hum s.i.kom s.ds s.sn s.pi s.gz s.ab s.stp "
    "m.m m.pd m.si m.t m.kes m.h m.ag m.kom m.ak m.sc m.hum a.md a.ma a.md.kep a.md.keb "
    "a.md.kes b.sc ph.d dr se sh spd spdi mm mpd ssos skom amd sag skep sfarm ssi spsi "
    "sked spt stp skm skes mkes msi mag mh mt mkom msc phd bsc"
)
"""Academic degrees; a dot marks where the written form may have a dot, a space or nothing
after a comma (``S.Pd``, ``S. Pd``, ``SPd``); as trailing words the dots must be there."""
COMMA_DEGREES = ("st",)
"""Degrees dropped only after a comma: ``ST`` could be part of a name (``Joko ST``)."""
PATRONYMIC = ("binti", "bin", "bt")
MUHAMMAD = _words(
    "m md mh mhd mhmd moh mohd moch muh much mochamad mochammad mohamad mohammad mohamed "
    "mohammed muhamad muhammad muhamat mukhamad mukhammad"
)
"""Leading abbreviations and variants of ``Muhammad``."""

SPELLING: tuple[tuple[str, str], ...] = (
    ("oe", "u"), ("d+j", "j"), ("nj", "ny"), ("sj", "sy"), ("tj", "c"), ("ch", "kh"),
)
"""Old (pre-1972) spelling -> new; ``d+j`` first so ``ndj`` ends as ``ny`` consistently."""
KEY_LETTERS: tuple[tuple[str, str], ...] = (
    ("j", "y"), ("d+y", "y"), ("t+y", "c"), ("[ck]+h", "h"), ("iy+", "i"),
    *((f"{c}{c}+", c) for c in ascii_lowercase if c != "j"),  # no j is left to double
)
"""Extra letter rules of :func:`name_key`, applied after :data:`NORMALISE_RULES`."""

# Every spelling that the key rules turn into one letter of a listed word (see _forms).
_Y = "d*[yj]"
_LOOSE = {"y": f"(?:{_Y})+", "c": f"(?:c|t+{_Y})+", "h": f"(?:(?:[ck]|t+{_Y})*h)+",
          "i": f"i(?:i|{_Y})*"}


def _apply(rules: tuple[tuple[str, str], ...], s: str) -> str:
    for pattern, repl in rules:
        s = re.sub(pattern, repl, s)
    return s


def _forms(word: str, dot: str) -> set[str]:
    """Regexes for one listed word: as written (new spelling, ``dot`` where it has dots)
    and, when the key rules leave it unchanged, every spelling with that same key
    (``dr`` -> ``d+r+``), so a word's key is never a listed word the word itself is not."""
    w = _apply(SPELLING, word.replace(".", " "))
    forms = {w.replace(" ", dot)}
    if _apply(KEY_LETTERS, w) == w:
        forms.add(dot.join("".join(_LOOSE.get(c, c + "+") for c in part) for part in w.split()))
    return forms


def _alt(words: list[str] | tuple[str, ...], dot: str = " ") -> str:
    forms = set().union(*(_forms(w, dot) for w in words))
    return "|".join(sorted(forms, key=lambda f: (-len(f), f)))


NORMALISE_RULES: tuple[tuple[str, str], ...] = (
    ("['`\"]", ""),  # ma'ruf -> maruf
    (r" b\.", " bin "),  # Ahmad b. Yusuf
    ("[^a-z,]+", " "),  # dots, digits, dashes, other punctuation, whitespace
    (" *,[ ,]*", " , "),
    ("^[ ,]+|[ ,]+$", ""),
    *SPELLING,
    (rf" ,(?:(?: ,)? (?:{_alt(DEGREES + COMMA_DEGREES, ' ?')}))+(?: |$)", " "),
    (" ,| $", ""),
    (rf"^(?:(?:{_alt(TITLES)}) )+", ""),
    (rf" (?:{_alt(PATRONYMIC)})(?: .*)?$", ""),
    (rf"(?: (?:{_alt(DEGREES)}))+$", ""),
    (rf"^(?:{_alt(MUHAMMAD)}) ", "muhammad "),
)
"""(regex, replacement) pairs applied in order after ASCII folding and lower-casing."""
KEY_RULES: tuple[tuple[str, str], ...] = NORMALISE_RULES + KEY_LETTERS
""":data:`NORMALISE_RULES` then :data:`KEY_LETTERS`."""

_COMPILED = {rules: [(re.compile(p), r) for p, r in rules] for rules in (NORMALISE_RULES, KEY_RULES)}
_NON_ASCII = r"[^\x00-\x7f]"


def _run(name: object, rules: tuple[tuple[str, str], ...]) -> str | None:
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return None
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    for pattern, repl in _COMPILED[rules]:
        s = pattern.sub(repl, s)
    return s or None


def normalise_name(name: str | None) -> str | None:
    """``Drs. H. Moch. Djoko Santoso`` -> ``muhammad joko santoso``; None when empty."""
    return _run(name, NORMALISE_RULES)


def name_key(name: str | None) -> str | None:
    """Matching key: ``Tjahjono`` and ``Cahyono`` -> ``cahyono``; None when empty."""
    return _run(name, KEY_RULES)


def name_tokens(key: str | None) -> tuple[str | None, str | None]:
    """First and last word of a key (the same word for one-word names), for blocking."""
    words = key.split() if key else []
    return (words[0], words[-1]) if words else (None, None)


# -- Polars ------------------------------------------------------------------------------
def _polars(expr: pl.Expr, rules: tuple[tuple[str, str], ...]) -> pl.Expr:
    """The rules run once per distinct value (names repeat a lot), then map back: every
    rule is a pass over the strings, so this is many times faster on real registers."""
    u = expr.cast(pl.String).unique(maintain_order=True)
    e = u.str.normalize("NFKD").str.replace_all(_NON_ASCII, "").str.to_lowercase()
    for pattern, repl in rules:
        e = e.str.replace_all(pattern, repl)
    return expr.cast(pl.String).replace_strict(u, e.replace("", None), return_dtype=pl.String)


def normalise_name_expr(expr: pl.Expr) -> pl.Expr:
    """:func:`normalise_name` as a Polars expression (no per-row Python)."""
    return _polars(expr, NORMALISE_RULES)


def name_key_expr(expr: pl.Expr) -> pl.Expr:
    """:func:`name_key` as a Polars expression (no per-row Python)."""
    return _polars(expr, KEY_RULES)


def first_token_expr(expr: pl.Expr) -> pl.Expr:
    """First word of a normalised name or key (Polars)."""
    return expr.str.extract(r"^([^ ]+)", 1)


def last_token_expr(expr: pl.Expr) -> pl.Expr:
    """Last word of a normalised name or key (Polars)."""
    return expr.str.extract(r"([^ ]+)$", 1)


# -- Ibis (DuckDB, Spark) -------------------------------------------------------------------
def _ibis(value: StringValue, rules: tuple[tuple[str, str], ...]) -> StringValue:
    v = value.lower().re_replace(_NON_ASCII, "")
    for pattern, repl in rules:
        v = v.re_replace(pattern, repl)
    return v.nullif("")


def normalise_name_ibis(value: StringValue) -> StringValue:
    """:func:`normalise_name` for Ibis; expects ASCII (other characters are dropped)."""
    return _ibis(value, NORMALISE_RULES)


def name_key_ibis(value: StringValue) -> StringValue:
    """:func:`name_key` for Ibis; expects ASCII (other characters are dropped)."""
    return _ibis(value, KEY_RULES)


def name_tokens_ibis(value: StringValue) -> tuple[StringValue, StringValue]:
    """First and last word of a normalised name or key (Ibis)."""
    return value.re_extract(r"^([^ ]+)", 1).nullif(""), value.re_extract(r"([^ ]+)$", 1).nullif("")

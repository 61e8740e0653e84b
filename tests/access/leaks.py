"""What an answer may not carry for a caller: regions outside its scope (names, codes,
people's NIKs), in HTML, JSON, CSV and XLSX."""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from pathlib import Path

from cakupan.regions import children, region_name

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "cakupan" / "web" / "templates"
QUOTED = re.compile(r"""["'>](\d{4}|\d{6}|\d{10}|\d{16})["'<]""")
DOTTED = re.compile(r"(?<![\d.])(3[34])\.(\d{2})(?:\.(\d{2}))?(?![\d])")
MASKED = re.compile(r"(?<!\d)(\d{6})\*{2,}\d{4}(?!\d)")
CODE_CELL = re.compile(r"^(\d{4}|\d{6}|\d{10}|\d{16})$")


@lru_cache(maxsize=1)
def boilerplate() -> str:
    """The text every page carries whoever asks (templates, the app's own words, the API
    description with its examples)."""
    import json

    from cakupan.web.i18n import WORDS

    text = "\n".join(p.read_text(encoding="utf-8") for p in TEMPLATES.glob("*.html"))
    text += "\n".join(w for pair in WORDS.values() for w in pair)
    return text + "\n".join(API_DESCRIPTION)


API_DESCRIPTION: list[str] = []
"""The app's OpenAPI document as text (set by the sweep)."""


@lru_cache(maxsize=1)
def _regions() -> list[str]:
    return ["33", "34"] + children("33", 2) + children("34", 2)


def inside(code: str, allowed: tuple[str, ...]) -> bool:
    """A region inside the scope, or an ancestor of one (its province is shown as a label)."""
    return any(code.startswith(a) or a.startswith(code) for a in allowed)


@lru_cache(maxsize=64)
def forbidden_names(allowed: tuple[str, ...]) -> tuple[str, ...]:
    ok = [region_name(c) for c in _regions() if inside(c, allowed)]
    plate = boilerplate()
    out = []
    for c in _regions():
        name = region_name(c)
        if inside(c, allowed) or not name or name in plate or any(name in n for n in ok if n):
            continue
        out.append(name)
    return tuple(out)


def _bad_code(code: str, allowed: tuple[str, ...]) -> bool:
    return code[:2] in ("33", "34") and region_name(code[:4]) is not None and not inside(code[:4], allowed) \
        and not inside(code, allowed)


def leaks_in_text(text: str, allowed: tuple[str, ...] | None) -> list[str]:
    """Outside regions named or coded in an HTML or JSON answer."""
    if allowed is None:
        return []
    found = [f"name {n!r}" for n in forbidden_names(allowed) if n in text]
    found += [f"code {c}" for c in QUOTED.findall(text) if _bad_code(c, allowed)]
    plate = boilerplate()
    for m in DOTTED.finditer(text):
        code = "".join(x for x in m.groups() if x)
        if _bad_code(code, allowed) and m.group(0) not in plate:
            found.append(f"dotted {m.group(0)}")
    found += [f"masked NIK {c}" for c in MASKED.findall(text) if _bad_code(c, allowed)]
    return found


def leaks_in_csv(text: str, allowed: tuple[str, ...] | None) -> list[str]:
    if allowed is None:
        return []
    found = [f"name {n!r}" for n in forbidden_names(allowed) if n in text]
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        return found
    header = rows[0]
    coded = [i for i, h in enumerate(header) if h.endswith("code") or h == "nik"]
    for row in rows[1:]:
        row = [c[2:-1] if c.startswith('="') and c.endswith('"') else c for c in row]  # a NIK kept as text
        for i in coded:
            if i < len(row) and CODE_CELL.match(row[i]) and _bad_code(row[i], allowed):
                found.append(f"csv {header[i]}={row[i]}")
        found += [f"masked NIK {c}" for cell in row for c in MASKED.findall(cell) if _bad_code(c, allowed)]
    return found


def leaks_in_xlsx(data: bytes, allowed: tuple[str, ...] | None) -> list[str]:
    from openpyxl import load_workbook

    if allowed is None:
        return []
    wb = load_workbook(io.BytesIO(data), read_only=True)
    found: list[str] = []
    names = forbidden_names(allowed)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for cell in row:
                if not isinstance(cell, str):
                    continue
                found += [f"xlsx name {n!r}" for n in names if n in cell]
                value = cell.replace(".", "") if DOTTED.fullmatch(cell) else cell
                if CODE_CELL.match(value) and _bad_code(value, allowed):
                    found.append(f"xlsx code {cell}")
                found += [f"xlsx masked NIK {c}" for c in MASKED.findall(cell) if _bad_code(c, allowed)]
    return found


def leaks(response, allowed: tuple[str, ...] | None) -> list[str]:
    ctype = response.headers.get("content-type", "")
    if "spreadsheetml" in ctype:
        return leaks_in_xlsx(response.content, allowed)
    if ctype.startswith("text/csv"):
        return leaks_in_csv(response.content.decode("utf-8"), allowed)
    return leaks_in_text(response.text, allowed)

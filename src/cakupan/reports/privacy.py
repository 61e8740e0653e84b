"""Masking of personal data in output: NIK, names and phone numbers are shown masked
unless the caller asks for them explicitly (``--show-pii``)."""

from __future__ import annotations


def mask_nik(nik: str | None) -> str | None:
    """``3374014101900001`` -> ``337401******0001`` (the district stays visible)."""
    if not nik:
        return nik
    return nik[:6] + "*" * max(len(nik) - 10, 0) + nik[-4:] if len(nik) > 10 else "*" * len(nik)


def mask_name(name: str | None) -> str | None:
    """``Siti Rahayu Lestari`` -> ``S*** R. L.``; ``Dian`` -> ``D***``: the first word's
    first letter and three stars whatever its length, then initials. No word is shown, so
    a one-word name is hidden as well as a long one (and the length is not told)."""
    if not name or not name.strip():
        return name
    first, *rest = name.split()
    return " ".join([first[0].upper() + "***"] + [w[0].upper() + "." for w in rest])


def mask_phone(phone: str | None) -> str | None:
    """``081234567890`` -> ``0812******90``."""
    if not phone:
        return phone
    return phone[:4] + "*" * max(len(phone) - 6, 0) + phone[-2:] if len(phone) > 6 else "*" * len(phone)


def mask_rows(rows: list[dict], show: bool) -> list[dict]:
    if show:
        return rows
    masks = {"nik": mask_nik, "name": mask_name, "phone": mask_phone}
    return [{k: masks[k](v) if k in masks else v for k, v in r.items() if k != "birth_date"} for r in rows]

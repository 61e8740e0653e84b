"""Synthetic data calibrated to published aggregates (never real people)."""

from __future__ import annotations

from cakupan.synth.registry import ACTIVE_NOV_2021, SynthConfig, generate

__all__ = ["ACTIVE_NOV_2021", "SynthConfig", "generate", "build_warehouse"]


def build_warehouse(wh, cfg: SynthConfig, progress=None) -> dict[str, int]:
    """Generate the registry and write it, with the reference tables, to ``wh``.

    Returns rows written per table.
    """
    from cakupan.reference_tables import load_reference

    tables = generate(cfg, progress)
    written = {}
    for name, table in tables.items():
        if progress:
            progress(f"simpan {name}", 0.92)
        wh.replace(name, table)
        written[name] = table.num_rows
    written.update(load_reference(wh, replace=False))
    return written

"""Write the shipped reference data (regions, workforce) into a warehouse."""

from __future__ import annotations

from cakupan.reference import workforce_reference
from cakupan.regions import region_master


def load_reference(wh, replace: bool = False) -> dict[str, int]:
    """Create ``regions`` and ``workforce`` from the shipped data.

    With ``replace=False`` an existing table is kept (it may hold imported figures).
    """
    written = {}
    for name, make in (("regions", region_master), ("workforce", workforce_reference)):
        if replace or not wh.has(name):
            table = make()
            wh.replace(name, table)
            written[name] = table.num_rows
    return written

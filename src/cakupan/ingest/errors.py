"""The one error the reading layer raises for a whole file."""

from __future__ import annotations


class IngestError(RuntimeError):
    """A problem with a whole file that the user can fix (the message says how)."""

"""Import CSV / XLSX / Parquet files into the warehouse: read, validate, quarantine, upsert."""

from cakupan.ingest.readers import FileRead, IngestError, normalise_header, read_file, read_table_file
from cakupan.ingest.validate import ValidationResult, check_columns, validate, validate_frame

__all__ = [
    "IngestError", "ImportReport", "ValidationResult", "check_columns", "import_file",
    "normalise_header", "read_table_file", "validate", "validate_frame", "FileRead", "read_file",
]


def __getattr__(name):  # load.py imports the warehouse (ibis); load it only when asked
    if name in ("ImportReport", "import_file"):
        from cakupan.ingest import load

        return getattr(load, name)
    raise AttributeError(name)

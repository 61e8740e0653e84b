"""Fuzz target for the reading layer (atheris, coverage-guided): for any bytes, the CSV
reader gives a clear error (:class:`IngestError`, one line) or counts that add up; any other
exception or a broken count is a crash. ``make fuzz`` runs it (60 s by default,
``FUZZ_SECONDS=…``); ``make test`` runs it for 10 s. A crash is written to ``out/fuzz/``:
turn it into a file of ``tests/data/malformed/make_corpus.py`` with its expected outcome.

    python tests/fuzz_reading.py -max_total_time=60 -artifact_prefix=out/fuzz/ out/fuzz/corpus
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["cakupan.ingest"]):
    from cakupan.ingest.errors import IngestError
    from cakupan.ingest.readers import read_csv_bytes

OPTIONS = [(None, None), (None, ";"), ("cp1252", None), (None, "\t"), ("utf-16", None)]


def check(data: bytes) -> None:
    if not data:
        return
    encoding, delimiter = OPTIONS[data[0] % len(OPTIONS)]
    try:
        got = read_csv_bytes(data[1:], "fuzz.csv", encoding=encoding, delimiter=delimiter)
    except IngestError as e:
        if "\n" in str(e) or not str(e).startswith("fuzz.csv"):
            raise AssertionError(f"an error that is not one sentence about the file: {e!r}") from None
        return
    for part in got.parts:
        lines = part.frame["_row"].to_list() + [b.line for b in part.bad]
        if part.read != len(lines) + sum(part.skipped.values()) or len(set(lines)) != len(lines):
            raise AssertionError(f"counts do not add up: {part.read} read, {len(lines)} rows/bad, "
                                 f"{part.skipped} skipped")


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

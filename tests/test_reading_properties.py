"""Property tests of the reading layer: for any bytes, a clear error or counts that add up;
never another exception."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cakupan.ingest import IngestError
from cakupan.ingest.readers import read_csv_bytes, read_file

ALPHABET = st.sampled_from(list(',;\t|"\r\n \x00\x07ab1Â') + ["NIK", "NAMA", "3374014101900001", "\r\n", '""'])
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(got) -> None:
    for part in got.parts:
        assert part.read == part.frame.height + len(part.bad) + sum(part.skipped.values())
        lines = part.frame["_row"].to_list() + [b.line for b in part.bad]
        assert len(lines) == len(set(lines))  # no line counted twice
        assert all(n > part.header_row for n in lines)
        for b in part.bad:
            assert b.reason and len(b.raw) <= 1100
    assert got.read == sum(p.read for p in got.parts)


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_clear_error_or_counts_add_up(raw):
    try:
        got = read_csv_bytes(raw, "acak.csv")
    except IngestError as e:
        assert str(e).startswith("acak.csv") and "\n" not in str(e)
        return
    _check(got)


@SETTINGS
@given(st.lists(ALPHABET, max_size=80).map("".join), st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_text_made_of_separators_quotes_and_line_breaks(text, enc):
    raw = text.encode(enc, errors="replace")
    try:
        got = read_csv_bytes(raw, "acak.csv")
    except IngestError:
        return
    _check(got)


cells = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters='\n\r\t",;|'),
                max_size=12)


@SETTINGS
@given(st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=15),
       st.sampled_from([",", ";", "\t", "|"]), st.sampled_from(["\n", "\r\n", "\r"]))
def test_well_formed_csv_reads_back_every_row(rows, sep, eol):
    """Any table the csv module writes (quotes, separators and line breaks in values) is
    read back row for row, whatever the line ending, when its header is plain."""
    buf = io.StringIO()
    # QUOTE_MINIMAL would leave "a\n" unquoted when the terminator is "\r" (ambiguous file)
    writer = csv.writer(buf, delimiter=sep, lineterminator=eol, quoting=csv.QUOTE_ALL)
    writer.writerow(["kol_a", "kol_b", "kol_c"])
    writer.writerows(rows)
    try:
        got = read_csv_bytes(buf.getvalue().encode("utf-8"), "t.csv", delimiter=sep)
    except IngestError as e:
        assert "tanpa baris data" in str(e) or "kosong" in str(e)
        assert all(not "".join(r).strip() for r in rows)
        return
    _check(got)
    part = got.parts[0]
    expected = [[c.replace("\r\n", "\n").replace("\r", "\n") for c in r] for r in rows if "".join(r).strip()]
    got_rows = [list(r) for r in part.frame.select("kol_a", "kol_b", "kol_c").iter_rows()]
    assert got_rows == expected


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([".csv", ".tsv", ".xlsx", ".parquet", ".txt"]))
def test_any_file_of_any_name(tmp_path_factory, raw, ext):
    path = tmp_path_factory.mktemp("acak") / f"berkas{ext}"
    path.write_bytes(raw)
    try:
        got = read_file(path)
    except IngestError as e:
        assert "\n" not in str(e)
        return
    _check(got)


def test_pattern_like_headers_are_read_as_plain_names():
    """Headers a dataframe library would expand ("*", "^a$") and an empty header next to a
    column already called like its placeholder: every value is kept, no exception."""
    got = read_csv_bytes(b"*,^a$,,kolom_3\n1,2,3,4\n", "pola.csv")
    part = got.parts[0]
    assert part.frame.height == 1
    values = part.frame.drop("_row").row(0)
    assert sorted(values) == ["1", "2", "3", "4"]
    assert len(set(part.frame.columns)) == len(part.frame.columns)

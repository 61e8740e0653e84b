"""Make the malformed-input corpus: one small file per class of bad input a partner, a
registry export or a careless user could send, and ``manifest.json`` with what each
importer must make of it (counts that add up, reason codes, or the one-sentence error).

The expected outcomes are written here by hand from the file's content -- never computed by
running cakupan -- so the test in ``tests/test_malformed.py`` can fail. All data synthetic.

    python tests/data/malformed/make_corpus.py      # rewrites the files and the manifest
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).parent
LIST_HEADER = ["NIK", "NAMA", "TGL LAHIR", "DESA"]
GOOD = [  # valid NIKs whose birth dates agree with the date column
    ["3374014101900001", "Siti Aminah", "01-01-1990", "Miroto"],
    ["3374011203800002", "Djoko Santoso", "12-03-1980", "Miroto"],
    ["3374015506750003", "Sri Wahyuni", "15-06-1975", "Sekayu"],
    ["3374010708850004", "Budi Hartono", "07-08-1985", "Sekayu"],
]
P_HEADER = ("kpj,nik,name,birth_date,sex,village_code,segment,sub_segment,occupation,npp,wage,"
            "programmes,registered_date,last_paid_month,sponsor_type").split(",")
MANIFEST: list[dict] = []
ALL = ["list", "participants", "candidates"]


def p_row(kpj: str, birth: str = "1990-01-01", name: str = "Siti Contoh") -> list[str]:
    return [kpj, "3374014101900001", name, birth, "P", "3374011001", "BPU", "", "", "", "2500000",
            "JKK", "2024-01-15", "2024-06", "SELF"]


def text(rows: list[list[str]], sep: str = ";", eol: str = "\n", header=LIST_HEADER) -> str:
    return eol.join(sep.join(r) for r in [header, *rows]) + eol


def add(name: str, what: str, data: bytes, applies: list[str], **expect) -> None:
    (HERE / name).write_bytes(data)
    MANIFEST.append({"file": name, "class": what, "importers": applies, "expect": expect})


def counts(read: int, accepted: int, quarantined: int = 0, skipped: int = 0, **extra) -> dict:
    assert read == accepted + quarantined + skipped, "the manifest itself must add up"
    return {"read": read, "accepted": accepted, "quarantined": quarantined, "skipped": skipped, **extra}


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def list_files() -> None:
    utf8 = lambda s: s.encode("utf-8")  # noqa: E731
    add("lf.csv", "LF line endings", utf8(text(GOOD)), ["list"], **counts(4, 4))
    add("crlf.csv", "CRLF line endings (Windows)", utf8(text(GOOD, eol="\r\n")), ["list"], **counts(4, 4))
    add("cr_only.csv", "CR-only line endings (old Mac, some HR exports)", utf8(text(GOOD, eol="\r")),
        ["list"], **counts(4, 4))
    mixed = ";".join(LIST_HEADER) + "\r\n" + ";".join(GOOD[0]) + "\n" + ";".join(GOOD[1]) + "\r" \
        + ";".join(GOOD[2]) + "\r\n" + ";".join(GOOD[3])
    add("mixed_eol.csv", "CR, LF and CRLF in one file, no final line break", utf8(mixed), ["list"],
        **counts(4, 4))
    names = [r[:1] + [n] + r[2:] for r, n in zip(GOOD, ["Ngadimin Âmat", "Sukirno Ñoto", "Sri Wahyuni",
                                                          "Budi Hartono"])]
    add("cp1252_semicolon.csv", "Windows-1252 bytes, ';' separator",
        text(names, eol="\r\n").encode("cp1252"), ["list"], **counts(4, 4, encoding="cp1252"))
    add("utf8_bom.csv", "UTF-8 with byte-order mark", b"\xef\xbb\xbf" + utf8(text(names, sep=",")),
        ["list"], **counts(4, 4, encoding="utf-8-sig"))
    add("utf16_bom.txt", "UTF-16 LE with BOM, tab separated (Excel 'Unicode text')",
        text(names, sep="\t", eol="\r\n").encode("utf-16"), ["list"], **counts(4, 4, encoding="utf-16"))
    add("latin1_fallback.csv", "a byte Windows-1252 leaves undefined (0x81): Latin-1",
        text(GOOD).encode("latin-1").replace(b"Siti", b"Si\x81ti"), ["list"], **counts(4, 4, encoding="latin-1"))
    add("tab.tsv", "tab separated", utf8(text(GOOD, sep="\t")), ["list"], **counts(4, 4, delimiter="\t"))
    add("pipe.csv", "'|' separated", utf8(text(GOOD, sep="|")), ["list"], **counts(4, 4, delimiter="|"))
    quoted = [r + [f'"Jl. Mawar {i}, RT 1"'] for i, r in enumerate(GOOD)]
    add("comma_quoted.csv", "',' separated, a quoted value holding ','",
        utf8(text(quoted, sep=",", header=LIST_HEADER + ["ALAMAT"])), ["list"], **counts(4, 4, delimiter=","))
    more = GOOD[:2] + [["3374014101900005", "Ani", "01-01-1990", "Miroto", "lebih"]] + GOOD[2:]
    add("ragged_more.csv", "a line with one field more than the header", utf8(text(more)), ["list"],
        **counts(5, 4, 1, reasons={"ragged_line": 1}, lines=[4]))
    fewer = GOOD[:1] + [["3374014101900005", "Ani", "01-01-1990"]] + GOOD[1:]
    add("ragged_fewer.csv", "a line with one field less than the header", utf8(text(fewer)), ["list"],
        **counts(5, 4, 1, reasons={"ragged_line": 1}, lines=[3]))
    unbalanced = GOOD[:1] + [["3374014101900005", '"Ani', "01-01-1990", "Miroto"]] + GOOD[1:]
    add("unbalanced_quote.csv", "a quote opened and never closed", utf8(text(unbalanced)), ["list"],
        **counts(5, 4, 1, reasons={"bad_quote": 1}, lines=[3]))
    after = GOOD[:1] + [["3374014101900005", '"Ani" Lestari', "01-01-1990", "Miroto"]] + GOOD[1:]
    add("text_after_quote.csv", "text after a closing quote", utf8(text(after)), ["list"],
        **counts(5, 4, 1, reasons={"bad_quote": 1}, lines=[3]))
    stray = GOOD + [["3374014101900005", 'Toko 5" Ani', "01-01-1990", "Miroto"]]
    add("stray_quote.csv", "a lone quote inside an unquoted value (kept as written)", utf8(text(stray)),
        ["list"], **counts(5, 5))
    nl = [["3374014101900001", '"Siti\nAminah"', "01-01-1990", "Miroto"]] + GOOD[1:]
    add("quoted_newline.csv", "a quoted value with a line break", utf8(text(nl)), ["list"],
        **counts(4, 4, rows=[2, 4, 5, 6]))
    crlf = [["3374014101900001", '"Siti\r\nAminah"', "01-01-1990", "Miroto"]] + GOOD[1:]
    add("quoted_crlf.csv", "a quoted value with a CRLF line break, CRLF lines", utf8(text(crlf, eol="\r\n")),
        ["list"], **counts(4, 4, rows=[2, 4, 5, 6]))
    semi = [["3374014101900001", '"Aminah; Siti"', "01-01-1990", "Miroto"]] + GOOD[1:]
    add("quoted_delimiter.csv", "a quoted value holding the separator", utf8(text(semi)), ["list"],
        **counts(4, 4))
    nul = GOOD[:2] + [["3374014101900005", "\x00Sukirno", "01-01-1990", "Miroto"]] + GOOD[2:]
    add("nul_byte.csv", "a NUL byte inside a value", utf8(text(nul)), ["list"],
        **counts(5, 4, 1, reasons={"control_char": 1}, lines=[4]))
    ctl = GOOD + [["3374014101900005", "Ani\x07", "01-01-1990", "Miroto"],
                  ["3374014101900006", "Ana\x1b[31m", "01-01-1990", "Miroto"]]
    add("control_chars.csv", "bell and escape characters inside values", utf8(text(ctl)), ["list"],
        **counts(6, 4, 2, reasons={"control_char": 2}, lines=[6, 7]))
    long = GOOD + [["3374014101900005", "A" * 5000, "01-01-1990", "Miroto"]]
    add("field_too_long.csv", "a 5,000-character value (limit 4,096)", utf8(text(long)), ["list"],
        **counts(5, 4, 1, reasons={"field_too_long": 1}, lines=[6]))
    blank = "\n".join([";".join(LIST_HEADER), ";".join(GOOD[0]), "", ";".join(GOOD[1]), ";;;", "   ",
                       ";".join(GOOD[2]), ";".join(GOOD[3]), ""]) + "\n"
    add("blank_lines.csv", "blank, space-only and separator-only lines", utf8(blank), ["list"],
        **counts(8, 4, 0, 4))
    trailing = "".join(";".join(r) + ";;\n" for r in [LIST_HEADER, *GOOD])
    add("trailing_separators.csv", "every line ends with extra separators", utf8(trailing), ["list"],
        **counts(4, 4))
    title = "DAFTAR PEDAGANG PASAR JOHAR;;;\nKecamatan Semarang Tengah;;;\n;;;\n" + text(GOOD)
    add("title_block.csv", "two title lines and a blank one above the header", utf8(title), ["list"],
        **counts(7, 4, 0, 3, header_row=4))
    spaces = b"\xef\xbb\xbf" + utf8(text(GOOD, header=[" NIK ", " Nama ", "Tgl  Lahir ", "desa"]))
    add("header_spaces.csv", "BOM, spaces and mixed case in the header", spaces, ["list"], **counts(4, 4))
    dates = [["Siti", d, "Miroto"] for d in ("12/03/80", "1980/03/12", "12.03.1980", "12 Maret 1980",
                                              "12-Mar-1980", "29350", "19800312", "31/02/1990",
                                              "1990-13-01", "kemarin")]
    add("dates.csv", "birth dates in every form an office writes, three unreadable (no NIK)",
        utf8(text(dates, header=["NAMA", "TGL LAHIR", "DESA"])), ["list"],
        **counts(10, 7, 3, reasons={"unusable_identity": 3},
                 date_problems={"date_impossible": 2, "date_unreadable": 1}))
    mangled = [GOOD[0], ["3.37401E+15", "Djoko", "12-03-1980", "Miroto"], ["3.37401E+15", "Ani", "", "Miroto"]]
    add("excel_mangled_nik.csv", "NIKs destroyed by a spreadsheet (3.37401E+15)", utf8(text(mangled)),
        ["list"], **counts(3, 2, 1, reasons={"unusable_identity": 1}, nik_problems={"mangled": 1}))
    unusable = [GOOD[0], ["-", "", "", ""], ["", "Ani", "", "Miroto"], GOOD[1]]
    add("unusable_rows.csv", "rows with neither a NIK nor a name and birth date", utf8(text(unusable)),
        ["list"], **counts(4, 2, 2, reasons={"unusable_identity": 2}))
    one = [r[:1] + [n] + r[2:] for r, n in zip(GOOD, ["Dian", "Kasno", "Ani", "Paijo"])]
    add("one_word_names.csv", "one-word names", utf8(text(one)), ["list"], **counts(4, 4))


def xlsx_files() -> None:
    add("xlsx_title_block.xlsx", "XLSX: title rows above the header, NIKs in number cells",
        xlsx({"PKL": [["DAFTAR PEDAGANG"], ["Pasar Johar 2022"], [], LIST_HEADER, GOOD[0],
                      [3374011203800002, "Djoko Santoso", "12-03-1980", "Miroto"],
                      [3374015506750000, "Sri Wahyuni", "15-06-1975", "Sekayu"]]}), ["list"],
        **counts(6, 3, 0, 3, nik_problems={"mangled": 1}, header_row=4))
    add("xlsx_two_sheets.xlsx", "XLSX: two sheets of the list and an empty sheet",
        xlsx({"Utara": [LIST_HEADER, *GOOD[:2]], "Selatan": [LIST_HEADER, *GOOD[2:]], "Kosong": []}),
        ["list"], **counts(4, 4, sheets=["Utara", "Selatan"]))
    add("xlsx_dates.xlsx", "XLSX: birth dates as date cells and as Excel serial numbers (no NIK)",
        xlsx({"Data": [["NAMA", "TGL LAHIR"], ["Siti", datetime(1990, 1, 1)], ["Budi", 29350],
                       ["Ani", "31/02/1990"]]}), ["list"],
        **counts(3, 2, 1, reasons={"unusable_identity": 1}, date_problems={"date_impossible": 1}))
    add("xlsx_short_rows.xlsx", "XLSX: rows that end early (empty last cells)",
        xlsx({"Data": [LIST_HEADER, GOOD[0][:2], GOOD[1], GOOD[2][:3]]}), ["list"], **counts(3, 3))
    add("xlsx_cells_past_header.xlsx", "XLSX: a value in a column without a header",
        xlsx({"Data": [LIST_HEADER, GOOD[0], GOOD[1] + ["catatan"], GOOD[2]]}), ["list"],
        **counts(3, 2, 1, reasons={"ragged_line": 1}, lines=[3]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("catatan.txt", "bukan workbook")
    add("xlsx_zip_not_book.xlsx", "a zip that is not a workbook, named .xlsx", buf.getvalue(), ALL,
        error="bukan berkas Excel .xlsx yang bisa dibaca")
    add("xlsx_is_csv.xlsx", "a CSV renamed .xlsx", text(GOOD).encode(), ALL, error="bukan berkas Excel .xlsx")


def parquet_files() -> None:
    table = pa.table({"nik": [GOOD[0][0], GOOD[1][0], None, "3374014101900005", GOOD[2][0]],
                      "nama": [GOOD[0][1], GOOD[1][1], None, "\x00Ani", GOOD[2][1]],
                      "tgl_lahir": [GOOD[0][2], GOOD[1][2], None, "01-01-1990", GOOD[2][2]]})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    add("list.parquet", "Parquet: an empty row and a NUL inside a value", buf.getvalue(), ["list"],
        **counts(5, 3, 1, 1, reasons={"control_char": 1}, lines=[4]))


def whole_file_errors() -> None:
    add("empty.csv", "an empty file", b"", ALL, error="berkas kosong")
    add("blank_only.csv", "only blank lines", b"\n\r\n  \n", ALL, error="berkas kosong")
    add("header_only.csv", "a header without data", b"NIK;NAMA;KODE_DESA\r\n", ALL, error="tanpa baris data")
    add("duplicate_header.csv", "the same header twice (NIK,NAMA,NAMA)",
        b"NIK,NAMA,NAMA,KODE_DESA\n3374014101900001,Siti,Aminah,3374011001\n", ALL,
        error="'NAMA' muncul dua kali (kolom ke-2 dan ke-3)")
    add("alias_collision.csv", "two headers meaning the same column (NAMA, NAME)",
        b"NIK,NAMA,NAME,KODE_DESA\n3374014101900001,Siti,Aminah,3374011001\n", ALL, error="sama-sama berarti")
    add("binary.csv", "binary bytes named .csv", bytes(range(256)) * 8, ALL, error="biner")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.csv", text(GOOD))
    add("zip_as_csv.csv", "a zip archive named .csv", buf.getvalue(), ALL, error="arsip zip")
    add("pdf_as_csv.csv", "a PDF named .csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", ALL, error="PDF")
    add("old_excel.xls", "an old Excel .xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ALL,
        error="format Excel lama")
    add("bad_utf8_bom.csv", "a UTF-8 byte-order mark before bytes that are not UTF-8",
        b"\xef\xbb\xbfNIK;NAMA\n3374014101900001;Ngadimin \xc2mat\n", ALL, error="tidak bisa dibaca sebagai UTF-8 dengan BOM")


def registry_files() -> None:
    rows = [p_row("10000000001"), p_row("10000000002", name="Budi Contoh")]
    add("participants_cr_only.csv", "registry: CR-only line endings",
        text(rows, sep=",", eol="\r", header=P_HEADER).encode(), ["participants"], **counts(2, 2))
    ragged = [rows[0], p_row("10000000003")[:-1], rows[1]]
    add("participants_ragged.csv", "registry: a line with a missing field",
        text(ragged, sep=",", header=P_HEADER).encode(), ["participants"],
        **counts(3, 2, 1, reasons={"ragged_line": 1}, lines=[3]))
    dated = [p_row("10000000001", "01/01/90"), p_row("10000000002", "1 Januari 1990"),
             p_row("10000000003", "32874"), p_row("10000000004", "31/02/1990")]
    add("participants_dates.csv", "registry: birth dates in several forms, one impossible",
        text(dated, sep=";", header=P_HEADER).encode(), ["participants"],
        **counts(4, 3, 1, reasons={"bad_date": 1}, lines=[5]))
    nul = [rows[0], p_row("10000000003", name="Ani\x00"), rows[1]]
    add("participants_nul.csv", "registry: a NUL byte inside a value",
        text(nul, sep=",", header=P_HEADER).encode(), ["participants"],
        **counts(3, 2, 1, reasons={"control_char": 1}, lines=[3]))
    titled = "DATA PESERTA BPU\n\n" + text(rows, sep=",", header=P_HEADER)
    add("participants_title.csv", "registry: a title line and a blank line above the header",
        titled.encode("cp1252"), ["participants"], **counts(4, 2, 0, 2, header_row=3))
    table = pa.Table.from_pylist([dict(zip(P_HEADER, r)) for r in rows + [p_row("10000000003", "tanggal?")]])
    buf = io.BytesIO()
    pq.write_table(table, buf)
    add("participants.parquet", "registry: a Parquet snapshot, one unreadable date", buf.getvalue(),
        ["participants"], **counts(3, 2, 1, reasons={"bad_date": 1}, lines=[3]))


def candidate_files() -> None:
    rows = ("NIK,NAMA,KODE_DESA\n3374014101900001,Siti,3374011001\n3374011203800002,Budi,\n"
            "123,Rusak,3374011001\n3374015506750003,Sri,3374011001,lebih\n3374010708850004,Budi,33.74.01.1001\n")
    add("candidates_empty_village.csv", "sponsor candidates: an empty village code, a bad NIK, a ragged line",
        rows.encode(), ["candidates"], **counts(5, 2, 3, lines=[3, 4, 5]))
    add("candidates_cr_only.csv", "sponsor candidates: CR-only line endings",
        b"NIK;NAMA;KODE_DESA\r3374014101900001;Siti;3374011001\r3374011203800002;Budi;3374011001\r",
        ["candidates"], **counts(2, 2))


def main() -> None:
    for old in HERE.iterdir():
        if old.name not in ("make_corpus.py", "README.md"):
            old.unlink()
    list_files()
    xlsx_files()
    parquet_files()
    whole_file_errors()
    registry_files()
    candidate_files()
    (HERE / "manifest.json").write_text(json.dumps(MANIFEST, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(MANIFEST)} files in {HERE}")


if __name__ == "__main__":
    main()

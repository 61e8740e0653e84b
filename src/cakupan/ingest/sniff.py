"""What a text file is before it is read: its encoding, its delimiter, or that it is no text.

Encoding: a byte-order mark decides (UTF-8, UTF-16 LE/BE); without one, bytes that are valid
UTF-8 are UTF-8, anything else is Windows-1252 (what Excel on Windows writes as "CSV"), with
Latin-1 for the five bytes Windows-1252 leaves undefined. ``--encoding`` overrides.
Delimiter: the one among ``, ; tab |`` that splits the first lines into the most columns
(quoted parts ignored). ``--delimiter`` overrides.
"""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

from cakupan.ingest.errors import IngestError

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "koma (,)", ";": "titik koma (;)", "\t": "tab", "|": "garis tegak (|)"}
_DELIMITER_WORDS = {"comma": ",", "koma": ",", "semicolon": ";", "titik-koma": ";", "tab": "\t",
                    "\\t": "\t", "pipe": "|", "bar": "|"}
ENCODING_NAMES = {"utf-8-sig": "UTF-8 dengan BOM", "utf-8": "UTF-8", "utf-16": "UTF-16",
                  "cp1252": "Windows-1252", "latin-1": "Latin-1"}
_MAGIC = (
    (b"PK\x03\x04", "arsip zip (mungkin berkas Excel .xlsx): beri ekstensi .xlsx atau simpan sebagai CSV"),
    (b"\xd0\xcf\x11\xe0", "berkas Excel lama (.xls) atau Office lama: simpan ulang sebagai .xlsx atau CSV"),
    (b"PAR1", "berkas Parquet: beri ekstensi .parquet"),
    (b"%PDF", "berkas PDF: minta datanya sebagai CSV atau Excel"),
    (b"\x1f\x8b", "berkas terkompresi gzip: ekstrak dulu"),
    (b"\x89PNG", "gambar PNG, bukan tabel"),
    (b"\xff\xd8\xff", "gambar JPEG, bukan tabel"),
)


_BINARY = bytes([*range(0, 9), 11, 12, *range(14, 32)])
"""Bytes no text table holds (tab, LF, CR excepted); more than 5 % of them: a binary file."""


def check_text(raw: bytes, where: str) -> None:
    """Raise :class:`IngestError` when ``raw`` is plainly not a text table."""
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise IngestError(f"{where}: bukan berkas teks CSV melainkan {what}")
    head = raw[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    control = sum(head.count(bytes([b])) for b in _BINARY)
    if head and control > len(head) // 20:
        raise IngestError(f"{where}: berkas ini biner (banyak byte kontrol seperti NUL), bukan CSV; "
                          "ekspor ulang datanya sebagai CSV atau Excel .xlsx")


def normalise_encoding(name: str) -> str:
    key = name.strip().lower().replace("_", "-")
    aliases = {"utf8": "utf-8", "utf-8-bom": "utf-8-sig", "utf8-sig": "utf-8-sig", "windows-1252": "cp1252",
               "win1252": "cp1252", "ansi": "cp1252", "latin1": "latin-1", "iso-8859-1": "latin-1",
               "utf16": "utf-16"}
    key = aliases.get(key, key)
    try:
        codecs.lookup(key)
    except LookupError:
        raise IngestError(f"--encoding {name!r} tidak dikenal; pilih utf-8, cp1252 (Windows), "
                          "latin-1 atau utf-16") from None
    return key


def detect_encoding(f: BinaryIO, chunk: int = 1 << 20) -> str:
    """The encoding of a binary file object (read through once, in chunks; rewound)."""
    f.seek(0)
    head = f.read(4)
    f.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for enc in ("utf-8", "cp1252"):
        dec = codecs.getincrementaldecoder(enc)()
        try:
            for block in iter(lambda: f.read(chunk), b""):
                dec.decode(block)
            dec.decode(b"", final=True)
            return enc
        except UnicodeDecodeError:
            continue
        finally:
            f.seek(0)
    return "latin-1"


def decode(raw: bytes, encoding: str | None, where: str) -> tuple[str, str]:
    """``(text, encoding used)``; a BOM is removed from the text."""
    if encoding:
        enc = normalise_encoding(encoding)
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError as e:
            raise IngestError(f"{where}: byte ke-{e.start + 1} tidak bisa dibaca sebagai {enc}; "
                              "coba tanpa --encoding (dideteksi otomatis) atau --encoding cp1252") from None
        return text.lstrip("\ufeff"), enc
    if raw.startswith(codecs.BOM_UTF8):
        return _strict(raw[3:], "utf-8", where), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(raw, "utf-16", where).lstrip("\ufeff"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _strict(raw: bytes, enc: str, where: str) -> str:
    try:
        return raw.decode(enc)
    except UnicodeDecodeError as e:
        raise IngestError(f"{where}: berkas ditandai {ENCODING_NAMES.get(enc, enc)} (BOM) tetapi byte "
                          f"ke-{e.start + 1} tidak sah; simpan ulang berkasnya sebagai UTF-8") from None


def normalise_delimiter(text: str) -> str:
    word = _DELIMITER_WORDS.get(text.strip().lower(), text)
    if word not in DELIMITERS:
        raise IngestError(f"--delimiter {text!r} tidak dikenal; pilih ',', ';', '|' atau tab")
    return word


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first non-blank lines into the most columns.

    A header line decides best (names hold no delimiters while values often do: ``JKK,JKM``
    in a ``;`` file), so the widest of the first lines wins, ties going to the earlier
    delimiter in :data:`DELIMITERS`.
    """
    best, best_n = ",", 0
    for line in [x for x in lines if x.strip()][:10]:
        bare = re.sub(r'"[^"]*"', "", line)
        for d in DELIMITERS:
            n = bare.count(d)
            if n > best_n:
                best, best_n = d, n
    return best

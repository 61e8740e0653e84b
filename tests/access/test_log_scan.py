"""The suite's log scan (tests/conftest.py) finds a NIK or a phone number in a log record."""

from __future__ import annotations

import logging


def test_the_log_sieve_catches_personal_data():
    from conftest import _PiiSieve

    sieve = _PiiSieve()
    log = logging.getLogger("cakupan.uji-sieve")
    log.propagate = False                           # not into the suite's own scan
    log.setLevel(logging.INFO)
    log.addHandler(sieve)
    try:
        log.info("import of %d rows done", 300)
        log.info("row with NIK %s", "3374010101900001")
        log.warning("call +6281234567890")
    finally:
        log.removeHandler(sieve)
    assert sieve.seen == 3 and len(sieve.found) == 2
    assert all("3374010101900001" not in f and "<PII>" in f for f in sieve.found)

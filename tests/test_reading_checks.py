"""Checks around the reading layer: implausible targets, masked names, no personal data in
quarantine reasons shown to a user."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from cakupan.cli import app
from cakupan.reports.privacy import mask_name
from cakupan.synth.names import FAMILY, FEMALE, MALE, make_names

runner = CliRunner()


@pytest.fixture
def wh_path(small_registry, tmp_path):
    from conftest import make_warehouse

    make_warehouse("duckdb", tmp_path, small_registry).close()
    return str(tmp_path / "w.duckdb")


def test_an_18_digit_target_is_a_clear_sentence_not_a_traceback(wh_path, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("level;area_code;segment;period;target\nPROVINCE;33;ALL;2021-12;999999999999999999\n"
                    "PROVINCE;34;ALL;2021-12;200000\nREGENCY;3374;ALL;2021-12;90000000\n")
    r = runner.invoke(app, ["targets", "import", str(path), "--cascade", "employed", "-w", wh_path])
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert "dibaca 3 = diterima 1 + karantina 2" in out and "Traceback" not in out
    assert "(implausible_target): 2 baris" in out
    import duckdb

    con = duckdb.connect(wh_path, read_only=True)
    reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine ORDER BY row_number").fetchall()]
    con.close()
    assert "lebih besar dari seluruh penduduk Indonesia" in reasons[0]
    assert reasons[1].startswith("target 90000000 melebihi angkatan kerja wilayah 3374 (")


def test_every_masked_name_hides_the_name():
    rng = np.random.default_rng(1)
    n = 5000
    names = make_names(rng, rng.random(n) < 0.5, rng.random(n) < 0.2).to_list()
    corpus = set(names) | set(MALE) | set(FEMALE) | set(FAMILY) | {"A", "Ani", "Dian", "Kasno"}
    for name in corpus:
        masked = mask_name(name)
        assert masked != name and not any(len(w) > 1 and w in masked for w in name.split())
    assert mask_name("Dian") == "D***" and mask_name("Siti Rahayu Lestari") == "S*** R. L."
    assert mask_name(None) is None and mask_name("") == ""

"""`cakupan iuran`: known answers from the regulations through the command line."""

import json

from typer.testing import CliRunner

from cakupan.cli import app

runner = CliRunner()


def total(*args) -> int:
    result = runner.invoke(app, ["iuran", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["total"]


def test_bpu_minimum_package_with_and_without_jht():
    assert total("bpu", "--income", "1000000", "--period", "2021-11") == 16_800
    assert total("bpu", "--income", "1000000", "--period", "2021-11", "--jht") == 36_800


def test_jakon_marginal_tiers_and_pmi():
    assert total("jakon", "--contract", "1000000000") == 1_750_000
    assert total("pmi", "--months", "24") == 370_000


def test_pu_medium_employer_2022():
    result = runner.invoke(app, ["iuran", "pu", "--wage", "5000000", "--risk", "2", "--size", "medium",
                                 "--period", "2022-03", "-f", "json"])
    data = json.loads(result.stdout)
    assert data["totals_by_payer"] == {"employer": 315_000, "worker": 150_000, "government": 0}
    assert data["total"] == 465_000


def test_bad_input_is_explained():
    result = runner.invoke(app, ["iuran", "pu", "--wage", "5000000", "--risk", "7", "--size", "medium",
                                 "--period", "2022-03"])
    assert result.exit_code == 2 and "risk class must be 1-5" in result.output
    result = runner.invoke(app, ["iuran", "bpu", "--income", "1000000", "--period", "2021-11",
                                 "--override", "nonsense"])
    assert result.exit_code == 2 and "KEY=VALUE" in result.output

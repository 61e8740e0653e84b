from cakupan.coverage import CoverageRow, with_total
from cakupan.reports.brief import coverage_brief
from cakupan.reports import format as fmt

ROWS = with_total([CoverageRow("33", 3_062_280, 17_835_770, 1_128_223, "2021-08", False),
                   CoverageRow("34", 412_982, 2_201_510, 106_432, "2021-08", False)])
NAMES = {"33": "Jawa Tengah", "34": "DI Yogyakarta"}


def test_brief_in_indonesian_reads_like_the_regional_release():
    text = coverage_brief(ROWS, NAMES, "2021-11", "id")
    assert "Jawa Tengah sebesar 17 persen atau 3.062.280 pekerja" in text
    assert "DI Yogyakarta sebesar 19 persen atau 412.982 peserta" in text
    assert "3.475.262 atau 17 persen" in text
    assert text.startswith("Hingga November 2021")


def test_brief_in_english():
    text = coverage_brief(ROWS, NAMES, "2021-11", "en")
    assert "Jawa Tengah 17 percent, or 3,062,280 workers" in text
    assert "3,475,262 active participants, or 17 percent" in text


def test_numbers_in_id_and_en_style():
    assert fmt.integer(3_062_280) == "3.062.280"
    assert fmt.integer(3_062_280, "en") == "3,062,280"
    assert fmt.pct(ROWS[0].coverage_pct) == "17,17 %"
    assert fmt.decimal(ROWS[-1].coverage_pct, "en") == "17.34"

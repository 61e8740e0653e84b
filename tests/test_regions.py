import pytest

from cakupan import regions


@pytest.mark.parametrize("province,counts", [("33", (35, 576, 8563)), ("34", (5, 78, 438))])
def test_province_hierarchy_matches_kepmendagri_counts(province, counts):
    assert tuple(len(regions.children(province, level)) for level in (2, 3, 4)) == counts


def test_whole_country_loads():
    levels = regions.region_master()["level"].to_pylist()
    assert [levels.count(lv) for lv in (1, 2, 3, 4)] == [38, 514, 7285, 83762]


def test_codes_are_digits_and_show_dotted():
    assert regions.region_name("3374") == "Kota Semarang"
    assert regions.region_name("33.01") == "Kab. Cilacap"
    assert regions.region_name("34") == "DI Yogyakarta"
    assert regions.dotted("3374011001") == "33.74.01.1001"
    assert regions.undotted("33.74.01") == "337401"
    assert regions.level_of("3374011001") == 4


def test_bad_code_says_what_a_code_looks_like():
    with pytest.raises(ValueError, match="2, 4, 6 or 10 digits"):
        regions.level_of("337")

from cakupan import reference


def _by_code():
    return {r["region_code"]: r for r in reference.workforce_reference().to_pylist()
            if r["employment_status"] is None and r["sector"] is None}


def test_article_figures_are_shipped_with_sources():
    rows = _by_code()
    assert (rows["33"]["employed"], rows["33"]["unemployed"]) == (17_835_770, 1_128_223)
    assert (rows["34"]["employed"], rows["34"]["unemployed"]) == (2_201_510, 106_432)
    assert "Matches no BPS release" in rows["34"]["source"]
    assert not rows["33"]["estimated"] and not rows["34"]["estimated"]


def test_regencies_add_up_exactly_to_their_province():
    rows = _by_code()
    for prov in ("33", "34"):
        regs = [r for c, r in rows.items() if len(c) == 4 and c.startswith(prov)]
        assert len(regs) == {"33": 35, "34": 5}[prov]
        for k in ("employed", "unemployed"):
            assert sum(r[k] for r in regs) == rows[prov][k]


def test_published_regency_is_kept_and_the_rest_is_marked_estimated():
    rows = _by_code()
    assert rows["3328"]["employed"] == 715_845 - 71_346
    assert not rows["3328"]["estimated"]
    assert rows["3374"]["estimated"] and "SP2020" in rows["3374"]["source"]


def test_allocation_follows_population_share():
    published = [{"region_code": "99", "period": "2021-08", "employed": 100, "unemployed": 10,
                  "source": "x", "estimated": False}]
    out = reference.allocate_regencies(published, {"9901": 1, "9902": 3})
    assert [(r["region_code"], r["employed"], r["unemployed"]) for r in out] == [
        ("9901", 25, 3), ("9902", 75, 7)]
    assert all(r["estimated"] for r in out)


def test_umk_is_whole_rupiah():
    assert reference.umk(2021)["3374"] == 2_810_025
    assert reference.umk(2021)["3322"] == 2_302_798  # 2,302,797.59 rounded half up
    assert len(reference.umk(2022)) == 40


def test_status_and_sector_splits_add_up_to_each_region_and_are_estimated():
    rows = reference.workforce_reference().to_pylist()
    totals = _by_code()
    for code in ("33", "34", "3374", "3471"):
        for column in ("employment_status", "sector"):
            part = [r for r in rows if r["region_code"] == code and r[column] is not None]
            assert sum(r["employed"] for r in part) == totals[code]["employed"]
            assert all(r["estimated"] for r in part)
    statuses = {r["employment_status"] for r in rows if r["employment_status"]}
    assert statuses == {1, 2, 3, 4, 5, 6, 7}


def test_pools_follow_the_published_informal_share():
    from decimal import Decimal

    shares = reference.status_shares("34")
    assert sum(shares[s] for s in reference.INFORMAL_STATUSES) == Decimal("55.36")
    assert sum(shares.values()) == 100

from cakupan import reference


def _by_code():
    return {r["region_code"]: r for r in reference.workforce_reference().to_pylist()}


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

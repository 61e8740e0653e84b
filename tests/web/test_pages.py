"""Every page and API route on a small synthetic warehouse, asserting real figures."""

from __future__ import annotations

import csv
import io
import json
import re

from openpyxl import load_workbook
from typer.testing import CliRunner

from cakupan.cli import app as cli
from cakupan.reports.format import integer

runner = CliRunner()


def _cli_json(wh, *args) -> dict:
    result = runner.invoke(cli, [*args, "--format", "json", "-w", str(wh)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _cell(html: str, table_id: str, code: str, col: str) -> str:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    row = table.split(f'data-code="{code}"', 1)[1].split("</tr>", 1)[0]
    return re.search(rf'data-col="{col}">([^<]*)<', row).group(1).strip()


def test_api_cli_and_page_show_the_same_coverage(client, web_warehouse):
    api = client.get("/api/v1/coverage?period=2021-11&by=province").json()
    cli_rows = _cli_json(web_warehouse, "coverage", "--period", "2021-11", "--by", "province")["rows"]
    assert [r["participants"] for r in api["rows"]] == [r["participants"] for r in cli_rows]
    assert [r["coverage_pct"] for r in api["rows"]] == [r["coverage_pct"] for r in cli_rows]
    total = next(r for r in api["rows"] if r["region_code"] == "TOTAL")
    assert total["employed"] == 17_835_770 + 2_201_510
    page = client.get("/?period=2021-11").text
    assert _cell(page, "coverage-table", "TOTAL", "participants") == integer(total["participants"])
    assert _cell(page, "coverage-table", "33", "employed") == "17.835.770"
    assert f'id="tile-active">{integer(total["participants"])}<' in page
    assert api["denominator"] and api["period"] == "2021-11"


def test_overview_tiles_and_brief_are_in_indonesian_with_id_numbers(client):
    html = client.get("/?period=2021-11").text
    assert "Ringkasan · November 2021" in html and "Peserta aktif" in html
    assert "Hingga November 2021, cakupan kepesertaan aktif BPJS Ketenagakerjaan di Jawa Tengah" in html
    assert "20.037.280" in html            # employed of both provinces, id-ID grouping
    ov = client.get("/api/v1/overview?period=2021-11").json()
    prev = client.get("/api/v1/coverage?period=2021-10").json()["rows"][-1]["participants"]
    assert ov["change_on_month"] == ov["active"] - prev
    assert "<svg" in html                  # the trend chart, rendered on the server
    en = client.get("/?period=2021-11&lang=en").text
    assert "Overview · November 2021" in en and "Active workers" in en
    assert "Active workers" in client.get("/").text        # the choice is remembered ...
    assert "Peserta aktif" in client.get("/?lang=id").text  # ... until changed back


def test_drill_down_from_province_to_village_adds_up(client):
    api = client.get("/api/v1/wilayah?period=2021-11&region=33").json()
    assert api["level"] == 1 and api["name"] == "Jawa Tengah"
    assert sum(r["participants"] for r in api["rows"]) == api["total"]["participants"]
    assert api["total"]["employed"] == 17_835_770
    semarang = next(r for r in api["rows"] if r["region_code"] == "3374")
    regency = client.get("/api/v1/wilayah?period=2021-11&region=33.74").json()
    assert regency["total"]["participants"] == semarang["participants"]
    assert sum(r["PU"] + r["BPU"] + r["JAKON"] + r["PMI"] for r in regency["rows"]) == semarang["participants"]
    district = max(regency["rows"], key=lambda r: r["participants"])["region_code"]
    d = client.get(f"/api/v1/wilayah?period=2021-11&region={district}").json()
    assert d["level"] == 3 and d["total"]["participants"] == max(r["participants"] for r in regency["rows"])
    village = next(r["region_code"] for r in d["rows"] if r["participants"])
    html = client.get(f"/wilayah/{village}?period=2021-11").text
    assert "Semua wilayah" in html and "Kota Semarang" in html      # breadcrumb up to the province
    page = client.get("/wilayah/3374?period=2021-11").text
    assert f'href="/wilayah/{district}?period=2021-11"' in page        # links down


def test_unknown_or_malformed_regions_answer_in_words(client):
    assert client.get("/wilayah/99").status_code == 404
    r = client.get("/api/v1/wilayah?region=33.99.99")
    assert r.status_code == 404 and "tidak ditemukan" in r.json()["detail"]
    assert client.get("/api/v1/coverage?period=2021-13").status_code == 422


def test_potential_and_performance_pages_mark_estimates(client):
    pot = client.get("/api/v1/potential?period=2021-11&by=regency").json()
    assert pot["estimated"] and pot["rows"][-1]["region_code"] == "TOTAL"
    total = pot["rows"][-1]
    assert total["potential"] == total["employed"] - total["covered"]
    html = client.get("/potensi?period=2021-11").text
    assert "angka estimasi" in html and integer(total["potential"]) in html
    perf = client.get("/api/v1/performance?period=2021-11").json()
    months = {r["period"]: r for r in perf["rows"]}
    cov = client.get("/api/v1/coverage?period=2021-11").json()["rows"][-1]["participants"]
    assert months["2021-11"]["active"] <= cov                     # cohorts are not in the realisation
    assert months["2021-12"]["projection"] is not None
    assert "Kinerja kepesertaan 2021" in client.get("/kinerja?period=2021-11").text


def test_every_table_downloads_as_csv_and_xlsx(client):
    csv_text = client.get("/unduh/coverage.csv?period=2021-11").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    api = client.get("/api/v1/coverage?period=2021-11").json()["rows"]
    assert [int(r["participants"]) for r in rows] == [r["participants"] for r in api]
    for name in ("coverage", "wilayah", "potential", "performance", "imports"):
        r = client.get(f"/unduh/{name}.xlsx?period=2021-11")
        assert r.status_code == 200, name
        wb = load_workbook(io.BytesIO(r.content))
        assert wb.active.max_row >= 2, name
    assert client.get("/unduh/nothing.csv").status_code == 400


def test_contribution_calculator_page_and_api(client):
    api = client.get("/api/v1/iuran/bpu?income=1000000&period=2021-11").json()
    assert api["total"] == 16_800
    html = client.get("/iuran?kind=bpu&income=1000000&period=2021-11").text
    assert "Total: Rp 16.800" in html
    assert client.get("/api/v1/iuran/jakon?contract=1000000000").json()["total"] == 1_750_000


def test_assets_are_local_and_the_openapi_document_lists_the_api(client):
    html = client.get("/").text
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not src.startswith(("http:", "https:", "//")), src
    assert client.get("/static/cakupan.css").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/api/v1/coverage", "/api/v1/wilayah", "/api/v1/potential", "/api/v1/performance",
            "/api/v1/lists/{source}/leads", "/api/v1/quarantine"} <= set(spec["paths"])


def test_map_is_a_tile_grid_without_boundaries_and_a_choropleth_with_them(client, tmp_path):
    from geo_helpers import shared_geo

    tiles = client.get("/peta?period=2021-11").text
    assert 'data-kind="tiles"' in tiles and tiles.count('href="/wilayah/33') == 35 * 2  # map + table
    assert "menurut kode wilayah" in tiles
    api = client.get("/api/v1/map?period=2021-11&metric=uncovered").json()
    assert api["kind"] == "tiles" and len(api["rows"]) == 40
    assert all(r["uncovered"] == r["employed"] - r["participants"] for r in api["rows"])
    geo = shared_geo()   # skips when the shared boundary folder is not on this machine
    from cakupan.services import EVERYONE
    from cakupan.services.maps import load_boundaries

    hub = client.app.state.hub
    with hub.writer() as wh:
        load_boundaries(wh, EVERYONE, geo / "regencies_33_34.geojson", "cahyadsn/wilayah_boundaries (MIT)")
    html = client.get("/peta?period=2021-11").text
    assert 'data-kind="choropleth"' in html and 'id="attribution"' in html
    assert "cahyadsn/wilayah_boundaries (MIT)" in html
    assert "Kab. Semarang — " in html        # the hover title: name — figure (period)

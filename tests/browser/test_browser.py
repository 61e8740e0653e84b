"""A new user in a real Chromium: overview → regency → village → map → upload a list → leads
download → a sponsorship plan; figures checked on screen and in the downloaded file."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from browser.conftest import shot
from cakupan.reports.format import integer


def test_overview_drill_down_to_a_village_and_the_map(server, page):
    page.goto(server + "/")
    assert page.locator("h1").inner_text().startswith("Ringkasan · November 2021")
    total = page.locator("#coverage-table tr.total td[data-col=participants]").inner_text()
    assert page.locator("#tile-active").inner_text() == total
    assert page.locator("#coverage-table tr[data-code='33'] td[data-col=employed]").inner_text() == "17.835.770"
    shot(page, "01-ringkasan")
    page.click("#coverage-table tr[data-code='33'] a")                 # province
    assert page.locator("h1").inner_text().startswith("Jawa Tengah")
    page.click("#children tr[data-code='3374'] a")                      # Kota Semarang
    assert page.locator("h1").inner_text().startswith("Kota Semarang")
    regency_total = page.locator("#tile-active").inner_text()
    shot(page, "02-kota-semarang")
    page.locator("#children tbody tr a").first.click()                  # the largest district
    page.locator("#children tbody tr a").first.click()                  # one of its villages
    assert "Kota Semarang" in page.locator(".crumbs").inner_text()
    shot(page, "03-desa")
    page.click("header nav a[href^='/peta']")
    assert page.locator("#map").get_attribute("data-kind") == "tiles"
    region = page.locator("#map a[data-code='3374']")
    assert region.count() == 1
    assert "Kota Semarang" in region.locator("title").text_content()
    shot(page, "04-peta")
    region.click()
    assert page.locator("#tile-active").inner_text() == regency_total


def test_upload_a_partner_list_and_download_its_leads(server, page, partner_list):
    page.goto(server + "/daftar")
    page.set_input_files("#upload-list input[name=file]", str(partner_list))
    page.fill("#upload-list input[name=source]", "pasar-browser")
    page.click("#upload-list button")
    page.wait_for_selector(".job[data-status=done]", timeout=120_000)
    summary = page.locator("#import-summary").inner_text()
    assert summary.startswith("dibaca 300 = diterima")
    shot(page, "05-pekerjaan-selesai")
    page.click("#next")
    text = page.locator("#outcome-summary").inner_text()
    assert text.startswith("Dari 300 nama di daftar pasar-browser")
    shot(page, "06-prospek")
    with page.expect_download() as info:
        page.click("#leads-xlsx")
    wb = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    rows = sum(ws.max_row - 1 for ws in wb.worksheets[1:])
    shown = page.locator("#leads tbody tr:not(.group1):not(.group2)").count()
    assert rows == shown > 0
    assert "*" in wb.worksheets[1].cell(row=2, column=5).value or "*" in str(wb.worksheets[1].cell(row=2, column=4).value)


def test_plan_a_sponsorship_in_english(server, page, candidates):
    page.goto(server + "/sponsor?lang=en")
    page.set_input_files("#sponsor-form input[name=candidates]", str(candidates))
    page.fill("#sponsor-form input[name=budget]", "10000000")
    page.fill("#sponsor-form input[name=region]", "33.22")
    page.fill("#sponsor-form input[name=months_b]", "6")
    page.click("#sponsor-form button")
    page.wait_for_selector(".job[data-status=done]", timeout=120_000)
    page.click("#next")
    assert page.locator("#tile-selected").inner_text() == integer(49, "en")
    assert page.locator("#compare tbody tr").count() == 2
    assert page.locator("#schedule tbody tr").count() == 12
    shot(page, "07-sponsor")

"""``cakupan iuran``: contribution calculator commands (PU, BPU, Jakon, PMI)."""

from __future__ import annotations

import json
from enum import Enum
from typing import Optional

import typer

from cakupan.cli.common import LANG_OPT, Fmt, Lang, call, console, emit

app = typer.Typer(help="Contribution calculator (iuran): a breakdown per programme and payer, "
                       "with the regulation behind each line. Rules are data, keyed by date.",
                  no_args_is_help=True)

FMT_OPT = typer.Option(Fmt.table, "--format", "-f", help="table, csv, json or xlsx")
OUT_OPT = typer.Option(None, "--output", "-o", help="Write to this file (xlsx needs it).")
OVERRIDE_OPT = typer.Option(None, "--override", help="Replace a rule value, KEY=VALUE "
                                                   "(e.g. jp_wage_cap=8939700); repeatable.")


class Sponsor(str, Enum):
    self = "self"
    apbd = "apbd"
    apbn = "apbn"
    csr = "csr"
    zakat = "zakat"


def _show(kind: str, fmt: Fmt, output, lang: Lang, override: Optional[list[str]] = None, **args) -> None:
    from cakupan.services import EVERYONE
    from cakupan.services.contributions import calculate

    result = call(calculate, EVERYONE, kind, lang.value, override, **args)
    if fmt is Fmt.json:
        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
        if output:
            output.write_text(text, encoding="utf-8")
            console.print(f"Ditulis: {output}")
        else:
            print(text)
        return
    emit(result.report, fmt, output, lang.value)


@app.command()
def pu(wage: int = typer.Option(..., "--wage", help="Monthly reported wage, rupiah."),
       risk: int = typer.Option(..., "--risk", help="JKK risk group 1 (very low) to 5 (very high)."),
       size: str = typer.Option(..., "--size", help="micro, small, medium or large (mikro/kecil/menengah/besar)."),
       period: str = typer.Option(..., "--period", "-p", help="Contribution month YYYY-MM."),
       jkp: Optional[bool] = typer.Option(None, "--jkp/--no-jkp", help="JKP participant (default: by eligibility)."),
       override: Optional[list[str]] = OVERRIDE_OPT, fmt: Fmt = FMT_OPT,
       output=OUT_OPT, lang: Lang = LANG_OPT) -> None:
    """Wage earner (PU): JKK, JKM, JHT, JP, JKP by employer size and risk group."""
    _show("pu", fmt, output, lang, override, wage=wage, risk=risk, size=size, period=period, jkp=jkp)


@app.command()
def bpu(income: int = typer.Option(..., "--income", help="Declared monthly income, rupiah."),
        period: str = typer.Option(..., "--period", "-p", help="Contribution month YYYY-MM."),
        jht: bool = typer.Option(False, "--jht", help="Also join the optional JHT (2 %)."),
        sponsor: Sponsor = typer.Option(Sponsor.self, help="Who pays: self, apbd, apbn, csr, zakat."),
        override: Optional[list[str]] = OVERRIDE_OPT, fmt: Fmt = FMT_OPT,
        output=OUT_OPT, lang: Lang = LANG_OPT) -> None:
    """Non-wage earner (BPU): JKK 1 % of the income value, JKM flat, optional JHT."""
    _show("bpu", fmt, output, lang, override, income=income, period=period, jht=jht, sponsor=sponsor.value)


@app.command()
def jakon(contract: int = typer.Option(..., "--contract", help="Contract value, rupiah."),
          period: Optional[str] = typer.Option(None, "--period", "-p", help="Month YYYY-MM (default: rules in force now)."),
          fmt: Fmt = FMT_OPT, output=OUT_OPT, lang: Lang = LANG_OPT) -> None:
    """Construction project (Jakon): marginal tiers on the contract value."""
    _show("jakon", fmt, output, lang, contract=contract, period=period)


@app.command()
def pmi(months: int = typer.Option(..., "--months", help="Contract length in months."),
        period: Optional[str] = typer.Option(None, "--period", "-p", help="Month YYYY-MM (default: now)."),
        jht: Optional[int] = typer.Option(None, "--jht", help="Optional JHT amount per month (50000 ... 600000)."),
        fmt: Fmt = FMT_OPT, output=OUT_OPT, lang: Lang = LANG_OPT) -> None:
    """Migrant worker (PMI): Permenaker 4/2023 amounts before, during and after placement."""
    _show("pmi", fmt, output, lang, months=months, period=period, jht_amount=jht)

"""The contribution calculator: a breakdown per programme and payer with the regulation behind
each line, for wage earners, informal workers, construction projects and migrant workers."""

from __future__ import annotations

from dataclasses import dataclass

from cakupan.services.common import Scope, ServiceError

KINDS = ("pu", "bpu", "jakon", "pmi")


@dataclass
class Contribution:
    kind: str
    breakdown: object
    report: object

    def to_dict(self) -> dict:
        from cakupan.reports.tables import plain_rows

        return {"title": self.report.title, "notes": self.report.notes, "rows": plain_rows(self.report),
                "total": self.breakdown.total, "totals_by_payer": dict(self.breakdown.totals)}


def parse_overrides(pairs: list[str] | None) -> dict | None:
    if not pairs:
        return None
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ServiceError(f"--override {pair!r}: write KEY=VALUE, e.g. jp_wage_cap=8939700")
        out[key.strip()] = value.strip()
    return out


def calculate(scope: Scope, kind: str, lang: str = "id", overrides: list[str] | None = None,
              **args) -> Contribution:
    """``kind`` pu (wage, risk, size, period, jkp), bpu (income, period, jht, sponsor), jakon
    (contract, period) or pmi (months, period, jht_amount)."""
    from cakupan import contributions as c
    from cakupan.reports.contributions_report import breakdown_report

    extra = parse_overrides(overrides)
    try:
        if kind == "pu":
            b = c.pu(args["wage"], args["risk"], args["size"], args["period"], jkp=args.get("jkp"), overrides=extra)
        elif kind == "bpu":
            b = c.bpu(args["income"], args["period"], jht=args.get("jht", False),
                      sponsor=(args.get("sponsor") or "self").upper(), overrides=extra)
        elif kind == "jakon":
            b = c.jakon(args["contract"], args.get("period"))
        elif kind == "pmi":
            b = c.pmi(args["months"], args.get("period"), jht_amount=args.get("jht_amount"))
        else:
            raise ServiceError(f"jenis iuran {kind!r}: pilih {', '.join(KINDS)}")
    except ServiceError:
        raise
    except (ValueError, KeyError, TypeError) as e:
        raise ServiceError(str(e)) from None
    return Contribution(kind, b, breakdown_report(b, lang))

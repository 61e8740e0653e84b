"""A field agent's page: the leads assigned to it. Lead assignment comes later (issue #14);
until then the page is empty for everyone, and an agent sees nothing else."""

from __future__ import annotations

from fastapi import APIRouter, Request

from cakupan.web.access import declare
from cakupan.web.deps import AccountDep, LangDep
from cakupan.web.routes.pages import page

router = APIRouter(include_in_schema=False)


@router.get("/prospek")
@declare("leads")
def prospek(request: Request, me: AccountDep, lang: LangDep):
    return page(request, "prospek.html", "prospek", lang, periods=[], leads=[])

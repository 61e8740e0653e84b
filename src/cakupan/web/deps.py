"""Who is asking, once: the warehouse snapshot, the caller's scope and language, as typed
dependencies every route declares in its signature."""

from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, Query, Request

from cakupan.services import EVERYONE, Scope
from cakupan.warehouse import Warehouse


def get_wh(request: Request) -> Iterator[Warehouse]:
    with request.app.state.hub.reader() as wh:
        yield wh


def get_scope(request: Request) -> Scope:
    """The caller's scope. Until accounts exist (the access issue), the server's one local
    user sees every region; personal data is still masked unless asked for."""
    return request.app.state.scope or EVERYONE


def get_lang(request: Request, lang: Annotated[str | None, Query(pattern="^(id|en)$")] = None) -> str:
    if lang:
        request.state.set_lang = lang
        return lang
    cookie = request.cookies.get("lang")
    return cookie if cookie in ("id", "en") else "id"


WH = Annotated[Warehouse, Depends(get_wh)]
ScopeDep = Annotated[Scope, Depends(get_scope)]
LangDep = Annotated[str, Depends(get_lang)]

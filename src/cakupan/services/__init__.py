"""The use cases of cakupan, one function each: the only thing the CLI and the web app call.

Every function takes the warehouse, the caller's :class:`Scope` and plain arguments, calls the
domain, warehouse and renderers, and returns a typed result (rows as a
:class:`~cakupan.reports.tables.Report`, the period, the denominator, notes and what is
estimated). Problems the caller can fix raise :class:`ServiceError` with a sentence to show.
"""

from cakupan.services.common import EVERYONE, NotFound, Result, Scope, ServiceError

__all__ = ["EVERYONE", "NotFound", "Result", "Scope", "ServiceError"]

"""The web application: FastAPI + Jinja2, server-rendered, Indonesian first, every asset local.

``create_app`` builds it; the routes only parse input, call :mod:`cakupan.services` and render.
"""

"""Sections of a teacher's page, one module per area, each with ``ORDER`` and
``section(app, teacher, term) -> Text | None``. The page shows every section
that returns something, in ORDER; an area adds its own without touching the page."""

from __future__ import annotations

import importlib
import pkgutil


def section_modules() -> list:
    modules = [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]
    return sorted(modules, key=lambda m: getattr(m, "ORDER", 50))

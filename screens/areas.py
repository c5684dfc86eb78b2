"""Each area's screen, found from the one area list (models/areas.py).

The screen of area ``NAME`` is the :class:`screens.base.AreaScreen` in
``screens/NAME/screen.py`` whose ``AREA`` is ``NAME``; adding an area to the list and
its package under ``screens/`` is all the App needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import partial

from models.areas import AREAS, MODE_NAMES
from screens.base import AreaScreen


def area_screen(name: str) -> type[AreaScreen]:
    module = importlib.import_module(f"screens.{name}.screen")
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, AreaScreen) and value.AREA == name:
            return value
    raise LookupError(f"screens/{name}/screen.py has no AreaScreen with AREA = {name!r}")


def _open_area(name: str) -> AreaScreen:
    return area_screen(name)()


def area_modes() -> dict[str, Callable[[], AreaScreen]]:
    """The App's modes (every area and 我的): each imports its screen on the first visit, so
    starting the app imports only the screen it lands on (a third of the start-up time)."""
    return {name: partial(_open_area, name) for name in MODE_NAMES}

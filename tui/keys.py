"""Every key binding of the app with an id, for `jiaoyan keys` and for checking a user's keys.toml."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode


def bindings_with_ids() -> list[tuple[str, str, str]]:
    """(id, default key, description key) for the App and every screen and widget of screens/."""
    import screens
    from tui.app import JiaoyanApp

    owners: list[type] = [JiaoyanApp]
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, DOMNode) and value.__module__ == module.__name__:
                owners.append(value)
    found: dict[str, tuple[str, str, str]] = {}
    for owner in owners:
        for binding in owner.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id and binding.id not in found:
                found[binding.id] = (binding.id, binding.key, binding.description)
    return sorted(found.values())

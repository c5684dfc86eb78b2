"""The one message catalog: every piece of interface text, in Chinese and English.

The catalog lives in ``models`` (not ``tui``) because validation in the domain
returns readable messages too, and ``models`` may not import the interface.
Each area keeps its messages in its own module (``core``, ``rosters`` …);
they are merged here into one dictionary, and a key defined twice is an error.
"""

from __future__ import annotations

import importlib
import os
import pkgutil

LANGUAGES = ("zh", "en")

_catalog: dict[str, tuple[str, str]] = {}
_language = "zh"


def _load() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, pair in getattr(module, "MESSAGES", {}).items():
            if key in _catalog:
                raise KeyError(f"message {key!r} is defined twice (again in {info.name})")
            _catalog[key] = pair


def set_language(language: str | None) -> str:
    """Choose the interface language; None means JIAOYAN_LANG, else Chinese."""
    global _language
    language = (language or os.environ.get("JIAOYAN_LANG") or "zh").lower()
    if language.startswith("en"):
        _language = "en"
    else:
        _language = "zh"
    return _language


def language() -> str:
    return _language


def t(key: str, **params: object) -> str:
    """The text for ``key`` in the current language, with ``{params}`` filled in."""
    try:
        zh, en = _catalog[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in the catalog") from None
    text = en if _language == "en" else zh
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in _catalog


def keys() -> list[str]:
    return sorted(_catalog)


_load()
set_language(None)

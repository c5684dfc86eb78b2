"""UTF-8 JSON for people and machines: orjson when it is installed, else the stdlib."""

from __future__ import annotations

import json

try:
    import orjson
except ImportError:  # pragma: no cover - exercised only where orjson cannot install
    orjson = None


def dumps(data: object) -> bytes:
    """Indented UTF-8 JSON with Chinese left readable (never \\u-escaped)."""
    if orjson is not None:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n"
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def loads(raw: bytes) -> object:
    if orjson is not None:
        return orjson.loads(raw)
    return json.loads(raw.decode("utf-8"))


JSONDecodeError = (orjson.JSONDecodeError,) if orjson is not None else ()
JSONDecodeError = JSONDecodeError + (json.JSONDecodeError, UnicodeDecodeError, ValueError)

"""Text cut to a width in terminal cells (a Chinese character is two), with … when cut."""

from __future__ import annotations

from rich.cells import cell_len


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, ending with … when it was cut."""
    if cell_len(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        size = cell_len(char)
        if used + size > width - 1:
            break
        out.append(char)
        used += size
    return "".join(out) + "…"

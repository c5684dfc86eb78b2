"""Chinese line breaking (避头尾, kinsoku): no line begins with 、，。：；！？）》” and the
like, and none ends with （《“.

Rich and Textual fold a run of Chinese characters wherever the width runs out, so a list
of names wraps as "…范海峰" / "、吴文博". There is no public way to change how Textual
breaks lines: :func:`install` wraps the one function both use to find the breaks
(``rich._wrap.divide_line``, imported by name into ``rich.text`` and ``textual.content``)
and moves a break that would strand such a mark back by a character or two, then lets
the original place the rest. tests/unit/test_textual_private.py fails if either module
stops using it.
"""

from __future__ import annotations

from collections.abc import Callable

# Marks that never begin a line (closing brackets and quotes, pauses, stops, the ellipsis)…
NO_START = frozenset("、，。．,.：:；;！!？?）)］]｝}」』”’》〉】〕…‥—～%％·・ー")
# …and marks that never end one (opening brackets and quotes).
NO_END = frozenset("（(［[｛{「『“‘《〈【〔")

Divide = Callable[..., list[int]]


def kinsoku(divide: Divide) -> Divide:
    """``divide`` (text, width, fold) → break offsets, with the rule above kept."""

    def divide_kinsoku(text: str, width: int, fold: bool = True) -> list[int]:
        offsets = divide(text, width, fold)
        result: list[int] = []
        while offsets:
            rest: list[int] = []
            for index, offset in enumerate(offsets):
                previous = result[-1] if result else 0
                moved = offset
                while moved - 1 > previous and (text[moved] in NO_START or text[moved - 1] in NO_END):
                    moved -= 1
                if moved == offset or moved <= previous:  # fine as it is, or a line of marks only
                    result.append(offset)
                    continue
                result.append(moved)
                # The next line now starts earlier: let the original place the breaks after it.
                rest = [moved + x for x in divide(text[moved:], width, fold)]
                break
            offsets = rest
        return result

    divide_kinsoku.__wrapped__ = divide  # type: ignore[attr-defined]
    return divide_kinsoku


def install() -> None:
    """Wrap rich's and Textual's line breaking once (idempotent)."""
    import rich.text
    import textual.content

    for module in (rich.text, textual.content):
        current = module.divide_line
        if not hasattr(current, "__wrapped__"):
            module.divide_line = kinsoku(current)

"""The one-line header: school, term and week, and who is using the app."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static



class AppHeader(Static):
    """School name on the left, ``2025—2026学年第一学期 · 第7周`` in the middle, the user on the right."""

    DEFAULT_CSS = """
    AppHeader {
        dock: top;
        height: 1;
        background: $primary;
        color: $text;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.update_header()

    def update_header(self) -> None:
        app = self.app
        width = max(self.size.width - 2, 40) if self.size.width else 78
        left = Text(app.school_name(), style="bold")
        middle = Text(app.term_heading())
        right = Text(app.user_label())
        gap = width - left.cell_len - middle.cell_len - right.cell_len
        line = Text()
        line.append_text(left)
        line.append(" " * max(1, gap // 2))
        line.append_text(middle)
        line.append(" " * max(1, gap - gap // 2))
        line.append_text(right)
        line.truncate(width)
        self.update(line)

    def on_resize(self) -> None:
        self.update_header()


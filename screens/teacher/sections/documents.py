"""The teacher's documents this term (plans, summaries, 学习心得 …) that the viewer may read."""

from __future__ import annotations

from rich.text import Text

ORDER = 60


def section(app, teacher, term) -> Text | None:
    from screens.documents.sections import teacher_section

    return teacher_section(app, teacher, term)

"""The teacher's pairings (as mentor or mentee) that ran this term, with their progress."""

from __future__ import annotations

from rich.text import Text

from models.i18n import t
from models.mentoring import covers_term, pairings_of_teacher, progress_for_store
from models.records import Pairing, Teacher

ORDER = 40


def section(app, teacher, term) -> Text | None:
    store = app.store
    pairings = [p for p in pairings_of_teacher(store.all(Pairing), teacher.id)
                if (term is not None and covers_term(p, term.term_id)) or p.status == "active"]
    if not pairings:
        return None
    text = Text()
    text.append(t("mentoring.section.title") + "\n", style="bold underline")
    for pairing in sorted(pairings, key=lambda p: (p.status != "active", p.id)):
        mentor, mentee = store.get(Teacher, pairing.mentor_id), store.get(Teacher, pairing.mentee_id)
        if pairing.mentor_id == teacher.id:
            line = t("mentoring.section.as_mentor", mentee=mentee.name if mentee else "?", subject=pairing.subject)
        else:
            line = t("mentoring.section.as_mentee", mentor=mentor.name if mentor else "?", subject=pairing.subject)
        text.append("  " + line)
        if pairing.status != "active":
            text.append("  " + t("pairing.ended"), style="dim")
        text.append("\n")
        progress = progress_for_store(store, pairing, term, app.today) if term is not None else None
        if progress is not None:
            lessons = "、".join(progress.showcase_lessons) or t("mentoring.page.none")
            text.append("    " + t("mentoring.page.progress", held=progress.meetings_held,
                                    expected=progress.meetings_expected, mentor_observed=progress.mentor_observed,
                                    mentee_observed=progress.mentee_observed, lessons=lessons),
                        style="red" if progress.behind else "")
            if progress.behind:
                text.append("  !! " + t("mentoring.behind", count=progress.shortfall), style="bold red")
            text.append("\n")
    return text

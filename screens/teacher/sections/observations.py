"""听课 on a teacher's page: the lessons they observed against their quota and pace,
and the lessons of theirs that others observed (only that they happened: no comments).
An archived term's lessons are read from its archive (TeacherPage(teacher_id, term_id))."""

from __future__ import annotations

from rich.text import Text

from models.i18n import t
from models.observations import (
    observation_reader, observations_given, observations_received, quota_status, short_period,
)

ORDER = 20
SHOWN = 5  # the most recent lessons listed under each count


def section(app, teacher, term) -> Text | None:
    if term is None:
        return None
    store = observation_reader(app.store, term.term_id)
    policy = store.policy()
    names = {x.id: x.name for x in store.all(type(teacher))}
    status = quota_status(store, teacher, term, app.today)
    text = Text()
    text.append(t("observations.section.title") + "\n", style="bold underline")
    text.append(t("observations.section.given", done=status.done, quota=status.quota, week=status.week,
                  expected=status.expected))
    if status.behind:
        text.append(t("observations.section.behind", gap=status.expected - status.done), style="bold red")
    else:
        text.append(t("observations.section.on_pace"), style="green")
    text.append("\n")
    given = sorted(observations_given(store, teacher.id, term.term_id), key=lambda o: (o.date, o.period), reverse=True)
    for observation in given[:SHOWN]:
        text.append(t("observations.section.given_item", date=observation.date[5:],
                      period=short_period(observation.period, policy),
                      teacher=names.get(observation.teacher_id, "?"), lesson_type=observation.lesson_type) + "\n")
    if len(given) > SHOWN:
        text.append(t("observations.section.more", count=len(given) - SHOWN) + "\n", style="dim")
    received = sorted(observations_received(store, teacher.id, term.term_id), key=lambda o: (o.date, o.period),
                      reverse=True)
    text.append(t("observations.section.received", count=len(received)) + "\n")
    for observation in received[:SHOWN]:
        text.append(t("observations.section.received_item", date=observation.date[5:],
                      period=short_period(observation.period, policy),
                      observer=names.get(observation.observer_id, "?"), lesson_type=observation.lesson_type) + "\n")
    if len(received) > SHOWN:
        text.append(t("observations.section.more", count=len(received) - SHOWN) + "\n", style="dim")
    return text


def open_notebook(page, teacher_id: int, term_id: str | None) -> None:
    """``w`` on a teacher's page: their 听课本 for the term in view, as far as the user may
    read its records (models/exports/observation_pages.py leaves out the rest)."""
    from models.exports.observation_pages import notebook_docx
    from models.records import Teacher, Term
    from models.terms import term_by_id
    from screens.dialogs.save_path import SavePathDialog

    app = page.app
    store = app.store
    teacher = store.get(Teacher, teacher_id)
    term = term_by_id(store.all(Term), term_id) if term_id else app.term
    if teacher is None or term is None:
        app.notify(t("observations.word.no_term"), severity="warning", markup=False)
        return
    viewer = app.user
    app.push_screen(SavePathDialog(t("observations.word.notebook_title", name=teacher.name, term=term.name),
                                   t("observations.word.notebook_file", name=teacher.name, term=term.term_id),
                                   lambda: notebook_docx(store, viewer, teacher, term, store.path)))

"""A 评比's result on paper (issue 18), the 评比结果 sheet of the school's 台账: the
competition's facts, its entries ranked by their mean score with the prize and the
recommendation, and the lines a school hands it in with (评委签名; 教导处（盖章）, 日期) —
a Report the registry writes (Word through the one builder, Excel through the one
spreadsheet writer, both with the signature lines).

What it shows, and to whom:

* Published: what a school posts — rank, title, author, kind, the **mean** score, prize,
  recommendation. Each judge's own score stays out (judges score in confidence; the mean
  is everyone's, models/competitions.py). Anyone signed in may print it.
* Not yet published: the office's working sheet — the same table with a column per judge
  and a note that it is not published. Only the office may print it; anyone else is
  refused (:class:`~models.competitions.CompetitionRefused`), so a teacher never sees a
  score before publication.
"""

from __future__ import annotations

from models import competitions as comp
from models.exports.content import Fields, Part, Report, Signatures, Table, Text, as_date
from models.i18n import t
from models.records import PRIZES, Competition, Outcome, Teacher, Term
from models.terms import term_by_id


def may_print(competition: Competition, viewer: Teacher | None) -> bool:
    """Published: anyone signed in; before publication: the office only."""
    return viewer is not None and (competition.status == "published" or viewer.is_admin)


def ranked(source, competition: Competition) -> list[tuple[int | None, comp.EntryRow, list[float | None]]]:
    """(rank, entry, each judge's score) by mean score, best first; equal means share a rank
    (1, 2, 2, 4); an entry no judge scored has no rank and comes last. All scores are read:
    the caller decides what of them is shown (:func:`competition_report`)."""
    outcomes = {o.id: o for o in source.all(Outcome)}
    teachers = {x.id: x for x in source.all(Teacher)}
    scores = comp.scores_of(source, competition)
    rows = []
    for entry in comp.entries_of(source, competition):
        mine = [s for s in scores if s.entry_id == entry.id]
        rows.append(comp.EntryRow(entry, outcomes.get(entry.outcome_id), teachers.get(entry.teacher_id), mine, None))
    prize_order = {p: i for i, p in enumerate(PRIZES)}
    rows.sort(key=lambda r: (r.average is None, -(r.average or 0), prize_order.get(r.entry.prize, 9), r.entry.id))
    out: list[tuple[int | None, comp.EntryRow, list[float | None]]] = []
    for index, row in enumerate(rows):
        if row.average is None:
            rank = None
        elif out and out[-1][1].average == row.average:
            rank = out[-1][0]
        else:
            rank = index + 1
        by_judge = {s.judge_id: s.score for s in row.scores}
        out.append((rank, row, [by_judge.get(j) for j in competition.judge_ids]))
    return out


def competition_report(source, viewer: Teacher | None, competition: Competition) -> Report:
    """The result sheet as ``viewer`` may have it; refused before publication unless the office."""
    if not may_print(competition, viewer):
        raise comp.CompetitionRefused(t("competitions.print.not_published", name=competition.name))
    published = competition.status == "published"
    names = {x.id: x.name for x in source.all(Teacher)}
    judges = [names.get(j, "?") for j in competition.judge_ids]
    facts = Fields([
        (t("competitions.col.name"), competition.name),
        (t("competitions.col.kinds"), "、".join(competition.kinds)),
        (t("competitions.col.deadline"), as_date(competition.deadline)),
        (t("competitions.col.judges"), "、".join(judges) or "—"),
        (t("competitions.col.level"), competition.level),
        (t("competitions.col.status"), t("competitions.print.published_on", date=competition.published)
         if published else t("competitions.print.draft")),
    ])
    headers = [t("competitions.print.rank"), t("competitions.col.title"), t("competitions.print.author"),
               t("competitions.col.kind")]
    widths = [0.8, 4, 1.4, 1.4]
    if not published:  # the office's working sheet: each judge's score
        headers += judges
        widths += [1] * len(judges)
    headers += [t("competitions.print.mean"), t("competitions.col.prize"), t("competitions.col.recommended")]
    widths += [1, 1.2, 1.4]
    rows = []
    for rank, row, by_judge in ranked(source, competition):
        cells = [rank, row.outcome.title if row.outcome else "?", row.teacher.name if row.teacher else "?",
                 row.outcome.kind if row.outcome else "?"]
        if not published:
            cells += by_judge
        cells += [row.average, row.entry.prize or "—", row.entry.recommended or "—"]
        rows.append(cells)
    table = Table(t("competitions.print.entries", count=len(rows)), headers, rows, widths)
    blocks: list = [facts]
    if not published:
        blocks.append(Text(t("competitions.print.draft_note"), bold=True))
    blocks += [table, Text(t("competitions.print.mean_note") if published else t("competitions.print.unscored_note")),
               Signatures([t("competitions.print.sign_judges")], blank=64),  # each judge signs the result
               Signatures([t("competitions.print.sign_office"), t("doc.print.sign_date")])]
    term = term_by_id(source.all(Term), competition.term_id)
    return Report(t("competitions.print.title", name=competition.name),
                  [Part(t("competitions.print.part"), blocks, sheet=t("competitions.print.part"))],
                  school=source.policy().school_name, term=term.name if term else competition.term_id)


def default_competition_name(competition: Competition, suffix: str = ".docx") -> str:
    safe = "".join(c for c in competition.name.strip() if c not in '\\/:*?"<>|')
    return f"{safe or 'competition'}{t('competitions.print.file_tail')}{suffix}"

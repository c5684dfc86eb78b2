"""The command palette (ctrl+p): every action of the app, with its key, found by Chinese,
full pinyin or initials (``xxq`` → 新学期), offering only what this user may do.

Three kinds of entries:
- the app's own commands (areas 0–5, help, change log …, Textual's theme, keys and
  screenshot in the user's language) from ``App.get_system_commands``;
- the actions of every area that make sense from anywhere (new term, import, export,
  report, archive, close a day, new observation …): choosing one opens its area and
  runs its key there;
- the keys of the screen in view (edit, delete … of the highlighted record).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from rich.text import Text
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider

from models.i18n import t
from models.pinyin import phrase_readings
from models.terms import is_archived
from screens.areas import area_screen


# -- matching ------------------------------------------------------------------------------

def _syllables(text: str) -> list[tuple[str, ...]]:
    """The pinyin of a title: for each Chinese character its readings (a word read as a
    phrase reads each character one of its ways); other words as they are, one each."""
    out: list[tuple[str, ...]] = []
    for readings in phrase_readings(text):
        if len(readings) > 1:
            out.append(readings)
        else:  # one reading, or a run of other words: a syllable each, punctuation left out
            out.extend((piece,) for piece in readings[0].lower().split() if piece.strip(" ·-—()（）/"))
    return out


def _walk(query: str, syllables: list[tuple[str, ...]], index: int) -> bool:
    """``query`` made of prefixes of consecutive syllables from ``index`` on (xxq, xinxq,
    xinxueqi), each syllable read any of its ways."""
    if not query:
        return True
    if index >= len(syllables):
        return False
    for syllable in syllables[index]:
        for size in range(min(len(query), len(syllable)), 0, -1):
            if syllable.startswith(query[:size]) and _walk(query[size:], syllables, index + 1):
                return True
    return False


def match_score(query: str, *texts: str) -> int:
    """How well ``query`` names one of ``texts`` (0: not at all). Chinese by substring;
    ASCII by the whole text, its full pinyin or its initials, from any syllable on."""
    q = query.strip().lower().replace(" ", "")
    if not q:
        return 1
    best = 0
    for rank, text in enumerate(texts):
        if not text:
            continue
        weight = 0 if rank == 0 else 10  # the title counts more than aliases and help
        lower = text.lower()
        if lower.startswith(q):
            score = 100
        elif q in lower:
            score = 90
        elif q.isascii():
            syllables = _syllables(text)
            if _walk(q, syllables, 0):
                score = 80
            elif any(_walk(q, syllables, i) for i in range(1, len(syllables))):
                score = 60
            else:
                score = 0
        else:
            score = 0
        if score:
            best = max(best, score - weight)
    return best


# -- entries -------------------------------------------------------------------------------

@dataclass(frozen=True)
class AreaAction:
    """An action of an area the palette offers from anywhere."""

    area: str
    action: str  # as the area screen's binding names it
    title: str  # catalog key of the palette's wording
    need: Callable[[object], bool] = lambda app: True  # may this user do it?
    prepare: str = ""  # an action that makes it possible (a view) when the screen says not now
    aliases: tuple[str, ...] = field(default_factory=tuple)  # catalog keys of other wordings


def _can(app, action: str, record, field_name: str | None = None) -> bool:
    from models.permissions import can

    return can(app.store, app.user or app.login, action, record, field_name)


def _admin(app) -> bool:
    user = app.user
    return user is not None and user.is_admin


def _may_new_term(app) -> bool:
    from models.records import Term

    return _can(app, "insert", Term())


def _may_edit_term(app) -> bool:
    from models.records import Term

    return _can(app, "update", app.term or Term())


def _may_new_event(app) -> bool:
    from models.records import Activity

    term = app.term
    return _can(app, "insert", Activity(group_id=0, term_id=term.term_id if term else ""))


def _may_lead(app) -> bool:
    """Leaders (and the admin) regenerate a group's weeks."""
    from models.records import Activity, Group

    term = app.term
    return any(_can(app, "update", Activity(group_id=g.id, term_id=term.term_id if term else ""))
               for g in app.store.all(Group) if g.kind in ("research", "prep"))


def _may_new_teacher(app) -> bool:
    from models.records import Teacher

    return _can(app, "insert", Teacher())


def _may_observe(app) -> bool:
    from models.records import Observation

    user = app.user
    return user is not None and _can(app, "insert", Observation(observer_id=user.id))


def _may_new_pairing(app) -> bool:
    from models.records import Pairing

    return _can(app, "insert", Pairing())


def _may_write_documents(app) -> bool:
    """Everyone on the roster writes their own documents in an open term."""
    term = app.term
    return app.user is not None and term is not None and not is_archived(term)


def _may_policy(app) -> bool:
    return _can(app, "update", app.store.policy())


def _may_new_project(app) -> bool:
    from models.records import Project

    return _can(app, "insert", Project())


AREA_ACTIONS: tuple[AreaAction, ...] = (
    AreaAction("calendar", "view('month')", "palette.calendar.month"),
    AreaAction("calendar", "view('week')", "palette.calendar.week"),
    AreaAction("calendar", "view('agenda')", "palette.calendar.agenda"),
    AreaAction("calendar", "today", "palette.calendar.today"),
    AreaAction("calendar", "filter_mine", "palette.calendar.mine", prepare="view('agenda')"),
    AreaAction("calendar", "new_event", "palette.calendar.new_event", _may_new_event),
    AreaAction("calendar", "toggle_day", "palette.calendar.toggle_day", _may_edit_term, prepare="view('month')",
               aliases=("palette.calendar.toggle_day.alias",)),
    AreaAction("calendar", "regenerate", "palette.calendar.regenerate", _may_lead, prepare="view('month')"),
    AreaAction("calendar", "new_term", "palette.calendar.new_term", _may_new_term),
    AreaAction("calendar", "edit_term", "palette.calendar.edit_term", _may_edit_term),
    AreaAction("rosters", "new", "palette.rosters.new", _may_new_teacher),
    AreaAction("rosters", "groups", "palette.rosters.groups"),
    AreaAction("rosters", "import", "palette.rosters.import", _may_new_teacher),
    AreaAction("rosters", "export", "palette.rosters.export"),
    AreaAction("rosters", "search", "palette.rosters.search"),
    AreaAction("observations", "new", "palette.observations.new", _may_observe),
    AreaAction("observations", "filter", "palette.observations.filter"),
    AreaAction("observations", "search", "palette.observations.search"),
    AreaAction("mentoring", "new", "palette.mentoring.new", _may_new_pairing),
    AreaAction("mentoring", "search", "palette.mentoring.search"),
    AreaAction("dashboard", "tab('attention')", "palette.dashboard.attention"),
    AreaAction("dashboard", "outcomes", "palette.dashboard.outcomes"),
    AreaAction("dashboard", "report", "palette.dashboard.report",
               aliases=("palette.dashboard.report.alias",)),
    AreaAction("dashboard", "policy", "palette.dashboard.policy", _may_policy),
    AreaAction("dashboard", "close_term", "palette.dashboard.close_term", _admin,
               aliases=("palette.dashboard.close_term.alias",)),
    AreaAction("documents", "new", "palette.documents.new", _may_write_documents,
               aliases=("palette.documents.new.alias",)),
    AreaAction("documents", "due", "palette.documents.due"),
    AreaAction("documents", "prep", "palette.documents.prep"),
    AreaAction("documents", "readings", "palette.documents.readings"),
    AreaAction("documents", "search", "palette.documents.search"),
    AreaAction("dashboard", "year", "palette.dashboard.year", aliases=("palette.dashboard.year.alias",)),
    AreaAction("research", "new", "palette.research.new", _may_new_project, prepare="tab('projects')"),
    AreaAction("research", "tab('hours')", "palette.research.hours"),
    AreaAction("research", "training", "palette.research.training", lambda app: app.user is not None,
               prepare="tab('hours')"),
    AreaAction("outcomes", "booklet", "palette.outcomes.booklet", aliases=("palette.outcomes.booklet.alias",)),
    AreaAction("outcomes", "competitions", "palette.outcomes.competitions",
               aliases=("palette.outcomes.competitions.alias",)),
)

# Textual's own keys: nothing to offer in the palette (focus moves, copying, the palette's
# own keys), and movement keys of the area screens.
SKIPPED_ACTIONS = {"app.focus_next", "app.focus_previous", "screen.copy_text", "copy_text", "command_palette",
                   "app.command_palette", "focus_list", "cancel_search", "help", "app.help", "quit", "app.quit",
                   "audit", "app.audit"}


def _binding_for(screen_class, action: str):
    # Private: a screen class's bindings merged with its bases' (Textual's own map, built when
    # the class is defined); no public way reads them without making the screen. Pinned by
    # tests/unit/test_textual_private.py.
    for bindings in screen_class._merged_bindings.key_to_bindings.values():
        for binding in bindings:
            if binding.action == action:
                return binding
    return None


def key_label(app, binding) -> str:
    """The key as the footer shows it (the user's own key when they rebound it)."""
    if binding is None:
        return ""
    # Private: the user's own keys (App.set_keymap / update_keymap) have no public getter;
    # pinned by tests/unit/test_textual_private.py.
    if binding.id and binding.id in app._keymap:
        return app._keymap[binding.id].split(",")[0].strip()
    return app.get_key_display(binding)


def _display(title: str, key: str, where: str) -> Text:
    text = Text(title)
    if key:
        text.append(f"  {key}", style="bold")
    if where:
        text.append(f"  · {where}", style="dim")
    return text


class JiaoyanCommands(Provider):
    """Everything the app can do, found by Chinese, pinyin or initials."""

    def _entries(self) -> list[tuple[str, tuple[str, ...], Text, Callable[[], object], str]]:
        """(title, other words, what the list shows, what choosing it does, help)."""
        app = self.app
        screen = self.screen
        entries = []
        for command in app.get_system_commands(screen):
            entries.append((command.title, (command.help,), _display(command.title, "", ""), command.callback,
                            command.help))
        covered: set[str] = set()
        current_area = getattr(screen, "AREA", "")
        for item in AREA_ACTIONS:
            try:
                if not item.need(app):
                    continue
            except Exception:  # a rule that cannot be read now offers nothing rather than break the palette
                continue
            screen_class = area_screen(item.area)
            binding = _binding_for(screen_class, item.action)
            title = t(item.title)
            where = t(f"area.{item.area}")
            if item.area == current_area:
                covered.add(item.action)
            aliases = tuple(t(key) for key in item.aliases) + (where,)
            entries.append((title, aliases, _display(title, key_label(app, binding), where),
                            partial(run_area_action, app, item), where))
        # the keys of the screen in view that the lists above do not hold
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if (active.node is app or not active.enabled or not binding.description
                    or binding.action in SKIPPED_ACTIONS or binding.action in covered
                    or binding.action in seen or binding.action.startswith("move")):
                continue
            seen.add(binding.action)
            title = binding.description
            where = t("palette.this_screen")
            entries.append((title, (where,), _display(title, key_label(app, binding), where),
                            partial(screen.run_action, binding.action), where))
        return entries

    async def discover(self) -> Hits:
        for _title, _aliases, display, callback, help_text in self._entries():
            yield DiscoveryHit(display, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        for title, aliases, display, callback, help_text in self._entries():
            score = match_score(query, title, *aliases)
            if score:
                yield Hit(score / 100, display, callback, text=title, help=help_text)


def run_area_action(app, item: AreaAction) -> None:
    """Open the action's area and run its key there, as if the user had pressed it."""
    if getattr(app.screen, "AREA", None) is None and app.current_mode == item.area:
        # a form or page is open over the area: leaving it would lose what is typed
        app.notify(t("palette.close_first"), severity="warning", markup=False)
        return
    app.switch_mode(item.area)
    _run_when_ready(app, item, tries=20, prepared=False)


def _run_when_ready(app, item: AreaAction, *, tries: int, prepared: bool) -> None:
    """Run the action once the area screen says it may (a screen just opened reads its data
    first); with ``prepare`` (e.g. the month view for closing a day) when it says not now."""
    screen = app.screen
    if getattr(screen, "AREA", None) != item.area:
        return
    allowed = screen.is_mounted and screen.check_action(_name(item.action), _parameters(item.action)) is not False
    if allowed:
        screen.call_later(screen.run_action, item.action)
        return
    if screen.is_mounted and item.prepare and not prepared and tries < 15:
        screen.call_later(screen.run_action, item.prepare)
        prepared = True
    if tries <= 0:
        app.notify(t("palette.not_now"), severity="warning", markup=False)
        return
    app.set_timer(0.05, lambda: _run_when_ready(app, item, tries=tries - 1, prepared=prepared))


def _name(action: str) -> str:
    return action.split("(", 1)[0]


def _parameters(action: str) -> tuple:
    if "(" not in action:
        return ()
    import ast

    inside = action.split("(", 1)[1].rstrip(")")
    try:
        value = ast.literal_eval(f"({inside},)")
    except (ValueError, SyntaxError):
        return ()
    return tuple(value)


class Palette(CommandPalette):
    """Textual's palette; "No matches found" is said in the user's language."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Private: Textual has no public way to word the "No matches found" line. As Textual's
        # own (textual/command.py), with the catalog's sentence; tests/unit/test_textual_private.py
        # fails if it moves.
        from rich.align import Align
        from textual.command import CommandList
        from textual.widgets.option_list import Option

        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(t("textual.no_matches"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)

"""The one App: the areas of models/areas.py on keys 1, 2, …, help on F1, the store polled
for other sessions' saves."""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import time
from collections.abc import Iterable
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from models.areas import AREAS, HOME, HOME_KEY, MODE_NAMES
from models.errors import DataFileError, keep_traceback
from models.i18n import set_language, t
from models.records import Teacher, Term
from models.session import Session, open_session
from models.store.storage import Store
from models.terms import current_term, week_of
from screens.areas import area_modes
from screens.base import AreaScreen
from screens.dialogs.help import HelpScreen
from screens.widgets.fitted_footer import word_textual_keys
from screens.widgets.focus_repaint import install as install_focus_repaint
from screens.widgets.keys import translate_bindings
from screens.widgets.kept_css import install as install_kept_css
from screens.widgets.ordered_keys import tab_now
from screens.widgets.kinsoku import install as install_kinsoku

TYPING_FOREVER = 1e9  # "no key yet": as long ago as need be

# Textual's palette commands by their English title: what to call them instead.
TEXTUAL_COMMANDS = {
    "Theme": ("textual.theme", "textual.theme_help"),
    "Quit": ("textual.quit", "textual.quit_help"),
    "Maximize": ("textual.maximize", "textual.maximize_help"),
    "Minimize": ("textual.minimize", "textual.minimize_help"),
}


class JiaoyanApp(App[int]):
    """教研. Holds the session (the store, who is using it, today, the language); screens
    read it through ``app.store``, ``app.login``, ``app.user`` and ``app.today``."""

    CSS_PATH = "app.tcss"
    TITLE = "jiaoyan 教研"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {lambda: __import__("tui.palette", fromlist=["JiaoyanCommands"]).JiaoyanCommands}
    MODES = area_modes()  # models/areas.py: one mode per area, keys 1, 2, … and 我的 (HOME)
    BINDINGS = [
        *(Binding(area.key, f"area('{area.name}')", f"area.{area.name}", id=f"area.{area.name}")
          for area in AREAS),
        Binding(HOME_KEY, f"area('{HOME}')", f"area.{HOME}", id=f"area.{HOME}"),
        Binding("f1", "help", "key.help", id="app.help"),
        Binding("f2", "audit", "access.audit.key", id="app.audit"),
        Binding("q", "quit", "key.quit", id="app.quit"),
        # Not in the 80-column footer; F1 and the palette list it (README, "Deployment").
        Binding("ctrl+o", "toggle_mouse", "ssh.mouse.key", show=False, id="app.mouse"),
        Binding("ctrl+p", "command_palette", "key.palette", show=False, priority=True, id="app.palette"),
    ]
    # A poll is a stat; what another session saved comes from the change log's new lines
    # (models/store/feed.py), so looking twice a second costs next to nothing.
    POLL_SECONDS = 0.5
    # Twenty sessions open on a 2-core server all see one save at once; if all took it in
    # at once, a key typed in any of them waited for a core (0.4–1 s, bench/app_sessions.py).
    # A session whose person is not typing takes it in at a random moment within this many
    # seconds (still on screen within 2 s of the save); one typed into in the last
    # TYPING_SECONDS takes it in at the next poll, as does any session a key reaches.
    TAKE_IN_SPREAD = 1.2
    TYPING_SECONDS = 5.0
    START_UP_LIMIT = 10.0  # seconds: the start is over by then, whatever Textual says (on_mount)
    # Once the person has stopped typing this long, the collector makes its full pass then, a
    # moment nobody waits on, and sets what lives aside (tidy_objects), so the passes it makes
    # by itself while someone types scan only what came since.
    TIDY_AFTER_SECONDS = 2.0

    def __init__(self, session: Session, *, start_area: str | None = None):
        super().__init__()
        install_kept_css(self)  # each area's first visit no longer parses all the app's CSS again
        translate_bindings(self)
        word_textual_keys()  # an open dropdown's esc 收起, in every footer
        install_kinsoku()  # no line begins with 、，。 (screens/widgets/kinsoku.py)
        install_focus_repaint()  # a Tab repaints two widgets, not 24 lines (screens/widgets/focus_repaint.py)
        self.session = session
        self.start_area = start_area
        self._last_key = -TYPING_FOREVER  # monotonic time of the person's last key
        self._take_in_timer = None  # set while another session's save waits its turn (TAKE_IN_SPREAD)
        self._tidy_due = False  # keys came since the objects were last tidied (TIDY_AFTER_SECONDS)
        self.tidied = 0  # how many times (tests)
        self.crash_log: Path | None = None
        self._warned_about_file = False
        # The store's count of files read afresh when the area in view last redrew for them.
        self._shown_file_generation = self.store.storage.file_generation
        # A save that went through with a problem beside it (today's backup) says so on screen.
        session.store.on_warning = lambda message: self.notify(message, severity="warning", timeout=15, markup=False)

    async def on_event(self, event: events.Event) -> None:
        # A tab moves the focus before the next key of the same burst is handed out
        # (screens/widgets/ordered_keys.py tab_now); everything else is Textual's own way.
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
            self._tidy_due = True
            if self._take_in_timer is not None:
                self._take_in_now()  # the person is here: what another session saved, now
            if self.screen_stack and tab_now(self.screen, event):
                return
        await super().on_event(event)

    # -- what screens read ---------------------------------------------------------

    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def login(self) -> str:
        return self.session.login

    @property
    def today(self) -> dt.date:
        return self.session.today

    @property
    def term(self) -> Term | None:
        return current_term(self.store.all(Term), self.today)

    @property
    def user(self) -> Teacher | None:
        return self.session.teacher

    def school_name(self) -> str:
        return self.store.policy().school_name or self.store.meta().get("school_name", "")

    def term_heading(self) -> str:
        term = self.term
        if term is None:
            return t("header.no_term")
        week = week_of(term, self.today)
        return f"{term.name} · " + (t("week.number", week=week) if week > 0 else t("header.not_begun"))

    def user_label(self) -> str:
        user = self.user
        if user is None:
            return self.login
        return user.name + (t("header.admin") if user.is_admin else "")

    # -- areas and help ------------------------------------------------------------

    def on_mount(self) -> None:
        area = self.start_area
        if area not in MODE_NAMES:
            user = self.user
            area = "dashboard" if user is not None and user.is_admin else HOME
        self.switch_mode(area)
        self.set_interval(self.POLL_SECONDS, self.check_for_changes)
        # Should Textual ever not say it is ready, the start is over all the same: the
        # figures filled and the collector (off since tui/cli.py) on again.
        self.set_timer(self.START_UP_LIMIT, self._after_first_frame)
        self.apply_user_keymap()
        self.call_after_refresh(self.check_size)

    # Whether Textual has drawn the first frame (its Ready event): until then a landing
    # area with figures to work out shows its frame without them (screens/base.py).
    first_frame_drawn = False

    def on_ready(self) -> None:
        # Ready comes with the first layout; the frame itself may still be queued on the
        # screen (Textual defers it while a batch is open): after it, then.
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        if self.first_frame_drawn:
            return
        self.first_frame_drawn = True
        for screen in self.screen_stack:
            if isinstance(screen, AreaScreen):
                screen.first_fill()
        self.call_after_refresh(self._freeze_start_up_objects)  # after the figures' frame

    def _freeze_start_up_objects(self) -> None:
        """What starting made (modules, classes, the catalog, the data read, the first
        screen) lives as long as the session: out of the collector's view, a full
        collection scans only what came after. On the large school the interpreter's full
        collections froze the screen 100–400 ms wherever they fell; after every area was
        visited, one took 193 ms before this and 52 ms after. The command line
        (tui/cli.py) turned the collector off for the start: on again here."""
        tidy_objects()
        gc.enable()

    def _tidy_if_idle(self) -> None:
        """After a pause in typing (TIDY_AFTER_SECONDS), the objects that came with what the
        person did (an area's first visit, a form) are tidied as the start-up's were."""
        if (self._tidy_due and self.first_frame_drawn
                and time.monotonic() - self._last_key >= self.TIDY_AFTER_SECONDS):
            self._tidy_due = False
            tidy_objects()
            self.tidied += 1

    def _check_resize(self) -> None:
        # Private: Textual hands a terminal resize (the last of a burst) to the screen in
        # view here; no public event reaches the app after the screen has its new size. Pinned
        # by tests/unit/test_textual_private.py. The app checks the size too.
        super()._check_resize()
        self.call_after_refresh(self.check_size)

    def check_size(self) -> None:
        """Below 80×24 the screens cut fields and wrap the month grid: say the size needed."""
        from screens.dialogs.too_small import TooSmallScreen, too_small

        small = too_small(*self.size)
        showing = isinstance(self.screen, TooSmallScreen)
        if small and not showing:
            # Terminals settle their size in a moment (and tests start small, then grow): the
            # notice waits for the size to stay small, so it never swallows the first keys.
            self.set_timer(0.3, self._still_too_small)
        elif not small and showing:
            self.pop_screen()

    def _still_too_small(self) -> None:
        from screens.dialogs.too_small import TooSmallScreen, too_small

        if too_small(*self.size) and not isinstance(self.screen, TooSmallScreen):
            self.push_screen(TooSmallScreen())

    def apply_user_keymap(self) -> None:
        """Keys the user rebound in keys.toml (by binding id); bad lines are named, not fatal."""
        from models.keymap import keymap_path, load_keymap

        path = keymap_path()
        if not path.exists():
            return
        from tui.keys import bindings_with_ids

        mapping, problems = load_keymap(path, {binding_id for binding_id, _, _ in bindings_with_ids()})
        if mapping:
            self.set_keymap(mapping)
        for problem in problems:
            self.notify(problem, severity="warning", timeout=10, markup=False)

    def action_area(self, area: str) -> None:
        if area in MODE_NAMES:
            self.switch_mode(area)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        # The keys in force right now, as the footer knows them: those a check_action
        # hides (e.g. keys this user may not use) are left out here too.
        screen = self.screen
        screen_keys, app_keys = [], []
        for active in screen.active_bindings.values():
            if not active.binding.description or not active.enabled:
                continue
            if active.node is screen:
                screen_keys.append(active.binding)
            elif active.node is self:
                app_keys.append(active.binding)
        title = t(f"area.{screen.AREA}") if isinstance(screen, AreaScreen) else t("help.this_screen")
        self.push_screen(HelpScreen([(title, screen_keys), (t("help.app_keys"), app_keys)]))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from tui.palette import Palette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette(placeholder=t("palette.placeholder"), id="--command-palette"))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        from tui.palette import Palette

        self.push_screen(Palette(providers=[ThemeProvider], placeholder=t("textual.theme_search")))

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit (in a text field it copies): say which keys do, in the user's language."""
        quit_key = next((self.get_key_display(active.binding) for active in self.active_bindings.values()
                         if active.binding.id == "app.quit"), "q")
        self.notify(t("textual.quit_prompt", quit_key=quit_key), title=t("textual.quit_title"), markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for area in AREAS:
            yield SystemCommand(f"{area.key} {t(f'area.{area.name}')}", t(f"area.{area.name}.help"),
                                lambda name=area.name: self.action_area(name))
        yield SystemCommand(f"{HOME_KEY} {t('area.home')}", t("area.home.help"), lambda: self.action_area(HOME))
        yield SystemCommand(t("key.help"), t("help.title"), self.action_help)
        yield SystemCommand(t("delivery.ics.palette"), t("delivery.ics.palette_help"), self.action_export_ics)
        yield SystemCommand(t("ssh.mouse.palette"), t("ssh.mouse.palette_help"), self.action_toggle_mouse)
        if self.user is not None and self.user.is_admin:
            yield SystemCommand(t("access.audit.title"), t("access.audit.palette_help"), self.action_audit)
            yield SystemCommand(t("ssh.restore.title"), t("ssh.restore.palette_help"), self.action_restore)
            yield SystemCommand(t("remind.screen.title_short"), t("remind.screen.palette_help"),
                                self.action_remind_settings)
        for command in super().get_system_commands(screen):
            keys = TEXTUAL_COMMANDS.get(command.title)
            if keys is not None:  # Textual's own, said in the user's language; Keys and Screenshot left out
                yield SystemCommand(t(keys[0]), t(keys[1]), command.callback, command.discover)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "audit":  # the change log is the admin's: others do not see the key
            user = self.user
            return user is not None and user.is_admin
        return True

    def action_export_ics(self) -> None:
        from screens.dialogs.ics_export import IcsExportDialog

        if not isinstance(self.screen, IcsExportDialog):
            self.push_screen(IcsExportDialog())

    def action_remind_settings(self) -> None:
        from screens.dashboard.remind_settings import RemindSettingsScreen

        if self.user is not None and self.user.is_admin and not isinstance(self.screen, RemindSettingsScreen):
            self.push_screen(RemindSettingsScreen())

    def action_audit(self) -> None:
        user = self.user
        if user is None or not user.is_admin:
            self.notify(t("access.audit.admin_only"), severity="warning", markup=False)
            return
        from screens.dialogs.change_log import AuditScreen  # the admin's only; not at start-up

        if not isinstance(self.screen, AuditScreen):
            self.push_screen(AuditScreen())

    def action_restore(self) -> None:
        """从备份恢复 (admins): the one way set-up B's admin, who has no Unix account, restores."""
        from models.store.storage import list_backups
        from screens.dialogs.restore import RestoreScreen

        user = self.user
        if user is None or not user.is_admin:
            self.notify(t("ssh.restore.admin_only"), severity="warning", markup=False)
            return
        self.push_screen(RestoreScreen(list_backups(self.store.path)), self._restore_chosen)

    def _restore_chosen(self, path: Path | None) -> None:
        from models.store.storage import restore_from
        from screens.dialogs.restore import backup_label

        user = self.user
        if path is None or user is None or not user.is_admin:
            return
        try:
            kept = restore_from(self.store.path, path, self.login)  # the change log says who
        except (DataFileError, OSError) as error:
            self.notify(str(error), severity="error", timeout=30, markup=False)
            return
        self.store.refresh()
        self.notify(t("ssh.restore.done", label=backup_label(path), kept=str(kept or "-")), timeout=30,
                    markup=False)
        if hasattr(self.screen, "data_changed"):
            self.screen.data_changed()

    # -- files to the person's PC ---------------------------------------------------------

    @property
    def export_folder(self) -> Path:
        """Where this person's exports and reports go unless they type another path: their own
        folder beside the data file, which scp and sftp through the forced command can fetch
        (models/downloads.py). Their home folder when it cannot be made."""
        from models.downloads import export_folder

        folder = export_folder(self.store.path, self.login)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return Path.home()
        return folder

    def announce_download(self, path: Path) -> None:
        """After an export: in a browser (`jiaoyan serve`) the file arrives as a download
        (Textual's delivery API, which textual-serve streams to that browser only); over SSH
        the exact command that fetches the file to the PC, or why it cannot be fetched (it
        was written outside the person's export folder)."""
        from models.downloads import download_command, export_folder, resolve_inside
        from models.identity import os_login

        if self.is_web:
            path = Path(path)
            self.deliver_binary(path, save_filename=path.name)
            self.notify(t("serve.download.sent", name=path.name), timeout=20, markup=False)
            return
        if not os.environ.get("SSH_CONNECTION"):
            return  # at the server's own terminal the file is already where the person is
        folder = export_folder(self.store.path, self.login)
        path = Path(path).absolute()
        if resolve_inside(folder, str(path)) != Path(os.path.realpath(path)):
            self.notify(t("ssh.download.outside", folder=str(folder)), severity="warning", timeout=30, markup=False)
            return
        command = download_command(path, account=os_login(), env=os.environ)
        self.notify(t("ssh.download.hint", command=command), timeout=120, markup=False)

    def action_toggle_mouse(self) -> None:
        """Mouse reporting on or off now, and remembered for this person's next login."""
        from models.mouse import save_choice

        # Private: Textual takes the mouse setting once, in App.run(mouse=...), and has no
        # public way to switch it later nor to reach the driver; its Linux driver keeps the
        # setting in ``_mouse`` and switches the terminal's reports with the two methods below.
        # tests/unit/test_textual_private.py fails if they move; a driver without them (the
        # headless one of the tests) only has the flag set.
        driver = self._driver
        on = not bool(getattr(driver, "_mouse", False))
        if on and hasattr(driver, "_enable_mouse_support"):
            driver._mouse = True
            driver._enable_mouse_support()
        elif not on and hasattr(driver, "_disable_mouse_support"):
            driver._disable_mouse_support()
            driver._mouse = False
        elif driver is not None:
            driver._mouse = on
        save_choice(self.store.path, self.login, on)
        self.notify(t("ssh.mouse.now_on" if on else "ssh.mouse.now_off"), markup=False)

    # -- other sessions' saves -----------------------------------------------------------

    def check_for_changes(self, at_once: bool = False) -> None:
        """Pick up another session's save and redraw the area in view. The poll is a
        ``stat``; the change log's new lines (or, when they do not line up, the whole file)
        are read in a worker, so typing never waits for them. ``at_once``: this session is
        waiting for the save (its own close of a term, made by another process), not its turn."""
        self._tidy_if_idle()  # the poll is the app's heartbeat: a pause in typing is seen here
        try:
            changed = self.store.file_changed()
        except DataFileError as error:
            self._file_problem(error)
            return
        if not changed:
            self._warned_about_file = False
            if self.store.storage.file_generation != self._shown_file_generation:
                self._redraw_for_others()  # a read here already took another session's save
        elif at_once:
            self._take_in_now()
        elif self._take_in_timer is None and not any(w.group == "reload" and not w.is_finished
                                                     for w in self.workers):
            if time.monotonic() - self._last_key < self.TYPING_SECONDS or self.TAKE_IN_SPREAD <= 0:
                self.run_worker(self._read_newer, thread=True, group="reload")
            else:
                self._take_in_timer = self.set_timer(self.take_in_delay(), self._take_in_now)

    def take_in_delay(self) -> float:
        """When an idle session takes in another's save: a random moment of the spread."""
        return random.uniform(0, self.TAKE_IN_SPREAD)

    def _take_in_now(self) -> None:
        if self._take_in_timer is not None:
            self._take_in_timer.stop()
            self._take_in_timer = None
        if not any(w.group == "reload" and not w.is_finished for w in self.workers):
            self.run_worker(self._read_newer, thread=True, group="reload")

    def _read_newer(self) -> None:
        try:
            newer = self.store.read_newer()
        except DataFileError as error:
            self.call_from_thread(self._file_problem, error)
            return
        if newer is not None:
            self.call_from_thread(self._adopt, newer)

    def _adopt(self, newer) -> None:
        self._warned_about_file = False
        self.store.adopt(newer)
        if self.store.storage.file_generation != self._shown_file_generation:
            self._redraw_for_others()  # taken now, or by a read here meanwhile

    def _redraw_for_others(self) -> None:
        if not self.is_running:
            return  # shutting down: the screens' widgets are being taken away
        screen = self.screen
        if not screen.is_mounted or not screen.is_running:
            # A screen just pushed is still composing its widgets; leaving the generation
            # unshown lets the next poll redraw it once it stands.
            return
        self._shown_file_generation = self.store.storage.file_generation
        if hasattr(screen, "data_changed"):
            screen.data_changed()

    def _file_problem(self, error: DataFileError) -> None:
        if not self._warned_about_file:
            self._warned_about_file = True
            self.notify(str(error), severity="error", timeout=30, markup=False)

    # -- failures ------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        # Private Textual API: the one hook every unhandled error of the app passes through
        # (there is no public one). tests/unit/test_textual_private.py pins it.
        if self.is_headless:
            # Under Pilot the test must see the real exception.
            super()._handle_exception(error)
            return
        self.crash_log = keep_traceback(self.store.path, error, self.session.clock.now())
        self.exit(3, return_code=3)


def tidy_objects() -> None:
    """One full collection, then what is left set aside from the collector's later passes
    (``gc.freeze``). What was set aside before comes back first (``gc.unfreeze``): an object
    frozen and then thrown away is freed by this pass, not kept for the session's life.
    The pinyin table goes too (the readings looked up stay): a session at rest is smaller."""
    from models.pinyin import forget_table

    forget_table()
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def make_app(db: str | os.PathLike, *, login: str | None = None, lang: str | None = None,
             today: dt.date | str | None = None, start_area: str | None = None) -> JiaoyanApp:
    """The one factory the CLI and the tests use: builds the session (with the permission
    check on its store) and the App over it. ``today`` None means ``JIAOYAN_TODAY``, else
    the machine's date; ``login`` None means the process's own login."""
    from models.identity import os_login

    session = open_session(db, login=login or os_login(), today=today, language=lang)
    return app_for(session, start_area=start_area)


def app_for(session: Session, *, start_area: str | None = None) -> JiaoyanApp:
    """The App over a session someone else built (the command line's, a test's)."""
    # The catalog serves one language per process; the session chose it.
    set_language(session.language)
    return JiaoyanApp(session, start_area=start_area)

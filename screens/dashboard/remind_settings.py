"""提醒设置 (the admin's): where ``jiaoyan remind`` sends the weekly reminders.

The targets (企业微信 / 钉钉 / 飞书 robots, or a mailbox) are listed on top; the one under
the cursor is in the form below. ``ctrl+n`` starts a new one, ``ctrl+s`` saves, ``ctrl+d``
deletes, ``ctrl+t`` tries the target now (this week's message, sent once). The settings file
lives beside the data file (models/remind.py).
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static

from models.i18n import t
from models.remind import KINDS, RemindError, Target, build_digest, load_targets, save_targets, send
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.header import AppHeader
from screens.widgets.keys import translate_bindings
from screens.widgets.table_cursor import ListTable

WEBHOOK_FIELDS = ("url", "secret")
SMTP_FIELDS = ("host", "port", "security", "user", "password", "sender", "to")


def _split(text: str) -> list[str]:
    for sep in "，、;；":
        text = text.replace(sep, ",")
    return [x.strip() for x in text.split(",") if x.strip()]


class RemindSettingsScreen(Screen):
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="remind.save", priority=True),
        Binding("ctrl+n", "new", "remind.screen.key.new", id="remind.new", priority=True),
        Binding("ctrl+d", "delete", "remind.screen.key.delete", id="remind.delete", priority=True),
        Binding("ctrl+t", "try", "remind.screen.key.test", id="remind.try", priority=True),
        Binding("escape", "back", "key.back", id="remind.back"),
    ]
    CSS_PATH = "dashboard.tcss"

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.targets: list[Target] = []
        self.editing: int | None = None  # index of the target in the form; None = a new one

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="remind-title")
        yield ListTable(id="remind-targets", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(can_focus=False):  # no invisible tab stop between the fields
            with Horizontal(classes="row"):
                yield Label(t("remind.screen.field.kind"))
                yield Select([(t(f"remind.kind.{k}"), k) for k in KINDS], value="wecom", allow_blank=False,
                             compact=True, id="f-kind")
            for name, hint in (("name", ""), ("url", "remind.screen.hint.url"), ("secret", ""),
                               ("host", ""), ("port", ""), ("user", ""), ("password", ""), ("sender", ""),
                               ("to", ""), ("groups", "remind.screen.hint.groups")):
                with Horizontal(classes="row", id=f"row-{name}"):
                    yield Label(t(f"remind.screen.field.{name}"))
                    yield Input(placeholder=t(hint) if hint else "", id=f"f-{name}",
                                password=name in ("secret", "password"))
            with Horizontal(classes="row", id="row-security"):
                yield Label(t("remind.screen.field.security"))
                yield Select([(x, x) for x in ("starttls", "ssl", "none")], value="starttls", allow_blank=False,
                             compact=True, id="f-security")
        yield Static(id="remind-message")
        yield FittedFooter()

    def on_mount(self) -> None:
        title = Text(t("remind.screen.title"), style="bold")
        title.append("\n" + t("remind.screen.cron", path=self.app.store.path), style="dim")
        self.query_one("#remind-title", Static).update(title)
        table = self.query_one("#remind-targets", DataTable)
        for key in ("kind", "name", "where", "groups"):
            table.add_column(t(f"remind.screen.col.{key}"), key=key)
        try:
            self.targets = load_targets(self.app.store.path)
        except RemindError as error:
            self._say(str(error), error=True)
        self._fill()
        self._load(0 if self.targets else None)
        self._show_kind_fields()

    # -- the list and the form -----------------------------------------------------------

    def _fill(self) -> None:
        table = self.query_one("#remind-targets", DataTable)
        table.clear()
        for index, target in enumerate(self.targets):
            where = target.url if target.kind != "smtp" else ", ".join(target.to)
            groups = "、".join(target.groups) or t("remind.screen.all_groups")
            table.add_row(Text(t(f"remind.kind.{target.kind}") if target.kind in KINDS else target.kind),
                          Text(target.name), Text(where, overflow="ellipsis", no_wrap=True), Text(groups),
                          key=str(index))
        if not self.targets:
            self._say(t("remind.screen.empty"))

    def _value(self, name: str) -> str:
        return self.query_one(f"#f-{name}", Input).value.strip()

    def _load(self, index: int | None) -> None:
        self.editing = index
        target = self.targets[index] if index is not None else Target()
        self.query_one("#f-kind", Select).value = target.kind if target.kind in KINDS else "wecom"
        self.query_one("#f-security", Select).value = target.security if target.security in (
            "starttls", "ssl", "none") else "starttls"
        values = {"name": target.name, "url": target.url, "secret": target.secret, "host": target.host,
                  "port": str(target.port or ""), "user": target.user, "password": target.password,
                  "sender": target.sender, "to": ", ".join(target.to), "groups": "、".join(target.groups)}
        for name, value in values.items():
            self.query_one(f"#f-{name}", Input).value = value

    def _from_form(self) -> Target | None:
        port = self._value("port")
        if port and not port.isdigit():
            self._say(t("remind.screen.port_bad"), error=True)
            return None
        return Target(kind=str(self.query_one("#f-kind", Select).value), name=self._value("name"),
                      url=self._value("url"), secret=self._value("secret"), groups=_split(self._value("groups")),
                      host=self._value("host"), port=int(port or 0),
                      security=str(self.query_one("#f-security", Select).value), user=self._value("user"),
                      password=self.query_one("#f-password", Input).value, sender=self._value("sender"),
                      to=_split(self._value("to")))

    def _show_kind_fields(self) -> None:
        smtp = self.query_one("#f-kind", Select).value == "smtp"
        for name in WEBHOOK_FIELDS:
            self.query_one(f"#row-{name}").display = not smtp
        for name in SMTP_FIELDS:
            self.query_one(f"#row-{name}").display = smtp

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "f-kind":
            self._show_kind_fields()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._load(int(event.row_key.value))
            self._show_kind_fields()

    def _say(self, message: str, *, error: bool = False) -> None:
        self.query_one("#remind-message", Static).update(Text(message, style="red" if error else "green"))

    # -- actions -------------------------------------------------------------------------

    def _admin(self) -> bool:
        user = self.app.user
        if user is None or not user.is_admin:
            self._say(t("remind.cli.admin_only"), error=True)
            return False
        return True

    def action_new(self) -> None:
        self._load(None)
        self._show_kind_fields()
        self.query_one("#f-kind", Select).focus()

    def action_save(self) -> None:
        if not self._admin():
            return
        target = self._from_form()
        if target is None:
            return
        from models.records import Group

        names = {g.name for g in self.app.store.all(Group)}
        problems = target.problems() + [t("remind.setup.unknown_group", name=n) for n in target.groups
                                        if n not in names]
        if problems:
            self._say("；".join(problems), error=True)
            return
        targets = list(self.targets)
        if self.editing is None:
            targets.append(target)
        else:
            targets[self.editing] = target
        save_targets(self.app.store.path, targets)
        self.targets = targets
        index = self.editing if self.editing is not None else len(targets) - 1
        self._fill()
        self.editing = index
        self._say(t("remind.screen.saved"))

    def action_delete(self) -> None:
        if not self._admin() or self.editing is None:
            return
        gone = self.targets[self.editing]
        targets = [x for i, x in enumerate(self.targets) if i != self.editing]
        save_targets(self.app.store.path, targets)
        self.targets = targets
        self._fill()
        self._load(0 if targets else None)
        self._show_kind_fields()
        self._say(t("remind.screen.deleted", target=gone.label))

    def action_try(self) -> None:
        target = self._from_form()
        if target is not None:
            self._try(target)

    @work(thread=True, exclusive=True)
    def _try(self, target: Target) -> None:
        digest = build_digest(self.app.store, self.app.today, target.groups)
        if digest is None:
            self.app.call_from_thread(self._say, t("remind.cli.no_term"), error=True)
            return
        try:
            send(target, digest)
        except RemindError as error:
            self.app.call_from_thread(self._say, str(error), error=True)
            return
        self.app.call_from_thread(self._say, t("remind.screen.tried", target=target.label))

    def action_back(self) -> None:
        self.dismiss()

"""This week's reminders, for the school's group chats and mailboxes (``jiaoyan remind``).

What goes out: each group's activities this week with time, place and speaker; who is
behind the observation pace; activity minutes not written by the end of last week;
mentor meetings behind. Never an observation's comments or rating, never a pairing's
evaluation: the digest is built without reading them.

Where it goes: the targets in the settings file beside the data file
(``school.json.remind.json``): 企业微信 (WeCom), 钉钉 (DingTalk, HMAC-signed when a
secret is set) and 飞书 (Feishu/Lark, signed likewise) group-robot webhooks, in each
one's message format, or mail through SMTP. A target that was sent this week's digest is
recorded in ``school.json.remind-state.json``; one that failed is not, so the next run
(cron) tries it again.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from pathlib import Path

from models.dashboard import build_dashboard, name_sort_key
from models.dates import format_period, period_times, weekday_name
from models.errors import InputError
from models.home import minutes_keeper
from models.i18n import t
from models.mentoring import progress_of
from models.records import Activity, Group, MentorMeeting, Observation, Pairing, Teacher, Term
from models.terms import current_term, week_of

KINDS = ("wecom", "dingtalk", "feishu", "smtp")
WEBHOOK_KINDS = ("wecom", "dingtalk", "feishu")
# The most one message may carry, in UTF-8 bytes (WeCom's markdown allows 4096; DingTalk
# and Feishu about 20 000 for the whole request): a longer digest goes out in parts.
MESSAGE_BYTES = {"wecom": 4000, "dingtalk": 18000, "feishu": 18000, "smtp": 1_000_000}
TIMEOUT_SECONDS = 15
LINES_SHOWN = 12  # a longer list in a group chat is cut, with how many more there are


class RemindError(InputError):
    """A send that did not arrive, or settings that cannot be used; says why in a sentence
    (the command line prints it through its one handler, tui/cli.py)."""


# -- settings ------------------------------------------------------------------------------

@dataclass
class Target:
    """One place the reminders go."""

    kind: str = "wecom"
    name: str = ""
    url: str = ""  # webhook address (wecom, dingtalk, feishu)
    secret: str = ""  # signing secret (dingtalk "SEC…", feishu); empty = unsigned
    groups: list[str] = field(default_factory=list)  # group names; empty = the whole school
    # smtp
    host: str = ""
    port: int = 0
    security: str = "starttls"  # ssl, starttls or none
    user: str = ""
    password: str = ""
    sender: str = ""
    to: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Who this target is, for the record of what was sent (not its secret)."""
        where = self.url if self.kind in WEBHOOK_KINDS else f"{self.host}:{self.port}:{','.join(self.to)}"
        return hashlib.sha256(f"{self.kind}|{where}".encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.kind in WEBHOOK_KINDS:
            return f"{t('remind.kind.' + self.kind)} {urllib.parse.urlsplit(self.url).netloc}"
        return f"{t('remind.kind.smtp')} {', '.join(self.to)}"

    def problems(self) -> list[str]:
        found = []
        if self.kind not in KINDS:
            found.append(t("remind.bad_kind", kind=self.kind, kinds=" / ".join(KINDS)))
        elif self.kind in WEBHOOK_KINDS:
            parts = urllib.parse.urlsplit(self.url.strip())
            if parts.scheme not in ("http", "https") or not parts.netloc:
                found.append(t("remind.bad_url", url=self.url))
        else:
            if not self.host.strip():
                found.append(t("remind.smtp_host_missing"))
            if not [x for x in self.to if "@" in x]:
                found.append(t("remind.smtp_to_missing"))
            if self.security not in ("ssl", "starttls", "none"):
                found.append(t("remind.bad_security", value=self.security))
        return found

    @classmethod
    def from_dict(cls, data: dict) -> "Target":
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        target = cls(**values)
        target.port = int(target.port or 0)
        target.groups = [str(x) for x in target.groups or []]
        target.to = [str(x) for x in target.to or []]
        return target

    def to_dict(self) -> dict:
        data = asdict(self)
        if self.kind in WEBHOOK_KINDS:
            for name in ("host", "port", "security", "user", "password", "sender", "to"):
                data.pop(name)
        else:
            data.pop("url")
            data.pop("secret")
        return data


def settings_path(db: Path) -> Path:
    return db.with_name(db.name + ".remind.json")


def state_path(db: Path) -> Path:
    return db.with_name(db.name + ".remind-state.json")


def load_targets(db: Path) -> list[Target]:
    """The targets in the settings file (none when there is no file)."""
    path = settings_path(db)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as error:
        raise RemindError(t("remind.settings_unreadable", path=path, error=error.strerror or error)) from None
    try:
        data = json.loads(raw.decode("utf-8"))
        return [Target.from_dict(item) for item in data.get("targets", [])]
    except (ValueError, AttributeError, TypeError) as error:
        raise RemindError(t("remind.settings_bad", path=path, error=error)) from None


def save_targets(db: Path, targets: list[Target]) -> Path:
    """Write the settings file in one step (a temporary file moved over it)."""
    from models.store.storage import atomic_write

    path = settings_path(db)
    payload = json.dumps({"targets": [x.to_dict() for x in targets]}, ensure_ascii=False, indent=2) + "\n"
    atomic_write(path, payload.encode("utf-8"))
    return path


def load_state(db: Path) -> dict[str, str]:
    """Target key → the week (``2025-11-03``, its Monday) whose digest it was last sent."""
    try:
        data = json.loads(state_path(db).read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.get("sent", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def save_state(db: Path, sent: dict[str, str]) -> None:
    from models.store.storage import atomic_write

    payload = json.dumps({"sent": sent}, ensure_ascii=False, indent=2) + "\n"
    atomic_write(state_path(db), payload.encode("utf-8"))


# -- the digest ------------------------------------------------------------------------------

@dataclass
class Section:
    heading: str
    lines: list[str] = field(default_factory=list)
    subsections: list["Section"] = field(default_factory=list)

    def empty(self) -> bool:
        return not self.lines and all(s.empty() for s in self.subsections)


@dataclass
class Digest:
    title: str
    week_key: str  # the Monday of the week, ISO
    sections: list[Section] = field(default_factory=list)

    def empty(self) -> bool:
        return all(s.empty() for s in self.sections)


def _monday(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=today.weekday())


def _in_groups(group_names: list[str], groups: dict[int, Group]) -> set[int] | None:
    """The ids of the named groups and the groups under them; None = the whole school."""
    if not group_names:
        return None
    wanted = {g.id for g in groups.values() if g.name in group_names}
    changed = True
    while changed:
        more = {g.id for g in groups.values() if g.parent_id in wanted and g.id not in wanted}
        wanted |= more
        changed = bool(more)
    return wanted


def build_digest(store, today: dt.date, group_names: list[str] | None = None) -> Digest | None:
    """This week's digest (for the named groups only, when given); None without a current term."""
    term = current_term(store.all(Term), today)
    if term is None:
        return None
    policy = store.policy()
    monday = _monday(today)
    sunday = monday + dt.timedelta(days=6)
    groups = {g.id: g for g in store.all(Group)}
    teachers = {x.id: x for x in store.all(Teacher)}
    scope = _in_groups(group_names or [], groups)
    members: set[int] | None = None
    if scope is not None:
        members = {m for gid in scope for m in groups[gid].member_ids}

    def name(teacher_id: int) -> str:
        teacher = teachers.get(teacher_id)
        return teacher.name if teacher else "—"

    school = policy.school_name or store.meta().get("school_name", "")
    week = week_of(term, today)
    title = t("remind.title", school=school, term=term.name, week=week,
              first=f"{monday:%m-%d}", last=f"{sunday:%m-%d}")
    digest = Digest(title=title, week_key=monday.isoformat())
    activities = [a for a in store.all(Activity) if a.term_id == term.term_id]

    # each group's activities this week, with time, place and speaker
    this_week = Section(t("remind.section.activities"))
    by_group: dict[int, list[Activity]] = {}
    for a in activities:
        if monday.isoformat() <= a.date <= sunday.isoformat() and a.status in ("planned", "held", "cancelled"):
            if scope is not None and a.group_id not in scope and (a.group_id or not (members & set(a.attendee_ids))):
                continue
            by_group.setdefault(a.group_id, []).append(a)
    # research groups before prep groups, each by pinyin; school-wide events last
    order = {"office": 0, "research": 1, "prep": 2}
    for group_id in sorted(by_group, key=lambda gid: (gid not in groups, order.get(groups[gid].kind, 3) if gid in groups
                                                      else 9, name_sort_key(groups[gid].name) if gid in groups else ())):
        heading = groups[group_id].name if group_id in groups else t("remind.school_wide")
        section = Section(heading)
        for a in sorted(by_group[group_id], key=lambda a: (a.date, a.period, a.id)):
            day = dt.date.fromisoformat(a.date)
            when = f"{day:%m-%d} {weekday_name(day)} {format_period(a.period, policy)}"
            if 1 <= a.period <= len(policy.periods):
                when += f"（{period_times(a.period, policy)[0]:%H:%M}）"
            parts = [when]
            if a.place:
                parts.append(a.place)
            if a.speaker_id:
                parts.append(t("remind.speaker", name=name(a.speaker_id)))
            what = a.topic or a.event
            if what:
                parts.append(what)
            line = " · ".join(parts)
            if a.status == "cancelled":
                line += " " + t("remind.cancelled")
            section.lines.append(line)
        this_week.subsections.append(section)
    digest.sections.append(this_week)

    # who is behind the observation pace
    dashboard = build_dashboard(store, term, today)
    behind = Section(t("remind.section.behind"))
    for f in dashboard.attention.behind_pace:
        if members is not None and f.teacher.id not in members:
            continue
        behind.lines.append(t("remind.behind_line", name=f.teacher.name, done=f.given, expected=f.expected,
                              quota=f.quota))
    digest.sections.append(behind)

    # minutes not written by the end of last week
    minutes = Section(t("remind.section.minutes"))
    for a in sorted(activities, key=lambda a: (a.date, a.period, a.id)):
        if a.date >= monday.isoformat() or a.status not in ("planned", "held") or a.minutes.strip():
            continue
        if scope is not None and a.group_id not in scope:
            continue
        group = groups.get(a.group_id)
        keeper = minutes_keeper(a, groups)
        day = dt.date.fromisoformat(a.date)
        minutes.lines.append(t("remind.minutes_line", group=group.name if group else t("remind.school_wide"),
                               day=f"{day:%m-%d} {weekday_name(day)}", what=a.topic or a.event or a.kind,
                               keeper=name(keeper)))
    digest.sections.append(minutes)

    documents = Section(t("remind.section.documents"))
    overdue = documents_overdue(store, term, today, members)
    documents.lines.extend(overdue[:LINES_SHOWN])
    if len(overdue) > LINES_SHOWN:
        documents.lines.append(t("remind.more", count=len(overdue) - LINES_SHOWN))
    digest.sections.append(documents)

    # mentor meetings behind
    meetings = [m for m in store.all(MentorMeeting) if m.term_id == term.term_id]
    observations = [o for o in store.all(Observation) if o.term_id == term.term_id]
    mentoring = Section(t("remind.section.meetings"))
    for p in store.all(Pairing):
        if p.status != "active" or (members is not None and not {p.mentor_id, p.mentee_id} & members):
            continue
        progress = progress_of(p, term, meetings, observations, today, policy)
        if progress is not None and progress.shortfall:
            mentoring.lines.append(t("remind.meetings_line", mentor=name(p.mentor_id), mentee=name(p.mentee_id),
                                     held=progress.meetings_held, due=progress.meetings_due))
    digest.sections.append(mentoring)
    return digest


def documents_overdue(store, term: Term, today: dt.date, members: set[int] | None) -> list[str]:
    """Overdue documents (plans, summaries) from the documents model, once there is one."""
    try:
        from models.documents import due_line_text, due_lines
    except ImportError:
        return []
    return [due_line_text(due, today) for due in due_lines(store, term, today)
            if due.status(today) == "overdue" and (members is None or due.teacher_id in members)]


# -- formats ------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = "\\`*_[]()#>!|<~"


def escape_markdown(text: str) -> str:
    """Names and topics are data: a name like ``[x](http://…)`` must not become a link."""
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in text)


def render_text(digest: Digest) -> str:
    """Plain text: for mail, Feishu and ``--dry-run``."""
    out = [digest.title]
    for section in digest.sections:
        if section.empty():
            continue
        out.append("")
        out.append(f"【{section.heading}】")
        out.extend(f"- {line}" for line in section.lines)
        for sub in section.subsections:
            if sub.empty():
                continue
            out.append(f"{sub.heading}：")
            out.extend(f"  - {line}" for line in sub.lines)
    if digest.empty():
        out.append("")
        out.append(t("remind.nothing"))
    return "\n".join(out) + "\n"


def render_markdown(digest: Digest) -> str:
    """The markdown subset both WeCom and DingTalk robots show (headings, bold, lists)."""
    out = [f"### {escape_markdown(digest.title)}"]
    for section in digest.sections:
        if section.empty():
            continue
        out.append("")
        out.append(f"**{escape_markdown(section.heading)}**")
        out.extend(f"- {escape_markdown(line)}" for line in section.lines)
        for sub in section.subsections:
            if sub.empty():
                continue
            out.append(f"> {escape_markdown(sub.heading)}")
            out.extend(f"- {escape_markdown(line)}" for line in sub.lines)
    if digest.empty():
        out.append("")
        out.append(escape_markdown(t("remind.nothing")))
    return "\n".join(out) + "\n"


def split_message(text: str, limit: int) -> list[str]:
    """``text`` in parts of at most ``limit`` UTF-8 bytes, cut between lines."""
    parts, current, size = [], [], 0
    for line in text.splitlines(keepends=True):
        length = len(line.encode("utf-8"))
        while length > limit:  # one very long line: cut it by characters
            head = line.encode("utf-8")[:limit].decode("utf-8", "ignore")
            if current:
                parts.append("".join(current))
                current, size = [], 0
            parts.append(head)
            line = line[len(head):]
            length = len(line.encode("utf-8"))
        if size + length > limit and current:
            parts.append("".join(current))
            current, size = [], 0
        current.append(line)
        size += length
    if current:
        parts.append("".join(current))
    return parts


def dingtalk_signed_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """DingTalk's 加签: ``timestamp`` (ms) and ``sign`` = Base64(HmacSHA256(secret,
    "timestamp\\nsecret")), URL-encoded, added to the webhook's query."""
    if not secret:
        return url
    stamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{stamp}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{joiner}timestamp={stamp}&sign={sign}"


def feishu_sign(secret: str, now_s: int) -> str:
    """Feishu's 签名校验: Base64(HmacSHA256(key="timestamp\\nsecret", message=""))."""
    digest = hmac.new(f"{now_s}\n{secret}".encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def webhook_payloads(target: Target, digest: Digest, now: float | None = None) -> list[tuple[str, dict]]:
    """The (address, JSON body) of each message the robot receives for ``digest``."""
    now = time.time() if now is None else now
    limit = MESSAGE_BYTES[target.kind]
    if target.kind == "wecom":
        return [(target.url, {"msgtype": "markdown", "markdown": {"content": part}})
                for part in split_message(render_markdown(digest), limit)]
    if target.kind == "dingtalk":
        parts = split_message(render_markdown(digest), limit)
        url = dingtalk_signed_url(target.url, target.secret, int(now * 1000))
        # DingTalk's title is what the notification shows; a robot with keyword security
        # needs its keyword in the text, which the title line carries.
        return [(url, {"msgtype": "markdown", "markdown": {"title": digest.title, "text": part}}) for part in parts]
    if target.kind == "feishu":
        bodies = []
        for part in split_message(render_text(digest), limit):
            body: dict = {"msg_type": "text", "content": {"text": part}}
            if target.secret:
                stamp = int(now)
                body = {"timestamp": str(stamp), "sign": feishu_sign(target.secret, stamp), **body}
            bodies.append((target.url, body))
        return bodies
    raise RemindError(t("remind.bad_kind", kind=target.kind, kinds=" / ".join(WEBHOOK_KINDS)))


def _post_json(url: str, body: dict) -> dict:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        raise RemindError(t("remind.http_error", code=error.code, reason=error.reason)) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise RemindError(t("remind.unreachable", reason=reason)) from None
    try:
        return json.loads(raw.decode("utf-8") or "{}")
    except (ValueError, UnicodeDecodeError):
        raise RemindError(t("remind.bad_reply", reply=raw[:200].decode("utf-8", "replace"))) from None


def _check_reply(kind: str, reply: dict) -> None:
    """The robots answer 200 with an error code in the body when they refuse a message."""
    if kind in ("wecom", "dingtalk"):
        code, message = reply.get("errcode", 0), reply.get("errmsg", "")
    else:
        code = reply.get("code", reply.get("StatusCode", 0))
        message = reply.get("msg", reply.get("StatusMessage", ""))
    if code not in (0, "0", None):
        raise RemindError(t("remind.refused", code=code, message=message))


def send_webhook(target: Target, digest: Digest) -> int:
    """Post the digest to the robot; the number of messages it took. Raises RemindError."""
    payloads = webhook_payloads(target, digest)
    for url, body in payloads:
        _check_reply(target.kind, _post_json(url, body))
    return len(payloads)


def send_mail(target: Target, digest: Digest) -> int:
    message = EmailMessage()
    message["Subject"] = digest.title
    message["From"] = target.sender or target.user or f"jiaoyan@{target.host}"
    message["To"] = ", ".join(target.to)
    message.set_content(render_text(digest), charset="utf-8")
    port = target.port or {"ssl": 465, "starttls": 587, "none": 25}.get(target.security, 25)
    try:
        if target.security == "ssl":
            client = smtplib.SMTP_SSL(target.host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(target.host, port, timeout=TIMEOUT_SECONDS)
        with client:
            if target.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if target.user:
                client.login(target.user, target.password)
            client.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise RemindError(t("remind.smtp_auth", user=target.user)) from None
    except (smtplib.SMTPException, OSError) as error:
        raise RemindError(t("remind.smtp_failed", host=target.host, port=port, error=error)) from None
    return 1


def send(target: Target, digest: Digest) -> int:
    problems = target.problems()
    if problems:
        raise RemindError("；".join(problems))
    if target.kind == "smtp":
        return send_mail(target, digest)
    return send_webhook(target, digest)


# -- one run, as cron starts it -------------------------------------------------------------

@dataclass
class Outcome:
    target: Target
    sent: bool = False  # sent now
    skipped: bool = False  # already sent this week
    messages: int = 0
    error: str = ""


def run(store, db: Path, today: dt.date, *, dry_run: bool = False, force: bool = False,
        targets: list[Target] | None = None, record: bool = True) -> tuple[Digest | None, list[Outcome]]:
    """Send this week's digest to every target not sent it yet (all of them with ``force``).
    A failure is returned, not raised: the other targets are still tried, and the failed one
    stays unrecorded so that the next run tries it again."""
    targets = load_targets(db) if targets is None else targets
    digest = build_digest(store, today)
    outcomes: list[Outcome] = []
    if digest is None:
        return None, outcomes
    state = load_state(db) if record else {}
    changed = False
    for target in targets:
        outcome = Outcome(target)
        outcomes.append(outcome)
        if not force and state.get(target.key) == digest.week_key:
            outcome.skipped = True
            continue
        if dry_run:
            continue
        own = build_digest(store, today, target.groups) if target.groups else digest
        try:
            outcome.messages = send(target, own)
            outcome.sent = True
        except RemindError as error:
            outcome.error = str(error)
            continue
        if record:
            state[target.key] = digest.week_key
            changed = True
    if changed:
        save_state(db, state)
    return digest, outcomes

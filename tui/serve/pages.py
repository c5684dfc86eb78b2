"""The browser door's pages as HTML. Every value is escaped; no inline script or event
handler, so the Content-Security-Policy (server.py) allows scripts from the server only."""

from __future__ import annotations

from html import escape

from models.i18n import language, t
from models.passwords import MIN_LENGTH


def _page(title: str, body: str, *, app: bool = False) -> str:
    lang = "en" if language() == "en" else "zh-CN"
    head_app = ('<link rel="stylesheet" href="/static/css/xterm.css">'
                '<script src="/static/js/textual.js"></script>') if app else ""
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1, interactive-widget=resizes-visual">'
            f'<title>{escape(title)}</title><link rel="stylesheet" href="/assets/jiaoyan.css">{head_app}</head>'
            f'<body class="{"app" if app else "form"}">{body}</body></html>')


def _hidden(csrf: str) -> str:
    return f'<input type="hidden" name="csrf_token" value="{escape(csrf)}">'


def _message(message: str, kind: str = "error") -> str:
    return f'<p class="message {kind}" role="alert">{escape(message)}</p>' if message else ""


def login_page(school: str, csrf: str, *, message: str = "", note: str = "", login: str = "") -> str:
    title = f"{school} · {t('serve.page.title')}" if school else t("serve.page.title")
    body = (f'<main class="card"><h1>{escape(school or t("serve.page.title"))}</h1>'
            f'<h2>{escape(t("serve.page.title"))} · {escape(t("serve.page.signin"))}</h2>'
            f'{_message(note, "note")}{_message(message)}'
            '<form method="post" action="/login" autocomplete="on">'
            f'{_hidden(csrf)}'
            f'<label for="login">{escape(t("serve.page.login"))}</label>'
            f'<input id="login" name="login" autocomplete="username" autocapitalize="none" required value="{escape(login)}"'
            f'{"" if login else " autofocus"}>'
            f'<label for="password">{escape(t("serve.page.password"))}</label>'
            f'<input id="password" name="password" type="password" autocomplete="current-password" required'
            f'{" autofocus" if login else ""}>'
            f'<button type="submit" id="signin">{escape(t("serve.page.signin_button"))}</button></form>'
            f'<p class="hint">{escape(t("serve.page.signin_hint"))}</p></main>')
    return _page(title, body)


def password_page(school: str, csrf: str, *, must_change: bool, message: str = "") -> str:
    current = "" if must_change else (
        f'<label for="current">{escape(t("serve.page.current"))}</label>'
        '<input id="current" name="current" type="password" autocomplete="current-password" required>')
    note = _message(t("serve.page.must_change", length=MIN_LENGTH), "note") if must_change else ""
    back = "" if must_change else f'<p class="hint"><a href="/">{escape(t("serve.page.back"))}</a></p>'
    body = (f'<main class="card"><h1>{escape(school or t("serve.page.title"))}</h1>'
            f'<h2>{escape(t("serve.page.change_title"))}</h2>{note}{_message(message)}'
            '<form method="post" action="/password">'
            f'{_hidden(csrf)}{current}'
            f'<label for="new">{escape(t("serve.page.new"))}</label>'
            '<input id="new" name="password" type="password" autocomplete="new-password" required autofocus>'
            f'<label for="confirm">{escape(t("serve.page.confirm"))}</label>'
            '<input id="confirm" name="confirm" type="password" autocomplete="new-password" required>'
            f'<button type="submit" id="save">{escape(t("serve.page.save"))}</button></form>'
            f'{_signout_form(csrf)}{back}</main>')
    return _page(t("serve.page.change_title"), body)


def _signout_form(csrf: str) -> str:
    return (f'<form method="post" action="/logout" class="signout">{_hidden(csrf)}'
            f'<button type="submit">{escape(t("serve.page.signout"))}</button></form>')


def app_page(school: str, who: str, csrf: str) -> str:
    """The terminal (textual-serve's xterm.js, textual.js) under a one-line bar: the school,
    who is signed in, change password, sign out. /assets/jiaoyan.js sets the websocket's
    address and a font size at which 80×24 fits, before textual.js connects."""
    body = (f'<header id="bar"><span class="school">{escape(school)}</span>'
            f'<span class="who">{escape(who)}</span>'
            f'<a href="/password">{escape(t("serve.page.change_title"))}</a>{_signout_form(csrf)}</header>'
            '<div id="terminal" class="textual-terminal" data-session-websocket-url="" data-font-size="16"></div>'
            f'<div id="ended" class="ended"><p>{escape(t("serve.page.ended"))}</p>'
            f'<a href="/" class="button">{escape(t("serve.page.reopen"))}</a>{_signout_form(csrf)}</div>'
            f'<noscript>{escape(t("serve.page.no_script"))}</noscript>'
            '<script src="/assets/jiaoyan.js"></script>')
    return _page(f"{school} · {t('serve.page.title')}" if school else t("serve.page.title"), body, app=True)


def message_page(text: str, *, link: str = "/", label: str = "") -> str:
    body = (f'<main class="card">{_message(text)}'
            f'<p><a href="{escape(link)}">{escape(label or t("serve.page.back"))}</a></p></main>')
    return _page(t("serve.page.title"), body)

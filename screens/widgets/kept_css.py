"""CSS parsed once per session, not again on every area's first visit.

When a screen brings CSS of its own (``CSS_PATH``, ``CSS``) or a widget class is first
mounted, Textual re-parses every CSS source of the app in a fresh Stylesheet, whose parse
cache starts empty: each area's first visit parsed the whole app's CSS again, 40–95 ms
on the bench (bench/screens_speed.py). Here the fresh stylesheet shares one store of
parsed sources, keyed by the source's text, where it was read from, its scope and the CSS
variables (a new theme parses afresh).

Private Textual API (a Stylesheet's ``_parse_rules``, ``_variables``, ``_invalid_css``,
``_rules``, ``_rules_map``, ``_require_parse``, and ``App.stylesheet`` replaced before
any CSS is read): tests/unit/test_textual_private.py pins it.
"""

from __future__ import annotations

from textual.app import App
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet


class KeptParsesStylesheet(Stylesheet):
    """A Stylesheet whose re-parses reuse the rules of sources already parsed."""

    def __init__(self, *, variables: dict[str, str] | None = None,
                 kept: dict[tuple, list[RuleSet]] | None = None) -> None:
        super().__init__(variables=variables)
        self._kept: dict[tuple, list[RuleSet]] = {} if kept is None else kept

    def _parse_rules(self, css: str, read_from, is_default_rules: bool = False, tie_breaker: int = 0,
                     scope: str = "") -> list[RuleSet]:
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(self._variables.items()))
        rules = self._kept.get(key)
        if rules is None:
            rules = self._kept[key] = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        return rules

    def copy(self) -> KeptParsesStylesheet:
        stylesheet = KeptParsesStylesheet(variables=self._variables.copy(), kept=self._kept)
        stylesheet.source = self.source.copy()
        return stylesheet

    def reparse(self) -> None:
        # Textual's own reparse, with the fresh stylesheet sharing what was parsed.
        stylesheet = KeptParsesStylesheet(variables=self._variables, kept=self._kept)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            stylesheet.add_source(css, read_from=read_from, is_default_css=is_defaults, tie_breaker=tie_breaker,
                                  scope=scope)
        try:
            stylesheet.parse()
        except Exception:
            self._invalid_css.update(stylesheet._invalid_css)
            raise
        else:
            self._rules = stylesheet.rules
            self._rules_map = None
            self.source = stylesheet.source
            self._require_parse = False


def install(app: App) -> None:
    """Give ``app`` the kept-parses stylesheet; call from its ``__init__``, before any CSS is read."""
    if not isinstance(app.stylesheet, KeptParsesStylesheet):
        assert not app.stylesheet.source, "install before the app reads its CSS"
        app.stylesheet = KeptParsesStylesheet(variables=app.stylesheet._variables)

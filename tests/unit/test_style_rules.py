"""Where a screen's styles live: in its area's .tcss file, named after the package and read
through CSS_PATH; DEFAULT_CSS only in self-contained widgets (and the Dialog base, below).

Textual scopes a screen's DEFAULT_CSS to the screen, but reads a CSS_PATH file into the
app's one stylesheet for the rest of the session: its rules name their screen
(``ProjectForm #title``). CSS_PATH is resolved against the file of the screen's own class,
and a subclass's CSS_PATH replaces its base's instead of adding to it, so a screen whose
base has a CSS file must name that file too."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen

import screens
from screens.dialogs.base import Dialog

# The one screen allowed DEFAULT_CSS: a base class whose CSS every dialog in every area
# inherits (DEFAULT_CSS is gathered over the bases; CSS_PATH is not). screens/dialogs/base.py.
BASES_WITH_DEFAULT_CSS = {Dialog}


def _screen_classes() -> list[type[Screen]]:
    found: dict[type, None] = {}
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, Screen) and value.__module__ == module.__name__:
                found[value] = None
    return list(found)


def css_files(cls: type[Screen]) -> list[Path]:
    """The files Textual reads for ``cls``: CSS_PATH (its own or inherited), relative to
    the module that defines ``cls`` (textual/_path.py, _make_path_object_relative)."""
    paths = cls.CSS_PATH
    if paths is None:
        return []
    if isinstance(paths, (str, Path)):
        paths = [paths]
    here = Path(inspect.getfile(cls)).parent
    return [(here / path).resolve() for path in paths]


def style_faults(classes: list[type[Screen]]) -> list[str]:
    faults = []
    for cls in classes:
        name = f"{cls.__module__}.{cls.__name__}"
        if "DEFAULT_CSS" in cls.__dict__ and cls not in BASES_WITH_DEFAULT_CSS:
            faults.append(f"{name} has DEFAULT_CSS; its rules belong in its area's .tcss (CSS_PATH)")
        files = css_files(cls)
        for path in files:
            if not path.is_file():
                faults.append(f"{name}: CSS_PATH file {path} does not exist")
            elif path.name != f"{path.parent.name}.tcss":
                faults.append(f"{name}: {path.name} is not named after its package ({path.parent.name}.tcss)")
        for base in cls.__mro__[1:]:
            if issubclass(base, Screen) and not base.__module__.startswith("textual."):
                missing = [path for path in css_files(base) if path not in files]
                if missing:
                    faults.append(f"{name} does not read its base {base.__name__}'s {missing[0].name}")
    return faults


def test_every_screen_takes_its_styles_from_its_area_file():
    classes = _screen_classes()
    assert len(classes) > 40
    assert style_faults(classes) == []


def test_every_area_css_file_parses():
    files = sorted(Path(screens.__file__).parent.glob("*/*.tcss"))
    assert len(files) >= 10
    variables = App().get_css_variables()  # the theme's $primary, $boost …
    for path in files:
        stylesheet = Stylesheet(variables=variables)
        stylesheet.read(path)
        stylesheet.parse()
        assert stylesheet.rules, path


def test_the_rules_can_fail(tmp_path):
    class InlineStyled(Screen):
        DEFAULT_CSS = "InlineStyled #x { height: 1; }"

    class MissingFile(Screen):
        CSS_PATH = "nowhere.tcss"

    class Base(Screen):
        CSS_PATH = str(Path(screens.__file__).parent / "calendar" / "calendar.tcss")

    class ForgetsBase(Base):
        CSS_PATH = str(Path(screens.__file__).parent / "documents" / "documents.tcss")

    class WrongName(Screen):
        CSS_PATH = str(tmp_path / "styles.tcss")

    (tmp_path / "styles.tcss").write_text("WrongName { height: 1; }")
    faults = style_faults([InlineStyled, MissingFile, Base, ForgetsBase, WrongName])
    assert any("InlineStyled has DEFAULT_CSS" in fault for fault in faults)
    assert any("MissingFile: CSS_PATH file" in fault and "nowhere.tcss" in fault for fault in faults)
    assert any("ForgetsBase does not read its base Base's calendar.tcss" in fault for fault in faults)
    assert any("WrongName: styles.tcss is not named after its package" in fault for fault in faults)
    assert not any(".Base " in fault or ".Base:" in fault for fault in faults)
    assert len(faults) == 4

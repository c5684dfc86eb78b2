"""Finding people by pinyin: ``zs``, ``zhangsan`` and ``张`` all find 张三.

pypinyin reads most names right; for the common polyphonic surnames
(单 shan, 曾 zeng, 解 xie, 区 ou, 仇 qiu, 朴 piao, 查 zha …) the first
character is read as a surname, which pypinyin alone gets wrong.
"""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from functools import lru_cache
from pathlib import Path

SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "区": "ou", "仇": "qiu", "朴": "piao",
    "查": "zha", "盖": "ge", "覃": "qin", "尉": "yu", "乐": "yue", "缪": "miao",
    "翟": "zhai", "任": "ren", "员": "yun", "黑": "he", "句": "gou", "召": "shao",
    "长孙": "zhangsun", "尉迟": "yuchi", "万俟": "moqi", "单于": "chanyu",
}


@lru_cache(maxsize=1)
def _reading_table() -> dict[str, str]:
    """pypinyin's single-character table (每字的读音: code point in decimal → readings),
    read from its data file without importing pypinyin: importing it loads its phrase
    dictionary too, 56 MB per process, and names are read character by character anyway."""
    spec = importlib.util.find_spec("pypinyin")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return json.loads((folder / "pinyin_dict.json").read_text(encoding="utf-8"))


def forget_table() -> None:
    """Let go of the character table (about 6.6 MB once parsed, a fifteenth of a session on
    the large school). The readings already looked up stay (``_char_readings`` keeps them: every
    name the session has shown); a character not seen yet reads the table again (about
    13 ms). The app calls this when the person pauses (tui/app.py ``tidy_objects``)."""
    _reading_table.cache_clear()


_TONELESS = str.maketrans({"ü": "v", "ǖ": "v", "ǘ": "v", "ǚ": "v", "ǜ": "v"})


def _plain(reading: str) -> str:
    """``lǜ`` → ``lv``, ``zhāng`` → ``zhang``: pypinyin's NORMAL style."""
    decomposed = unicodedata.normalize("NFD", reading.translate(_TONELESS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _char_syllables(text: str) -> list[str]:
    """Each Chinese character's first reading; a run of anything else stays one piece (as
    pypinyin's ``lazy_pinyin(errors="default")`` gives it)."""
    return [readings[0] for readings in _readings(text)]


@lru_cache(maxsize=4096)
def name_syllables(name: str) -> tuple[str, ...]:
    """The name's syllables, lower case, surname read as a surname."""
    for surname in sorted((s for s in SURNAME_READINGS if len(s) > 1), key=len, reverse=True):
        if name.startswith(surname):
            rest = name[len(surname):]
            return (SURNAME_READINGS[surname],) + tuple(s.lower() for s in _char_syllables(rest))
    syllables = [s.lower() for s in _char_syllables(name)]
    if name and name[0] in SURNAME_READINGS and syllables:
        syllables[0] = SURNAME_READINGS[name[0]]
    return tuple(syllables)


@lru_cache(maxsize=None)
def _char_readings(ch: str) -> tuple[str, ...] | None:
    """Every reading of the character, toneless, the first first (重: zhong, chong); None for
    what is not Chinese. Looked up one character at a time: turning the whole 41,000-character
    table into readings took a tenth of a second of the first frame."""
    readings = _reading_table().get(str(ord(ch)))
    if readings is None:
        return None
    return tuple(dict.fromkeys(_plain(reading) for reading in readings.split(",")))


def _readings(text: str) -> list[tuple[str, ...]]:
    """Each Chinese character's readings; a run of anything else one piece, as it is."""
    out: list[tuple[str, ...]] = []
    other = ""
    for ch in text:
        readings = _char_readings(ch)
        if readings is None:
            other += ch
            continue
        if other:
            out.append((other,))
            other = ""
        out.append(readings)
    if other:
        out.append((other,))
    return out


@lru_cache(maxsize=1024)
def phrase_readings(text: str) -> tuple[tuple[str, ...], ...]:
    """A phrase (a command's title) as its characters' readings, each with every reading it
    has (重新: (zhong, chong), (xin)), so that chongxin finds 重新 without pypinyin's phrase
    dictionary (56 MB in each session that opened the palette); a run of anything else is one
    piece, as it is."""
    return tuple(_readings(text))


def full_pinyin(name: str) -> str:
    return "".join(name_syllables(name))


def initials(name: str) -> str:
    return "".join(s[0] for s in name_syllables(name) if s)


def match_score(query: str, *texts: str) -> int:
    """How well ``query`` finds a person (0 = not at all). The first text is the name;
    the others (subjects, grades, roles …) match by plain substring."""
    q = query.strip().lower().replace(" ", "")
    if not q:
        return 1
    name = texts[0] if texts else ""
    if name == q:
        return 100
    if name.lower().startswith(q):
        return 90
    if q in name.lower():
        return 80
    if q.isascii():
        if initials(name) == q:
            return 75
        if initials(name).startswith(q):
            return 70
        if full_pinyin(name).startswith(q):
            return 65
        if _syllable_prefix_match(q, name_syllables(name)):
            return 60
        if q in full_pinyin(name):
            return 40
    for other in texts[1:]:
        if other and q in other.lower():
            return 30
    return 0


def _syllable_prefix_match(query: str, syllables: tuple[str, ...]) -> bool:
    """``zhangs`` or ``zhsan``: each piece a prefix of the next syllable."""
    def walk(q: str, index: int) -> bool:
        if not q:
            return True
        if index >= len(syllables):
            return False
        syllable = syllables[index]
        for size in range(min(len(q), len(syllable)), 0, -1):
            if syllable.startswith(q[:size]) and walk(q[size:], index + 1):
                return True
        return False
    return walk(query, 0)

"""Text from a link, a file or a user on a page: shown as typed, never as markdown.

Streamlit renders the body of st.info/warning/error/success/toast, captions and labels as
markdown (CommonMark + GFM), plus its own `:color[...]` directives, `:material/icon:` icons,
emoji shortcodes, LaTeX between `$` and bare URLs, which GFM turns into links. A share link's
unknown key such as ``[Log in](https://evil.example)`` would then read as the app's own link.
`escape_markdown` makes any text inert; `note` is the one way pages show a message, and `flash`
keeps one for the next run of a page (a callback's or a link's message) until `flashed` shows it.
"""

from __future__ import annotations

import re
import string
import unicodedata

import streamlit as st

MAX_NOTE_CHARS = 600        # a note longer than this is cut: a link can carry kilobytes of text
WORD_JOINER = "\u2060"      # invisible; breaks the patterns markdown matches after parsing
# CommonMark lets a backslash escape every ASCII punctuation character: this stops every
# construct the parser sees (emphasis, links, images, code, HTML, tables, headings, lists,
# `$` maths, `:` directives and the <...> autolinks).
_PUNCTUATION = frozenset(string.punctuation)
# GFM's bare-URL and e-mail autolinks, emoji shortcodes and Streamlit's `:material/` icons are
# found in the parsed text, after the escapes are gone. A word joiner where one of them would
# start ("https:|//", "www|.", "a@|b.c", ":|name:") keeps them from matching, and only there, so
# "fruit.csv" or "Received: x" stay findable with the browser's search.
_WORDISH = re.compile(r"[\w+\-/]")
KINDS = ("info", "success", "warning", "error", "toast")
FLASH_KEY = "flashed_messages"   # session_state: [(place, kind, text, icon)] waiting to be shown


def _visible(text: str) -> str:
    """`text` on one line: whitespace runs become one space; control and format characters
    (zero-width characters, bidirectional overrides) are dropped."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch.isspace())
    return " ".join(kept.split())


def escape_markdown(text) -> str:
    """`text` (any object, shown by `str`) as markdown that Streamlit renders as exactly that text.

    Newlines and runs of whitespace become single spaces and invisible control characters are
    dropped, so the text reads as one line; nothing in it becomes a link, image, icon, colour,
    formula, heading, list, table or HTML.
    """
    text = _visible(str(text))
    out = []
    for index, ch in enumerate(text):
        following = text[index + 1:index + 2]
        if ch == "." and text[max(0, index - 3):index].lower() == "www":
            out.append(WORD_JOINER)
        out.append("\\" + ch if ch in _PUNCTUATION else ch)
        if ch in ":@" and _WORDISH.match(following):
            out.append(WORD_JOINER)
    return "".join(out)


def shorten(text, limit: int = MAX_NOTE_CHARS) -> str:
    """`str(text)` cut to `limit` characters (ending in an ellipsis when cut)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}. Received: kind={kind!r}")


def note(kind: str, text, *, icon: str | None = None, where=None) -> None:
    """Flash `text` as a `kind` message (one of KINDS), escaped and cut to MAX_NOTE_CHARS.

    `where` is the container to write into (a column, say); the page by default. `icon` is the
    app's own (an emoji or ``:material/name:``).
    """
    _check_kind(kind)
    body = escape_markdown(shorten(text))
    if kind == "toast":
        st.toast(body, icon=icon)
    else:
        getattr(where if where is not None else st, kind)(body, icon=icon)


def flash(place: str, kind: str, text, *, icon: str | None = None) -> None:
    """Keep `text` as a `kind` message (see `note`) until `flashed(place)` shows it once: what a
    callback or a link did, shown by the page (or panel) named `place` on its next run."""
    _check_kind(kind)
    st.session_state.setdefault(FLASH_KEY, []).append((place, kind, str(text), icon))


def flashed(place: str, where=None) -> None:
    """Show (by `note`, into `where`) and forget the messages flashed for `place`."""
    waiting = st.session_state.get(FLASH_KEY)
    if not waiting:
        return
    st.session_state[FLASH_KEY] = [message for message in waiting if message[0] != place]
    for _, kind, text, icon in (message for message in waiting if message[0] == place):
        note(kind, text, icon=icon, where=where)

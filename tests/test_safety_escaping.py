"""Text from a link, a file or a user reaches the page escaped: no link, image, icon, colour,
formula or HTML of its own, and it reads back as the text it was (the browser side is in
tests/test_browser_safety.py)."""

from __future__ import annotations

import io
import re
import string
import unicodedata

import numpy as np
from apptest_helpers import open_playground, run, shown
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.ui.text import MAX_NOTE_CHARS, WORD_JOINER, escape_markdown

SESSION_KEY = "playground_session"
EXPIRED = ("**Your session expired.** [Click here to sign in again](https://evil.example/login) "
           "![t](https://evil.example/pixel.png)")
LOGIN = "[Log in](https://evil.example)"
# The patterns Streamlit 1.67's markdown finds in parsed text, where backslash escapes no longer
# count (from its frontend bundle): GFM's bare-URL and e-mail autolinks, emoji shortcodes and the
# material-icon prefix it rewrites before parsing.
AFTER_PARSING = [re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I),
                 re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)"),
                 re.compile(r":[\w+-][\w_+-]*:"),
                 re.compile(r":material/")]
PIECES = ["https://evil.example/x", "http://a.b", "www.evil.example", "mail@evil.example", ":material/lock:",
          ":red[alert]", ":smile:", "$x^2$", "$$y$$", "<img src=x onerror=alert(1)>", "[a](b)", "![i](u)",
          "**b**", "_i_", "`c`", "# h", "- item", "1. one", "> quote", "| a | b |", "---", "\\", "&amp;", "\n\n",
          "\u202e", "\u200b", "~~s~~", "[^1]", "<https://evil.example>", "a\tb"]


def parsed(markdown: str) -> str:
    """What the parser leaves of escaped text: each backslash escape replaced by its character
    (the word joiners stay: the patterns below run on this)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def visible(text: str) -> str:
    """`text` without control and format characters, its whitespace runs as single spaces."""
    return " ".join("".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf"))
                    .split())


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.sampled_from(PIECES) | st.text(max_size=12), max_size=8))
def test_escaped_text_reads_back_as_the_text_and_nothing_in_it_is_markup(parts):
    text = "".join(parts)
    escaped = escape_markdown(text)
    # every ASCII punctuation character is escaped: no construct of the parser can start
    assert not re.search(r"(?<!\\)(?:\\\\)*[" + re.escape(string.punctuation.replace("\\", "")) + "]",
                         escaped.replace(WORD_JOINER, "")), escaped
    after = parsed(escaped)
    for pattern in AFTER_PARSING:
        assert not pattern.search(after), (pattern.pattern, escaped)
    assert "\n" not in escaped and "\u202e" not in escaped
    assert after.replace(WORD_JOINER, "") == visible(text)


def warnings_of(at) -> list[str]:
    return [w.value for w in at.warning]


def assert_inert(body: str) -> None:
    """`body` (an element's markdown) holds no link, image, icon, colour, formula or HTML."""
    assert "](" not in body and "![" not in body and "<" not in body.replace("\\<", "")
    for pattern in AFTER_PARSING:
        assert not pattern.search(parsed(body)), (pattern.pattern, body)


def test_a_lesson_link_with_markdown_in_a_key_shows_it_as_plain_text():
    at = open_playground({"lesson": "overfitting", EXPIRED: "1"})
    notes = [w for w in warnings_of(at) if "ignored" in w]
    assert len(notes) == 1, warnings_of(at)
    assert_inert(notes[0])
    assert "Your session expired" in shown(notes[0])


def test_an_unknown_key_with_a_link_in_it_shows_as_plain_text():
    at = open_playground({LOGIN: "x"})
    notes = [w for w in warnings_of(at) if "Unknown URL parameter" in w]
    assert len(notes) == 1, warnings_of(at)
    assert_inert(notes[0])
    assert "[Log in](https://evil.example)" in shown(notes[0])


def test_link_values_with_icons_colours_and_formulas_are_shown_as_typed():
    at = open_playground({"data": ":material/lock: :red[danger] $x^2$ <b>hi</b> www.evil.example",
                          "hide": "x@evil.example"})
    notes = warnings_of(at)
    assert len(notes) == 2, notes
    for note in notes:
        assert_inert(note)
        assert ":material/" not in note and ":red[" not in note and not re.search(r"(?<!\\)\$", note)


def test_a_very_long_link_key_gives_a_short_note():
    at = open_playground({"x" * 5000: "1"})
    (note,) = warnings_of(at)
    assert len(shown(note)) <= MAX_NOTE_CHARS + 60


def upload(at, key: str, name: str, content: bytes, mime: str = "text/csv"):
    at.file_uploader(key=key).set_value((name, content, mime))
    return run(at)


def hostile_csv() -> bytes:
    rows = [f"{x:.2f},{y:.2f},{'[a](https://evil.example/a)' if x > 0 else '![b](https://evil.example/b.png)'}"
            for x, y in np.random.default_rng(0).normal(0, 3, (60, 2))]
    header = '"**len** [c](https://evil.example/c)",":red[w]",$label$'
    return (header + "\n" + "\n".join(rows) + "\n").encode()


def test_file_name_column_names_and_class_names_of_an_upload_are_shown_escaped():
    at = open_playground({"samples": "100", "grid": "50"})
    upload(at, "own_csv", "[x](https://evil.example).csv", hostile_csv())
    assert at.session_state[SESSION_KEY].config.data.dataset == "custom"
    bodies = [s.value for s in at.success] + [m.value for m in at.markdown if "Own data" in m.value]
    bodies += [c.value for c in at.caption if "Scaled into the plot" in c.value]
    assert len(bodies) == 3, bodies
    for body in bodies:
        assert_inert(body)
    text = " ".join(shown(b) for b in bodies)
    assert "[x](https://evil.example).csv" in text and "![b](https://evil.example/b.png)" in text
    assert "**len** [c](https://evil.example/c)" in text


def test_a_bad_upload_named_like_a_link_gets_an_escaped_error():
    at = open_playground({"samples": "100", "grid": "50"})
    upload(at, "own_csv", "![p](https://evil.example/p.png).csv", b"only,a,header\n")
    (error,) = [e.value for e in at.error]
    assert_inert(error)


def test_a_weights_file_whose_members_are_named_like_links_gets_an_escaped_error():
    at = open_playground({"samples": "100", "grid": "50"}, steps=1)
    buffer = io.BytesIO()
    np.savez(buffer, **{"[a](https://evil.example)": np.zeros(3)})
    upload(at, "up_weights", "w.npz", buffer.getvalue(), "application/octet-stream")
    (error,) = [e.value for e in at.error]
    assert "does not fit this network" in shown(error)
    assert_inert(error)


def test_a_config_file_with_markup_in_a_value_gets_an_escaped_error():
    at = open_playground({"samples": "100", "grid": "50"}, steps=1)
    content = b'{"data": {"dataset": "[a](https://evil.example) :material/lock:"}}'
    upload(at, "up_config", "c.json", content, "application/json")
    (error,) = [e.value for e in at.error]
    assert_inert(error)

"""Lessons as links, and classroom presentation (TensorFlow Playground's URL flags).

A link ``?lesson=<key>`` opens a lesson: `read_url` turns the query string of a new session into
its config (the lesson's, or the settings the link spells out) and its presentation flags,
``big=1`` for large fonts and ``hide=sidebar,health_strip,...`` for hiding parts of the pages.
The flags live in the session, so they survive page switches and are written back to the
address bar by `state.sync_url`; `apply_presentation` turns them into CSS on a page.

Hidden parts are found by their key classes (`.st-key-<key>`): the live charts' keys, the
panels the pages wrap in keyed containers (`panel_<name>`), and the sidebar's widget keys
(`cfg_<field>`).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from playground.config import Config, show_value
from playground.figures.presentation import scale_text
from playground.presets import CONTROLS, LESSONS, PANELS, Lesson, PresentationFlags, lesson_from_query, lesson_query

URL_KEYS = ("lesson", "big", "hide")   # URL parameters that are not config settings
FLAGS_KEY = "presentation_flags"
PENDING_KEY = "lesson_page_pending"     # the page a lesson link asked for, followed once
COMPARE_KEY = "compare_configs"         # (configs, labels) handed to the Compare page
PAGE_FILES = {"playground": "app_pages/playground.py", "compare": "app_pages/compare.py",
              "diagnostics": "app_pages/diagnostics.py", "overfitting": "app_pages/overfitting.py"}
PAGE_TITLES = {"playground": "Playground", "compare": "Compare", "diagnostics": "Diagnostics",
               "overfitting": "Overfitting"}
# Where a lesson's link points, relative to the app's root. A comparison lesson's link opens on
# the Playground, which hands the runs to the Compare page and switches there.
PAGE_PATHS = {"playground": "", "compare": "", "diagnostics": "diagnostics", "overfitting": "overfitting"}

LARGE_FONT_PX = 22   # the root font size in presentation mode (Streamlit's default is 16 px)
# While presenting: the page starts near the top (the header is transparent and lets clicks through
# to the page), the page title gives way to the lesson's own, metric values stay whole, and the way
# out sits in the middle of the header's row, where it takes no room from the lesson.
_PRESENTING_CSS = """
[data-testid="stMainBlockContainer"] { padding-top: 3rem; padding-bottom: 2rem; }
[data-testid="stHeader"] { background: transparent; pointer-events: none; }
[data-testid="stHeader"] * { pointer-events: auto; }
[data-testid="stMain"]:has(.st-key-panel_lesson_text) h1 { display: none; }
[data-testid="stMetricValue"] { font-size: 1.6rem; }
.st-key-presentation_leave { position: fixed; top: 0.45rem; left: 50%; transform: translateX(-50%);
  z-index: 1000001; width: auto; }
.st-key-presentation_leave button { background: rgba(255, 255, 255, 0.92); }
"""
_SIDEBAR_EXPANDERS = {"data_controls": "cfg_dataset", "network_controls": "cfg_initializer",
                      "training_controls": "cfg_optimizer", "view_controls": "cfg_grid"}
_CONTROL_KEYS = {  # hide= control name -> widget keys (the sidebar's keys are cfg_<name> unless listed)
    "train_share": ("cfg_train_percent",),
    "regularization": ("cfg_regularization", "cfg_reg_rate"), "momentum": ("cfg_momentum", "cfg_nesterov"),
    "schedule": ("cfg_schedule", "cfg_decay_steps", "cfg_decay_rate"), "clipnorm": ("cfg_clip", "cfg_clipnorm"),
    "early_stopping": ("cfg_early_stopping", "cfg_patience"), "play": ("play", "pause"), "step": ("step",),
    "reset": ("reset",), "regenerate": ("regenerate",), "new_weights": ("new_weights",),
}
_FINDINGS_LIVE = ('[data-testid="stColumn"]:has(.st-key-network) '
                  '[data-testid="stElementContainer"]:has([data-testid="stCaptionContainer"])')
_PANEL_SELECTORS = {
    "decision_boundary": (".st-key-boundary",),
    "network": (".st-key-network", '[class*="st-key-panel_compare_neurons_"]'),
    "neurons": (".st-key-network", '[class*="st-key-panel_compare_neurons_"]'),  # tiles in the network picture
    "loss_curves": (".st-key-loss", ".st-key-compare_loss"),
    "health_strip": (".st-key-health", '[class*="st-key-panel_compare_health_strip_"]'),
    "gradient_norms": ('[class*="st-key-panel_compare_gradient_norms_"]',),
    "findings": (_FINDINGS_LIVE,),
    "sidebar": ('[data-testid="stSidebar"]', '[data-testid="stSidebarCollapsedControl"]',
                '[data-testid="stExpandSidebarButton"]'),
    "features": ('[data-testid="stHorizontalBlock"]:has(.st-key-cfg_feature_x1)',),
    "layers": (".st-key-add_layer", ".st-key-remove_layer", '[class*="st-key-cfg_layer"]'),
}


# ---------------------------------------------------------------------------------------------
# Reading a link


def read_url(params: Mapping) -> tuple[Config, list[str], Lesson | None, PresentationFlags]:
    """The config, notes, lesson and presentation flags of a new session's URL parameters.

    A known ``lesson=`` wins over any settings in the same link (they are ignored with a note);
    without one, the settings are read leniently as usual. Never raises.
    """
    flags, notes = PresentationFlags.from_query(params)
    settings = {key: value for key, value in params.items() if key not in URL_KEYS}
    lesson = lesson_from_query(params)
    if lesson is not None:
        if settings:
            notes.append(f"The lesson '{lesson.key}' brings its own settings, so the link's "
                         f"{', '.join(map(show_value, settings))} were ignored.")
        return lesson.config, notes, lesson, flags
    if "lesson" in params:
        notes.append(f"There is no lesson {str(params['lesson'])[:40]!r}; known: {', '.join(LESSONS)}. Ignored.")
    config, config_notes = Config.from_query_lenient(settings)
    return config, notes + config_notes, None, flags


def begin(lesson: Lesson | None, flags: PresentationFlags) -> None:
    """Set up a new session opened by a link: its flags, and the lesson it names (if any), whose
    page is opened once by `follow_lesson` (a comparison's runs are handed to Compare)."""
    set_flags(flags)
    if lesson is not None:
        if lesson.is_comparison:
            hand_off(lesson)
        st.session_state[PENDING_KEY] = lesson.page


def hand_off(lesson: Lesson) -> None:
    """Put a comparison lesson's runs where the Compare page reads them: (configs, labels, lesson key)."""
    st.session_state[COMPARE_KEY] = (lesson.runs, lesson.labels, lesson.key)


def switch_to(page: str) -> str:
    """Switch to one of PAGE_FILES, keeping the presentation flags in the address (this never
    returns then), or return why not."""
    try:
        st.switch_page(PAGE_FILES[page], query_params=current_flags().to_query() or None)
    except StreamlitPageNotFoundError:
        return f"The {PAGE_TITLES[page]} page is not part of this app yet."
    return ""  # pragma: no cover - switch_page does not return


def follow_lesson(here: str) -> None:
    """Open the page a lesson link asked for, once, unless it is `here`."""
    page = st.session_state.pop(PENDING_KEY, None)
    if page is None or page == here:
        return
    problem = switch_to(page)
    if page == "compare":
        problem += " The Playground shows the comparison's first run instead."
    st.warning(problem)


# ---------------------------------------------------------------------------------------------
# Writing links


def app_root(url: str | None, page_path: str = "") -> str:
    """The app's root address from the current page's `url` (its `page_path` and query removed)."""
    base = (url or "").split("?")[0].rstrip("/")
    if page_path and base.endswith("/" + page_path):
        base = base[: -len(page_path) - 1]
    return base


def lesson_link(root: str, lesson: Lesson, flags: PresentationFlags | None = None) -> str:
    """The shareable link that opens `lesson` with presentation `flags`."""
    path = PAGE_PATHS[lesson.page]
    return f"{root}/{path}?{urlencode(lesson_query(lesson, flags), safe=',')}"


# ---------------------------------------------------------------------------------------------
# Presentation


def current_flags() -> PresentationFlags:
    return st.session_state.get(FLAGS_KEY, PresentationFlags())


def set_flags(flags: PresentationFlags) -> None:
    st.session_state[FLAGS_KEY] = flags


def selectors(name: str) -> tuple[str, ...]:
    """CSS selectors of what ``hide=<name>`` hides (a name of HIDEABLE; others hide nothing).

    A panel is the pages' keyed container `panel_<name>` plus, on the Playground, its live chart;
    a sidebar section is its expander; a control is its widgets.
    """
    found = list(_PANEL_SELECTORS.get(name, ()))
    if name in PANELS:
        found.append(f".st-key-panel_{name}")
    if name in _SIDEBAR_EXPANDERS:
        found.append(f'[data-testid="stSidebar"] [data-testid="stExpander"]:has(.st-key-{_SIDEBAR_EXPANDERS[name]})')
    if name in CONTROLS and name not in _PANEL_SELECTORS:
        found += [f".st-key-{key}" for key in _CONTROL_KEYS.get(name, (f"cfg_{name}",))]
    return tuple(found)


def presenting(flags: PresentationFlags | None = None) -> bool:
    """Whether the page is in presentation mode (any flag of a lesson link: big=1 or hide=...)."""
    return (current_flags() if flags is None else flags) != PresentationFlags()


def css(flags: PresentationFlags) -> str:
    """The CSS that shows `flags`: a compact page with a larger root font, and `display: none` for
    every hidden part."""
    rules = []
    if presenting(flags):
        rules.append(_PRESENTING_CSS.strip())
    if flags.large_fonts:
        rules.append(f"html {{ font-size: {LARGE_FONT_PX}px; }}")
    hidden = [selector for name in sorted(flags.hidden) for selector in selectors(name)]
    if hidden:
        rules.append(",\n".join(dict.fromkeys(hidden)) + " { display: none !important; }")
    return "\n".join(rules)


def text_scale(flags: PresentationFlags | None = None) -> float:
    """What presentation mode multiplies chart text by (the live charts work it out in the browser)."""
    return LARGE_FONT_PX / 16 if (current_flags() if flags is None else flags).large_fonts else 1.0


def scaled(figure):
    """`figure` for `st.plotly_chart`, its text as large as the live charts' in presentation mode."""
    return scale_text(figure, text_scale())


def apply_presentation(flags: PresentationFlags | None = None) -> None:
    """Inject the CSS of `flags` (the session's by default) into the page and, while presenting,
    the way out: every page that honours the flags calls this, so the lecturer can always leave."""
    flags = current_flags() if flags is None else flags
    rules = css(flags)
    if rules:
        st.html(f"<style>\n{rules}\n</style>")
    if presenting(flags):
        st.button("Leave presentation", key="presentation_leave", icon=":material/fullscreen_exit:", on_click=leave,
                  help="Normal font size, and every hidden panel and control back.")


def leave() -> None:
    """Back to the normal page: no flags in the session, nor in the address bar (a reload stays out)."""
    set_flags(PresentationFlags())
    for key in ("big", "hide"):
        if key in st.query_params:
            del st.query_params[key]


def focus(lesson: Lesson | None) -> str | None:
    """The panel a page draws first: the lesson's, while presenting it (so it is on the first screen)."""
    return lesson.panel_id if lesson is not None and presenting() else None


def lesson_box(lesson: Lesson | None) -> None:
    """The lesson's title and what to watch (hideable as lesson_text); nothing without a lesson."""
    if lesson is None:
        return
    with st.container(key="panel_lesson_text"):
        st.info(f"**Lesson: {lesson.title}.** {lesson.watch} Train for about {lesson.epochs} epochs.",
                icon=":material/school:")

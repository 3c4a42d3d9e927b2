"""Lessons: a gallery of ready-made experiments, each one click (or one link) away."""

import streamlit as st

from playground.presets import HIDEABLE, LESSONS, Lesson, PresentationFlags
from playground.ui import presentation, state

PAGE_PATH = "lessons"  # this page's url path, cut from the address to find the app's root


def open_lesson(lesson: Lesson, flags: PresentationFlags) -> None:
    """Load `lesson` ready to play and go to its page (a comparison: hand its runs to Compare)."""
    session = state.session()
    presentation.set_flags(flags)
    if lesson.is_comparison:
        presentation.hand_off(lesson)
    else:
        state.load_config(session, lesson.config, lesson)
    st.warning(presentation.switch_to(lesson.page) + " The lesson's runs are ready for it.")


def card(lesson: Lesson, root: str, flags: PresentationFlags) -> None:
    with st.container(border=True, key=f"lesson_card_{lesson.key}"):
        st.markdown(f"#### {lesson.title}")
        st.write(lesson.watch)
        where = f"Open the **{presentation.PAGE_TITLES[lesson.page]}** page and watch the **{lesson.panel}**"
        runs = f" of {' vs '.join(f'*{label}*' for label in lesson.labels)}" if lesson.is_comparison else ""
        st.markdown(f"{where}{runs}, for about {lesson.epochs} epochs.  \n**It shows:** {lesson.outcome}")
        if st.button("Open lesson", key=f"open_{lesson.key}", icon=":material/play_lesson:", type="primary"):
            open_lesson(lesson, flags)
        st.code(presentation.lesson_link(root, lesson, flags), language=None, wrap_lines=True)


st.title("Lessons")
st.write("Each lesson is one experiment that shows one idea, set up so that the idea shows within a few "
         "dozen epochs. Open one and press Play, or share its link: the link opens the same lesson.")

with st.expander("Classroom presentation", expanded=False, icon=":material/co_present:"):
    st.caption("Like TensorFlow Playground's URL flags: these options go into every link below (big=1, "
               "hide=...) and into the lesson you open here. A page in presentation mode has a "
               "'Leave presentation mode' button at its foot.")
    big = st.toggle("Large fonts", key="lessons_big", help="For a projector: every text at about 1.4 times its size.")
    hidden = st.multiselect("Hide", HIDEABLE, key="lessons_hide", format_func=lambda name: name.replace("_", " "),
                            placeholder="Panels or controls to hide, e.g. sidebar",
                            help="'sidebar' hides every control and the page navigation.")
flags = PresentationFlags(big, frozenset(hidden))
root = presentation.app_root(st.context.url, PAGE_PATH)

lessons = list(LESSONS.values())
for start in range(0, len(lessons), 2):  # a row of two cards at a time, so that rows line up
    for column, lesson in zip(st.columns(2), lessons[start:start + 2], strict=False):
        with column:
            card(lesson, root, flags)

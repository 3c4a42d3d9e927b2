"""Compare: one to four runs side by side, trained in lockstep on exactly the same data."""

import streamlit as st

from playground import export
from playground.figures.compare import run_color, run_letter
from playground.ui import compare_form, compare_runs, compare_spread, compare_view, live_view, presentation, state
from playground.ui.text import flashed

presentation.apply_presentation()  # a lesson link's big=1 / hide=... flags
current = compare_runs.compare_session()
runs = current.runs

st.title("Compare runs")
presentation.lesson_box(current.lesson)
focus = presentation.focus(current.lesson)
if focus is None:
    st.caption("Change one thing and see what it does: every run trains on the same points, in the same batch "
               "order, from the same initial weights where the architectures match, epoch for epoch.")
flashed(compare_runs.PLACE)
if current.origin is not None and current.origin != state.session().config:
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.info("The Playground's run has changed since run A was taken from it.")
    right.button("Start over from it", key="compare_from_playground", on_click=compare_runs.from_playground,
                 args=(current,), width="stretch")

if focus is None:
    compare_form.run_cards(current)
    compare_form.run_editor(current)
compare_view.detail_picker(live_view.toolbar(current))
live_view.live_panel(current, compare_view.draw, focus)
if focus is not None:  # presenting a lesson: its panel on the first screen, the runs' settings below
    compare_form.run_cards(current)
    compare_form.run_editor(current)

compare_spread.expander(current)

# -- Downloads --------------------------------------------------------------------------------------
with st.expander("Download the runs"):
    if current.running:
        st.caption("Pause to download the runs as they are now.")
    for index, run in enumerate(runs):
        name, config_col, weights_col, history_col = st.columns([2, 1, 1, 1], vertical_alignment="center")
        name.markdown(f"<span style='color:{run_color(index)};font-weight:700'>Run {run_letter(index)}</span> "
                      f"· {run.label} · epoch {run.trainer.epoch}", unsafe_allow_html=True)
        letter = run_letter(index).lower()
        files = {"config": (config_col, "Config JSON", ":material/settings:",
                            lambda run=run: export.config_json(run.config)),
                 "weights": (weights_col, "Weights .npz", ":material/download:",
                             lambda run=run: export.weights_npz(run.trainer.model)),
                 "history": (history_col, "History CSV", ":material/table:",
                             lambda run=run: export.history_csv(run.history))}
        for kind, (column, label, icon, make) in files.items():
            column.download_button(  # `make` runs on click; a disabled button registers nothing
                label, make,
                export.file_name(kind, run.config).replace("playground-", f"playground-compare-{letter}-", 1),
                export.MIME_TYPES[kind], key=f"compare_download_{kind}_{index}", icon=icon, on_click="ignore",
                disabled=current.running, width="stretch")

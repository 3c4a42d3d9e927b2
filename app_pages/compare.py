"""Compare: one to four runs side by side, trained in lockstep on exactly the same data."""

import streamlit as st

from playground import export, figures
from playground.figures.compare import agreed_share, band_end, run_color, run_letter
from playground.ui import compare_view as view
from playground.ui import presentation, state
from playground.ui.text import note

SPREAD_EPOCHS = (1, 500, 100)  # the seed spread's epochs: lowest, highest, default

presentation.apply_presentation()  # a lesson link's big=1 / hide=... flags
current = view.compare_session()
runs = current.runs

st.title("Compare runs")
presentation.lesson_box(current.lesson)
focus = presentation.focus(current.lesson)
if focus is None:
    st.caption("Change one thing and see what it does: every run trains on the same points, in the same batch "
               "order, from the same initial weights where the architectures match, epoch for epoch.")
if current.message is not None:
    note(*current.message)
    current.message = None
if current.origin is not None and current.origin != state.session().config:
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.info("The Playground's run has changed since run A was taken from it.")
    right.button("Start over from it", key="compare_from_playground", on_click=view.from_playground,
                 args=(current,), width="stretch")

if focus is None:
    view.run_cards(current)
    view.run_editor(current)
view.toolbar(current)
view.live_panel(current, focus)
if focus is not None:  # presenting a lesson: its panel on the first screen, the runs' settings below
    view.run_cards(current)
    view.run_editor(current)

# -- Is it luck? Run A over several seeds ---------------------------------------------------------
with st.expander(f"Is it luck? Run A over {view.SPREAD_SEEDS} seeds",
                 expanded=current.spread is not None or current.spread_job is not None):
    st.caption(f"Run A's config trained from {view.SPREAD_SEEDS} seeds: the same points, but other initial "
               "weights and batch orders. A difference between runs that is smaller than this spread may be luck.")
    low, high, default = SPREAD_EPOCHS
    epochs_col, button_col, band_col, curve_col = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
    epochs_col.number_input("Epochs per seed", low, high, default, step=10, key="spread_epochs")
    button_col.button("Run seed spread", icon=":material/casino:", key="run_spread", width="stretch",
                      on_click=view.start_spread, args=(current, "spread_epochs"))
    view.spread_panel(current)
    kind = band_col.radio("Band", ("std", "range"), horizontal=True, key="spread_band",
                          format_func={"std": "mean ± std", "range": "min – max"}.get)
    regression = runs[0].config.data.task == "regression"
    metric_name = "R²" if regression else "accuracy"
    curve = curve_col.radio("Curve", ("loss", metric_name), horizontal=True, key="spread_curve")
    if current.spread is not None:
        config, spread_epochs, spread = current.spread
        if config != runs[0].config:
            st.caption("⚠️ Computed for an earlier run A: run it again to update.")
        test = band_end(spread.test_metric if not regression else spread.test_loss)
        agreed = agreed_share(spread)
        seeds = ", ".join(map(str, spread.seeds))
        what = f"test {metric_name}" if not regression else "test loss"
        summary = (f"After {spread_epochs} epochs, seeds {seeds}: {what} {test['mean']:.3f} ± {test['std']:.3f} "
                   f"(from {test['low']:.3f} to {test['high']:.3f}).")
        if agreed is not None:
            summary += f" All seeds agree on {agreed:.0%} of the domain."
        failed = sum(status == "diverged" for status in spread.statuses)
        if failed:
            summary += f" {failed} of {len(spread.seeds)} seeds diverged."
        st.markdown(summary)
        left, right = st.columns([2, 1])
        trainer = runs[0].trainer
        left.plotly_chart(presentation.scaled(figures.spread_boundary_figure(spread, trainer.data, config, height=420)),
                          key="spread_boundary", width="stretch", theme=None)
        right.plotly_chart(presentation.scaled(figures.band_figure(
            spread, metric=curve != "loss", kind=kind, metric_name=metric_name,
            log_scale=config.view.log_scale and curve == "loss", height=420)),
                           key="spread_band_chart", width="stretch", theme=None)

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

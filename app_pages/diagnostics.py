"""Diagnostics: the deep view of the current run, layer by layer, over its snapshots."""

import streamlit as st

from playground.diagnostics import signal_propagation
from playground.figures import diagnostics as charts
from playground.ui import pacing, presentation, state

session = state.session()
presentation.follow_lesson("diagnostics")
presentation.apply_presentation()
trainer = session.trainer


def chart(figure, key: str, healthy: str) -> None:
    st.plotly_chart(figure, key=key, width="stretch", theme=None)
    st.caption(healthy)


st.title("Diagnostics")
refresh, step, ten, _ = st.columns([1, 1, 1, 3], vertical_alignment="bottom")
refresh.button("Refresh", icon=":material/refresh:", key="diag_refresh", width="stretch",
               help="Redraw with the run's latest state.")
ready = trainer.status == "ready"
step.button("Step", icon=":material/skip_next:", key="diag_step", on_click=state.step, args=(session, 1),
            width="stretch", disabled=not ready, help="Train one epoch.")
ten.button("10 epochs", icon=":material/fast_forward:", key="diag_ten", on_click=state.step, args=(session, 10),
           width="stretch", disabled=not ready, help="Train ten epochs.")

pacing.steps_panel(session)

history = trainer.history
snapshots = list(history.snapshots)
if not snapshots or snapshots[-1].epoch != trainer.epoch:
    snapshots.append(trainer.snapshot())
layers = ", ".join(f"{h.units} {h.activation}" for h in trainer.hidden) or "no hidden layers"
every = "every epoch" if history.snapshot_every == 1 else f"every {history.snapshot_every} epochs"
st.caption(f"The Playground's run at epoch {trainer.epoch:,}, hidden layers {layers}: {len(snapshots)} "
           f"snapshot{'s' if len(snapshots) > 1 else ''}, one {every}.")
if session.running and session.clock.goal is None:
    st.info("The run is playing on the Playground page and goes on when you return there; this page shows it "
            "as it was when you opened it. Step or Refresh to update.", icon=":material/pause_circle:")
if trainer.status == "diverged":
    st.error(trainer.message, icon="💥")
elif trainer.status == "stopped":
    st.info(trainer.message)

if not trainer.hidden:
    st.info("This network has no hidden layers, so there are no layers to diagnose: only its signal "
            "propagation and findings are below.")
else:
    st.subheader("Layer health over time")
    with st.container(key="panel_health_strip"):
        left, right = st.columns(2)
        with left:
            chart(charts.layer_series_figure(snapshots, "dead"), "diag_dead", charts.HEALTHY["dead"])
        with right:
            chart(charts.layer_series_figure(snapshots, "saturation"), "diag_saturation", charts.HEALTHY["saturation"])
    with st.container(key="panel_gradient_norms"):
        left, right = st.columns(2)
        with left:
            chart(charts.layer_series_figure(snapshots, "gradient_norm"), "diag_gradient_norm",
                  charts.HEALTHY["gradient_norm"])
        with right:
            chart(charts.layer_series_figure(snapshots, "update_ratio"), "diag_update_ratio",
                  charts.HEALTHY["update_ratio"])

    st.subheader("Distributions over time")
    st.caption("Percentile bands over the training set, darker inwards: min-max, 7-93 %, 16-84 %, 31-69 % and "
               "the median as a line (for a normal distribution: ±1.5, ±1 and ±0.5 standard deviations).")
    with st.container(key="panel_distributions"):
        left, right = st.columns(2)
        with left:
            st.markdown("**Activations** (each layer's outputs)")
            chart(charts.distribution_figure(snapshots, "activation"), "diag_activations", charts.HEALTHY["activation"])
        with right:
            st.markdown("**Gradients** (∂loss/∂output of each layer)")
            chart(charts.distribution_figure(snapshots, "gradient"), "diag_gradients", charts.HEALTHY["gradient"])

    st.subheader("Which units are alive")
    with st.container(key="panel_neurons"):
        chart(charts.activity_figure(snapshots, trainer.dead_since), "diag_activity", charts.HEALTHY["activity"])
        for line in charts.dead_summary(trainer.dead_since):
            st.markdown(f"- {line}")

st.subheader("Signal propagation at initialisation")
with st.container(key="panel_signal"):
    chart(charts.signal_figure(trainer.signal_gains, now=signal_propagation(trainer.model)), "diag_signal",
          charts.HEALTHY["signal"] + " Grey: the same for the current weights.")

with st.container(key="panel_findings"):
    st.subheader("Findings")
    findings = trainer.findings()
    for finding in findings:
        st.warning(finding.message, icon=":material/troubleshoot:")
    if not findings:
        st.success("No findings: every check in the table below passes.", icon=":material/check_circle:")
    st.caption("The thresholds behind the findings (playground.diagnostics.THRESHOLDS):")
    st.table([{**row, "value": f"{row['value']:g}"} for row in charts.threshold_rows()], hide_index=True)

"""Compare's runs as cards, and the form that changes run B-D's settings (applied together by one
submit button; every run restarts at epoch 0)."""

from __future__ import annotations

import streamlit as st

from playground.compare import MAX_RUNS, vary
from playground.config import BOUNDS, DEFAULT_REG_RATE, Config, ConfigError, format_layers
from playground.figures.compare import describe, lockstep_caption, run_color, run_letter, short
from playground.ui import state
from playground.ui.compare_runs import EDIT_KEY, FORM_PREFIX, PLACE, add_run, auto_label, remove_run, replace
from playground.ui.controls import LEARNING_RATES, REG_RATES
from playground.ui.text import flash

KEEP = "as in layers"              # the "change nothing" choice of the all-layers settings


def _form_key(name: str, index: int) -> str:
    return f"{FORM_PREFIX}{name}_{index}"


def _shown_reg_rate(config: Config) -> float:
    """The regularization rate the form shows: the config's, DEFAULT_REG_RATE when unset (0.0 stays 0.0)."""
    return DEFAULT_REG_RATE if config.network.reg_rate is None else config.network.reg_rate


def _changes(config: Config, index: int) -> dict:
    """The form's settings that differ from `config`, as keyword arguments of `vary`."""
    get = lambda name: st.session_state[_form_key(name, index)]  # noqa: E731
    training, network = config.training, config.network
    changes = {name: get(name) for name, now in (
        ("optimizer", training.optimizer), ("learning_rate", training.learning_rate),
        ("batch_size", training.batch_size), ("initializer", network.initializer),
        ("regularization", network.regularization)) if get(name) != now}
    if float(get("reg_rate")) != _shown_reg_rate(config):
        changes["reg_rate"] = float(get("reg_rate"))
    if get("layers").strip() != format_layers(network.hidden):
        changes["layers"] = get("layers").strip()
    if get("activation") != KEEP:
        changes["activation"] = get("activation")
    if get("units") is not None:
        changes["units"] = int(get("units"))
    if get("dropout") is not None:
        changes["dropout"] = float(get("dropout"))
    if get("batch_norm") != KEEP:
        changes["batch_norm"] = get("batch_norm") == "on"
    return changes


def apply_form(live: state.LiveRun, index: int) -> None:
    """Vary run `index` by the form's settings; every run restarts at epoch 0."""
    runs = live.runs
    if not 0 < index < len(runs):
        return
    config, letter = runs[index].config, run_letter(index)
    try:
        new = vary(config, **_changes(config, index))
    except (ConfigError, ValueError) as error:
        flash(PLACE, "error", f"Run {letter} keeps its settings: {error}")
        return
    if new == config:
        flash(PLACE, "info", f"Run {letter}: nothing changed.")
        return
    configs, labels = [r.config for r in runs], [r.label for r in runs]
    configs[index], labels[index] = new, auto_label(configs[0], new)
    replace(live, configs, labels, f"Run {letter} now differs from A in: {labels[index]}. "
                                   "Every run restarts at epoch 0.")


def run_form(live: state.LiveRun, index: int) -> None:
    """The settings of run `index`, applied together by one submit button."""
    config, key = live.runs[index].config, lambda name: _form_key(name, index)  # noqa: E731
    training, network = config.training, config.network
    with st.form(f"compare_form_{index}", border=False):
        row = st.columns(4)
        row[0].selectbox("Optimizer", BOUNDS["optimizer"], index=BOUNDS["optimizer"].index(training.optimizer),
                         key=key("optimizer"))
        row[1].select_slider("Learning rate", sorted({*LEARNING_RATES, training.learning_rate}),
                             value=training.learning_rate, key=key("learning_rate"))
        row[2].number_input("Batch size", 1, config.data.n_train, value=training.batch_size, key=key("batch_size"))
        row[3].selectbox("Initializer", BOUNDS["initializer"], index=BOUNDS["initializer"].index(network.initializer),
                         key=key("initializer"))
        row = st.columns(4)
        row[0].text_input("Hidden layers", format_layers(network.hidden), key=key("layers"),
                          help="Units and activation per layer, e.g. 16relu,8relu; -d0.2 adds dropout, -bn batch "
                               "norm; 0 for no hidden layer.")
        row[1].selectbox("Activation (all layers)", (KEEP, *BOUNDS["activation"]), key=key("activation"))
        row[2].number_input("Units (all layers)", 1, BOUNDS["units"].high, value=None, placeholder=KEEP,
                            key=key("units"))
        row[3].number_input("Dropout (all layers)", 0.0, 0.9, value=None, step=0.05, placeholder=KEEP,
                            key=key("dropout"))
        row = st.columns(4)
        row[0].selectbox("Batch norm (all layers)", (KEEP, "on", "off"), key=key("batch_norm"))
        row[1].selectbox("Regularization", BOUNDS["regularization"],
                         index=BOUNDS["regularization"].index(network.regularization), key=key("regularization"))
        rate = _shown_reg_rate(config)
        row[2].select_slider("Regularization rate", sorted({*REG_RATES, rate}), value=rate, key=key("reg_rate"))
        row[3].form_submit_button(f"Apply to run {run_letter(index)}", key=key("apply"), type="primary",
                                  on_click=apply_form, args=(live, index), width="stretch")


def run_editor(live: state.LiveRun) -> None:
    """Pick run B-D and change its settings (open while the newest run is still a copy of A)."""
    runs = live.runs
    if len(runs) < 2:
        return
    options = list(range(1, len(runs)))
    if st.session_state.get(EDIT_KEY) not in options:
        st.session_state.pop(EDIT_KEY, None)
    with st.expander("Change a run's settings", expanded=runs[-1].config == runs[0].config):
        index = st.radio("Run", options, format_func=lambda i: f"{run_letter(i)} · {short(runs[i].label, 40)}",
                         horizontal=True, key=EDIT_KEY)
        run_form(live, index)


def run_cards(live: state.LiveRun) -> None:
    """One bordered card per run: its letter, label, settings and a Remove button (runs B-D)."""
    runs = live.runs
    for index, (run, column) in enumerate(zip(runs, st.columns(MAX_RUNS), strict=False)):
        with column.container(border=True):
            st.markdown(f"<span style='color:{run_color(index)};font-weight:700'>Run {run_letter(index)}</span> "
                        f"· {short(run.label)}", unsafe_allow_html=True)
            st.caption(describe(run.config))
            if index:
                st.button("Remove", icon=":material/delete:", key=f"compare_remove_{index}", on_click=remove_run,
                          args=(live, index), type="tertiary")
    add, note = st.columns([1, 5], vertical_alignment="center")
    add.button("Add run", icon=":material/add:", key="compare_add", on_click=add_run, args=(live,),
               disabled=len(runs) >= MAX_RUNS, width="stretch",
               help=f"A copy of run A whose settings you change (at most {MAX_RUNS} runs).")
    note.caption(lockstep_caption(runs))

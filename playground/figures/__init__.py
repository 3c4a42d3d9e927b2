"""Plotly figure builders: pure functions, data in, `go.Figure` out (no Streamlit, no I/O).

    boundary_figure(snapshot, data, config)            the output over the domain with the points
    points_note(data, show_test)                       what a live boundary (MAX_POINTS_DRAWN) leaves out
    network_figure(snapshot, units, inputs, kernels)   the network graph with neuron tiles
    loss_figure(history) / health_figure(layers)       curves over epochs, per-layer health bars
    replay_figure(history, data, config)               a whole run as frames played in the browser
    compare_loss_figure / spread_boundary_figure / band_figure   the Compare page (figures.compare)
    layer_series_figure / distribution_figure          the Diagnostics page (figures.diagnostics): layer
    activity_figure / signal_figure                    health over time, units alive, signal at initialisation
    activation_figure / softmax_figure / depth_figure  the Activations page (figures.activations)
    step_graph_figure / step_layers_figure             the How-it-learns page (figures.walkthrough)

Figures are built for small JSON (see DESIGN.md): grids travel as uint8 with x0/dx axes,
coordinates as float32, no template. Colours live in `palette`.
"""

from . import palette
from .activations import activation_figure, depth_figure, softmax_figure
from .boundary import MAX_POINTS_DRAWN, boundary_figure, classes_from_grid, heatmap_z, points_note, predicted_classes
from .compare import band_figure, compare_loss_figure, spread_boundary_figure, summary_row, titled_boundary
from .curves import health_figure, loss_figure
from .diagnostics import activity_figure, distribution_figure, layer_series_figure, signal_figure
from .network import kernels_from_flat, network_figure
from .replay import replay_figure
from .walkthrough import step_graph_figure, step_layers_figure

__all__ = ["MAX_POINTS_DRAWN", "activation_figure", "activity_figure", "band_figure", "boundary_figure",
           "classes_from_grid", "compare_loss_figure", "depth_figure", "distribution_figure", "health_figure",
           "heatmap_z", "kernels_from_flat", "layer_series_figure", "loss_figure", "network_figure", "palette",
           "points_note", "predicted_classes", "replay_figure", "signal_figure", "softmax_figure",
           "spread_boundary_figure", "step_graph_figure", "step_layers_figure", "summary_row", "titled_boundary"]

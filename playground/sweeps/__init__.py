"""The overfitting explorer's engine: sweeps of one knob over values and seeds (no Streamlit).

    knobs      what a knob changes in a Config, its bounds and default values
    engine     SweepSpec -> SweepTask (one run, its seed included) -> RunRecord
    backends   run the tasks serially, on joblib's processes or on Dask (imported lazily)
    summary    mean and spread per value, the best value, CSV rows
    pool       the app's process-wide worker pool: capped work, a queue, slices, Stop
    presets    ready-made sweeps, each verified by a test
    report     the figures as a self-contained HTML page
"""

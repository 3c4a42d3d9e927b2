"""Neural Network Playground: a NumPy network engine and the library behind the Streamlit app.

`playground.nn` is the engine (NumPy only); the other modules build datasets, configs, training
runs, diagnostics and figures on top of it. Only `playground.ui` imports Streamlit.
"""

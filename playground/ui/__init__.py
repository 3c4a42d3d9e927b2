"""The Streamlit side of the playground: session state, shared widgets and the live chart bridge.

This is the only part of the library that imports Streamlit. Import the submodules directly
(`from playground.ui.live_chart import live_chart`); this package imports nothing eagerly.
"""

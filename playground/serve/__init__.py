"""Serving a lecture hall: `python -m playground.serve --processes N --port P`.

N Streamlit processes of the app on loopback ports and HAProxy in front of them on port P, with
sticky sessions, WebSockets and health checks (deploy/haproxy.cfg.template). Modules:
proxy_config (render the template), proxy (find and run haproxy), backends (one Streamlit
process), supervisor (start, watch, restart, stop), __main__ (the command line).
No Streamlit imports here: the app itself runs in the child processes.
"""

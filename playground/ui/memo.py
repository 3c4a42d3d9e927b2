"""The last value a session made, reused while what it was made from stays the same."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def last_made(slot: str, key: Hashable, make: Callable[[], T]) -> T:
    """`make()`, or the value kept in session_state[`slot`] when it was made for an equal `key`.
    One value per slot: the old one is dropped before a new one is made (no two in memory)."""
    found = st.session_state.get(slot)
    if found is not None and found[0] == key:
        return found[1]
    st.session_state.pop(slot, None)
    value = make()
    st.session_state[slot] = (key, value)
    return value

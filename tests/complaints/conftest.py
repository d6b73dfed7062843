"""Fixtures of the complaint tests: the request tests' staff of every role and matters (complaints name requests)."""

from tests.requests.conftest import (  # noqa: F401 (pytest finds fixtures by name)
    _sessions_survive_time_travel,
    immediate_matter,
    matter,
    people,
    register,
)

"""The rosters' small hall (tests/rosters/conftest.py) for the helper board and the signs."""

from tests.rosters.conftest import published, roster_hall  # noqa: F401  (fixtures)

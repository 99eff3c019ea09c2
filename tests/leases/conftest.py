"""The real Synapse of the Matrix tests (and its log when a test fails), for the takeover
test: fixtures of tests/matrix/conftest.py are visible in that folder only."""

from tests.matrix.conftest import members, pytest_runtest_makereport, synapse  # noqa: F401

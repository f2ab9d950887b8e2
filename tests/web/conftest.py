"""Browser tests of the help page and its widget; the ``browser`` and ``open_page`` fixtures
are in tests/conftest.py (shared with the ``make run`` test)."""

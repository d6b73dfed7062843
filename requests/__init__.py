"""The service catalogue and the request lifecycle (this package shadows PyPI `requests`; see hallservice)."""

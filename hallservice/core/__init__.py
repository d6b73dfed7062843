"""The kernel: what every app needs and nothing app-specific. Imports Django and PyPI only (import-linter)."""

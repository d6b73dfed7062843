"""Hall Service project package.

This module is imported first by manage.py, pytest-django, Celery and gunicorn, so it is the one place that
repairs what our app named ``requests`` breaks in Django REST framework.
"""

import sys


def _teach_drf_that_pypi_requests_is_absent() -> None:
    # DRF's compat module does ``import requests`` and, if that succeeds, later touches
    # ``requests.packages``. Our app package answers that import, so DRF would crash. Hiding the name
    # while DRF probes makes it record "no requests"; the entry is restored afterwards so Django can
    # still import our app. Consequence: DRF's RequestsClient is unavailable; tests use APIClient.
    saved = sys.modules.get("requests")
    sys.modules["requests"] = None  # type: ignore[assignment]
    try:
        import rest_framework.compat  # noqa: F401
    except ImportError:  # DRF not installed yet (e.g. during set-up); nothing to repair
        pass
    finally:
        if saved is None:
            del sys.modules["requests"]
        else:
            sys.modules["requests"] = saved


_teach_drf_that_pypi_requests_is_absent()

from .celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)

"""Settings for the smoke run's collectstatic only (deploy/smoke.sh): production settings, but the static files
are hashed into the same manifest without whitenoise's gzip/brotli copies, which take minutes on a loaded machine
and which nginx does not need (it serves /static/ itself). The web processes keep the production storage."""

from hallservice.settings import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}  # noqa: F405

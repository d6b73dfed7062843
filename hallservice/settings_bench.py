"""Benchmark settings: the normal settings plus a URLconf with the ceiling view (hallservice/bench_urls.py).

Only benchmarks/load.py and benchmarks/compare_peer.py use them (DJANGO_SETTINGS_MODULE=hallservice.settings_bench);
the production URLconf never gains the ceiling.
"""

from .settings import *  # noqa: F403

ROOT_URLCONF = "hallservice.bench_urls"

"""The user's directories for hybridai: config, cache (benchmarks, responses, the budget
ledger) and data (the request log), each where the platform keeps them."""

from __future__ import annotations

from pathlib import Path


def user_config_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("hybridai"))


def user_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("hybridai"))


def user_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("hybridai"))

"""Settings: one model fed by a TOML file, ``HYBRIDAI_*`` environment variables and code.

Precedence, highest first: keyword overrides, environment variables, the TOML file, defaults.
The file is the ``path`` given, else ``$HYBRIDAI_CONFIG``, else ``./hybridai.toml``, else
``<user config dir>/hybridai/config.toml``. Nested keys in the environment use ``__``:
``HYBRIDAI_DEVICE__N_CTX=2048``, ``HYBRIDAI_CLOUD__OPENAI__MODEL=gpt-4o-mini``.
See ``hybridai.example.toml`` for every setting.

``settings`` holds ``Settings`` and how it is loaded; ``targets`` the ``[device]`` and
``[cloud.<name>]`` sections; ``sections`` the others; ``dirs`` the user's directories.
Everything public is re-exported here: import from ``hybridai.config``.
"""

from ..schema.price import Price
from .dirs import user_cache_dir, user_config_dir, user_data_dir
from .sections import (
    BudgetSettings,
    CacheSettings,
    CascadeSettings,
    EmbeddingsSettings,
    GatewaySettings,
    PrivacySettings,
    ResilienceSettings,
    RouterSettings,
)
from .settings import Settings, find_config_file, load_settings
from .targets import CloudTarget, DeviceSettings

__all__ = [
    "BudgetSettings",
    "CacheSettings",
    "CascadeSettings",
    "CloudTarget",
    "DeviceSettings",
    "EmbeddingsSettings",
    "GatewaySettings",
    "Price",
    "PrivacySettings",
    "ResilienceSettings",
    "RouterSettings",
    "Settings",
    "find_config_file",
    "load_settings",
    "user_cache_dir",
    "user_config_dir",
    "user_data_dir",
]

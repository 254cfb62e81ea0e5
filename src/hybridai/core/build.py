"""The composition seam: one function builds the pipeline from settings, and every part can
be handed in instead (a fake backend, another engine, a clock, a store)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..cache import ResponseCache
from ..cloud.backend import CloudBackend
from ..cloud.connect import can_connect
from ..cloud.embeddings import CloudEmbeddings
from ..cloud.protocol import CloudTargetBackend
from ..config import Settings
from ..device.manager import Device
from ..errors import ConfigError
from ..policies.budget import open_ledger
from ..policies.pricing import PriceTable
from ..policies.privacy.screening import PrivacyGuard
from ..policies.resilience import TargetHealth
from ..router.model import Router
from ..schema.clock import Clock
from ..stores.protocols import BudgetLedger, HealthState
from .pipeline import Pipeline
from .routers import RouterSlot

if TYPE_CHECKING:
    from ..cache.semantic import Embedder as TextEmbedder
    from .embeddings import EmbeddingService


def build_pipeline(settings: Settings, *, device: Device | None = None,
                   clouds: Mapping[str, CloudTargetBackend] | None = None,
                   cache: ResponseCache | None = None, budget: BudgetLedger | None = None,
                   health: HealthState | None = None, router: Router | None = None,
                   privacy: PrivacyGuard | None = None, prices: PriceTable | None = None,
                   clock: Clock = time.perf_counter) -> Pipeline:
    """The pipeline ``settings`` describe, with any part given here used in place of the one
    they would build. ``clouds`` are the failover chain, in order. ``budget`` is the spend
    ledger (default: the SQLite file the settings name, when they cap spend); ``health`` is
    where the breakers and the offline state are kept (default: this process's memory)."""
    prices = prices or PriceTable.with_overrides(settings.prices)
    if clouds is None:
        clouds = {name: CloudBackend(name, settings.cloud[name],
                                     prices.price_of(settings.cloud[name].model))
                  for name in settings.cloud_targets()}
    clouds = dict(clouds)
    target_health = TargetHealth(clouds, settings.resilience,
                                 reconnect_check=lambda: _reach_any(settings, clouds),
                                 store=health)
    return Pipeline(
        settings, prices=prices, device=device or Device(settings), clouds=clouds,
        cache=cache or ResponseCache(settings.cache, settings.cache_dir),
        privacy=privacy or PrivacyGuard.from_settings(settings.privacy), health=target_health,
        budget=budget if budget is not None else _budget_ledger(settings, clouds),
        router=RouterSlot(settings, router), clock=clock)


def _reach_any(settings: Settings, clouds: Mapping[str, CloudTargetBackend]) -> bool:
    """Whether any cloud target can be connected to: the way back from offline."""
    timeout_s = settings.resilience.probe_timeout_s
    return any(can_connect(cloud.target.base_url, timeout_s) for cloud in clouds.values())


def _budget_ledger(settings: Settings, clouds: Mapping[str, CloudTargetBackend]
                   ) -> BudgetLedger | None:
    if not settings.budget.capped:
        return None
    unpriced = [c.model for c in clouds.values() if c.price is None]
    if unpriced:
        raise ConfigError(f"a budget needs the price of every cloud model; add [prices] "
                          f"for {', '.join(unpriced)}", code="missing_price")
    return open_ledger(settings)


# -- embeddings (core/embeddings.py) -------------------------------------------------------

def build_embeddings(pipeline: Pipeline, *, cloud: CloudEmbeddings | None = None,
                     embedder: TextEmbedder | None = None) -> EmbeddingService:
    """The embeddings service over ``pipeline``'s policies: the cloud embedding model
    ``[embeddings]`` names (or ``cloud``), and the device's all-MiniLM-L6-v2, the response
    cache's own instance (or ``embedder``), so the endpoint's vectors are the cache's."""
    from ..engines import embeddings as device_embeddings
    from .embeddings import EmbeddingService

    settings = pipeline.settings
    wanted = settings.embeddings
    if cloud is None and wanted.cloud_target is not None:
        target = settings.cloud.get(wanted.cloud_target)
        if target is None:
            raise ConfigError(f"embeddings.cloud_target names {wanted.cloud_target!r}, which is "
                              "no [cloud.<name>] target", code="invalid_config")
        assert wanted.cloud_model is not None  # the section requires both
        cloud = CloudEmbeddings(wanted.cloud_target, target, wanted.cloud_model)
    if (cloud is not None and pipeline.budget is not None
            and pipeline.prices.price_of(cloud.model) is None):
        raise ConfigError(f"a budget needs the price of every cloud model; add [prices] for "
                          f"{cloud.model}", code="missing_price")
    if embedder is not None:
        chosen = embedder
        return EmbeddingService(pipeline, cloud=cloud, embedder=lambda: chosen)
    return EmbeddingService(pipeline, cloud=cloud, embedder=lambda: pipeline.cache.embedder,
                            installed=device_embeddings.available)

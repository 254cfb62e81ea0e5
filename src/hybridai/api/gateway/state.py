"""What the gateway runs on: one explicit state object, built from a client, no globals."""

from __future__ import annotations

import itertools
import os
import time
from dataclasses import dataclass, field

from ...observe.metrics import Metrics
from ...observe.requestlog import RequestLog
from ..client import AsyncHybridAI
from .readiness import Readiness

_PROCESS_PREFIX = os.urandom(8).hex()  # unique per process; a counter numbers its requests
_REQUEST_COUNTER = itertools.count(1)


def next_request_id() -> str:
    """A request log id: unique across processes and restarts, without a uuid4 per request."""
    return f"{_PROCESS_PREFIX}{next(_REQUEST_COUNTER):016x}"


@dataclass
class GatewayState:
    client: AsyncHybridAI
    log: RequestLog
    metrics: Metrics
    readiness: Readiness
    api_keys: tuple[bytes, ...] = ()
    started_at: float = field(default_factory=time.time)

    @classmethod
    def from_client(cls, client: AsyncHybridAI) -> GatewayState:
        gateway = client.settings.gateway
        engine = client.pipeline.device.engine
        log = RequestLog(gateway.request_log_path(), log_content=gateway.log_content)
        return cls(
            client=client,
            log=log,
            metrics=Metrics(queue_depth=lambda: engine.waiting,
                            budget=client.pipeline.budget.status if client.pipeline.budget
                            else None,
                            health=client.pipeline.health,
                            log_dropped=lambda: log.dropped),
            readiness=Readiness(client.pipeline),
            api_keys=tuple(k.encode() for k in gateway.api_keys()),
        )

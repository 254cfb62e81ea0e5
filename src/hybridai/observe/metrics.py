"""Prometheus metrics for the gateway, in a registry of its own (no module globals)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from ..policies.budget import BudgetStatus
from ..policies.resilience import TargetHealth
from ..schema.reasons import ReasonCode
from .requestlog import LogEntry

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class BudgetCollector(Collector):
    """Cloud spend against its caps, read from the ledger at each scrape (all processes)."""

    def __init__(self, status: Callable[[], BudgetStatus]) -> None:
        self.status = status

    def collect(self) -> Iterator[GaugeMetricFamily]:
        status = self.status()
        spent = GaugeMetricFamily("hybridai_budget_spent_usd", "Cloud spend this period, "
                                  "calls in flight included", labels=["period"])
        cap = GaugeMetricFamily("hybridai_budget_cap_usd", "Cloud spend cap", labels=["period"])
        for period in (status.daily, status.monthly):
            spent.add_metric([period.name], period.spent_usd)
            if period.cap_usd is not None:
                cap.add_metric([period.name], period.cap_usd)
        yield spent
        yield cap
        yield GaugeMetricFamily("hybridai_budget_reserved_usd",
                                "Cloud spend held by calls in flight", value=status.reserved_usd)


class Metrics:
    def __init__(self, queue_depth: Callable[[], float],
                 budget: Callable[[], BudgetStatus] | None = None,
                 health: TargetHealth | None = None,
                 log_dropped: Callable[[], float] | None = None) -> None:
        self.registry = CollectorRegistry()
        self.health = health
        if budget is not None:
            self.registry.register(BudgetCollector(budget))
        self.requests = Counter(
            "hybridai_requests", "Requests by endpoint (chat.completions, completions, "
            "responses, embeddings), route, reason code and HTTP status",
            ["endpoint", "route", "reason", "status"], registry=self.registry)
        self.latency = Histogram(
            "hybridai_request_latency_seconds", "Whole-request latency",
            ["route"], buckets=_LATENCY_BUCKETS, registry=self.registry)
        self.ttft = Histogram(
            "hybridai_time_to_first_token_seconds", "Time to the first token",
            ["route"], buckets=_LATENCY_BUCKETS, registry=self.registry)
        self.tokens = Counter(
            "hybridai_tokens", "Tokens by route and kind (prompt, completion)",
            ["route", "kind"], registry=self.registry)
        self.cost = Counter("hybridai_cost_usd", "Estimated spend in USD", ["route"],
                            registry=self.registry)
        self.saved = Counter("hybridai_saved_usd",
                             "Estimated USD saved by running on the device",
                             registry=self.registry)
        self.queue_depth = Gauge("hybridai_device_queue_depth",
                                 "Requests waiting for the on-device engine",
                                 registry=self.registry)
        self.queue_depth.set_function(queue_depth)
        self.in_flight = Gauge("hybridai_requests_in_flight", "Requests being served",
                               registry=self.registry)
        self.circuit_state = Gauge("hybridai_cloud_circuit_state", "Circuit breaker of each "
                                   "cloud target: 0 closed, 1 half-open, 2 open", ["target"],
                                   registry=self.registry)
        self.offline = Gauge("hybridai_offline", "1 while no cloud target can be connected to",
                             registry=self.registry)
        self.privacy_findings = Counter(
            "hybridai_privacy_findings", "Personal data and secrets found in requests, by "
            "kind and by what the policy did (redacted, kept_local, allowed)",
            ["kind", "action"], registry=self.registry)
        if log_dropped is not None:
            Gauge("hybridai_request_log_dropped", "Request-log rows dropped because the disk "
                  "fell behind (a bounded queue)", registry=self.registry
                  ).set_function(log_dropped)

    def observe(self, entry: LogEntry, reason_code: ReasonCode | None = None) -> None:
        """Counts a request: by route, by its reason's code (never the words or numbers that
        follow it, which would make a new series each) or error code, and by status."""
        route = entry.route or "none"
        reason = reason_code.value if reason_code is not None else entry.error_code
        self.requests.labels(entry.endpoint, route, reason or "none", str(entry.status)).inc()
        if entry.latency_s is not None:
            self.latency.labels(route).observe(entry.latency_s)
        if entry.ttft_s is not None:
            self.ttft.labels(route).observe(entry.ttft_s)
        if entry.route:
            self.tokens.labels(route, "prompt").inc(entry.prompt_tokens)
            self.tokens.labels(route, "completion").inc(entry.completion_tokens)
            self.cost.labels(route).inc(entry.cost_usd)
            self.saved.inc(entry.saved_usd)

    def observe_privacy(self, counts: Mapping[str, int], action: str) -> None:
        for kind, count in counts.items():
            self.privacy_findings.labels(kind, action).inc(count)

    def render(self) -> bytes:
        if self.health is not None:
            for target, state in self.health.states().items():
                self.circuit_state.labels(target).set(int(state))
            self.offline.set(int(self.health.connectivity.offline))
        return generate_latest(self.registry)

"""Prometheus instruments: events the core handled, scheduled jobs, the queue of due work.

One `Metrics` per registry. The process has one, `METRICS`, on prometheus_client's global
registry, which `/metrics` serves; tests give CareBot and the Engine a fresh registry of their
own (prometheus_client refuses a second metric of a name in one registry).
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

# Seconds: an event answers within Slack's 3 s; a tick may take up to a lease.
EVENT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
TICK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0)

OK, REFUSED, ERROR = "ok", "refused", "error"


class Metrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.registry = registry
        self.events = Counter(
            "carebot_events",
            "Commands, button presses and form submissions the core handled, by outcome "
            "(refused: an unknown or invalid request, answered with a sentence).",
            ["kind", "outcome"],
            registry=registry,
        )
        self.event_seconds = Histogram(
            "carebot_event_duration_seconds",
            "Time the core took to answer an event, its transaction included.",
            ["kind"],
            buckets=EVENT_BUCKETS,
            registry=registry,
        )
        self.jobs_claimed = Counter(
            "carebot_jobs_claimed",
            "Scheduled jobs claimed by a scheduler tick, by job kind.",
            ["kind"],
            registry=registry,
        )
        self.jobs = Counter(
            "carebot_jobs",
            "What became of claimed jobs, by job kind and outcome "
            "(sent, empty, retried, failed, skipped).",
            ["kind", "outcome"],
            registry=registry,
        )
        self.tick_seconds = Histogram(
            "carebot_scheduler_tick_duration_seconds",
            "Time a scheduler tick took that claimed any job.",
            buckets=TICK_BUCKETS,
            registry=registry,
        )
        self.jobs_due = Gauge(
            "carebot_jobs_due",
            "Pending jobs whose due time has come (the queue of due work), counted on scrape.",
            registry=registry,
        )

    def event(self, kind: str, outcome: str, seconds: float) -> None:
        self.events.labels(kind, outcome).inc()
        self.event_seconds.labels(kind).observe(seconds)

    def job(self, kind: str, outcome: str) -> None:
        self.jobs_claimed.labels(kind).inc()
        self.jobs.labels(kind, outcome).inc()


METRICS = Metrics()

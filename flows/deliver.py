"""The delivery step as the flow composes it: the config's delivery policy and dead-channel
rule for the outbox loop of alerts.deliver."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

from alerts.backoff import BackoffRules
from alerts.deliver import POLICY, RULES, ChannelReport, DeliveryReport, deliver_pending
from alerts.message import OVERRIDABLE
from alerts.route import ChannelPolicy, DeliveryPolicy
from flows.config import ChannelDelivery, Config

__all__ = ["ChannelReport", "DeliveryReport", "backoff_rules", "deliver_pending",
           "delivery_policy"]  # fmt: skip


def backoff_rules(config: Config) -> BackoffRules:
    """The back-off rules with the config's dead-after rule ([alerts] dead_after_strikes and
    dead_after_hours)."""
    return replace(RULES, dead_strikes=config.alerts.dead_after_strikes,
                   dead_after=timedelta(hours=config.alerts.dead_after_hours))  # fmt: skip


def delivery_policy(config: Config) -> DeliveryPolicy:
    """The config's [alerts] settings and watchlists' delivery modes as a DeliveryPolicy;
    what is unset keeps the protective defaults."""
    base = _channel_policy(ChannelPolicy(), config.alerts)
    channels = {name: _channel_policy(base, own) for name, own in config.alerts.channels.items()}
    modes = {
        (watchlist.name, channel): watchlist.mode_for(channel)
        for watchlist in config.watchlists
        for channel in watchlist.notify
    }
    return DeliveryPolicy(default=base, channels=channels, modes=modes,
                          always_alone=POLICY.always_alone,
                          templates=tuple((OVERRIDABLE[key], path) for key, path
                                          in sorted(config.alerts.templates.items())))  # fmt: skip


def _channel_policy(base: ChannelPolicy, tuned: ChannelDelivery) -> ChannelPolicy:
    values: dict[str, object] = {}
    if tuned.per_hour is not None:
        values["per_hour"] = tuned.per_hour
    if tuned.per_second is not None:
        values["per_second"] = tuned.per_second
    if tuned.digest_times is not None:
        values["digest_times"] = tuple(time.fromisoformat(t) for t in tuned.digest_times)
    if tuned.timezone is not None:
        values["timezone"] = tuned.timezone
    if tuned.catch_up_after_hours is not None:
        values["catch_up_after"] = timedelta(hours=tuned.catch_up_after_hours)
    return replace(base, **values)

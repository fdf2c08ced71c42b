"""The `newswatch alerts` commands: list what is owed and sent, put failed alerts back, send a
test message to a channel."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from alerts.keys import UPDATE
from alerts.route import NEXT, NOW
from flows.cli_options import (
    ConfigOption,
    JsonOption,
    StatusOption,
    json_line,
    load_or_exit,
    query,
    with_engine,
)  # fmt: skip

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

alerts_app = typer.Typer(help="Alerts owed and sent, each channel's state; retry, test.")
ChannelFilter = Annotated[str | None, typer.Option("--channel", help="Only this channel")]


@alerts_app.callback(invoke_without_command=True)
def alerts(
    ctx: typer.Context,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    status: StatusOption = None,
    channels: Annotated[
        bool, typer.Option("--channels", help="Only each channel's state and what it owes")
    ] = False,
) -> None:
    """List alerts: owed (pending) and sent, updates marked, then each channel that owes or
    fails: failing, backing off or dead, with its last error."""
    if ctx.invoked_subcommand is not None:
        return
    from storage.outbox import list_alerts

    rows, states = query(config, lambda s: ([] if channels else list_alerts(s, status=status),
                                            _channel_states(s)))  # fmt: skip
    for row in rows:
        if as_json:
            typer.echo(json_line(asdict(row)))
        else:
            error = f"  last error: {row.last_error}" if row.last_error else ""
            kind = f"  {UPDATE}" if row.kind == UPDATE else ""
            if row.digest in (NEXT, NOW):
                kind += "  (in the next digest)"
            typer.echo(
                f"{row.status:7}  {row.watchlist}  {row.channel}{kind}  {row.url}"
                f"  attempts={row.attempts}{error}"
            )
    for state in states:
        if as_json:
            if channels:
                typer.echo(json_line(state))
            continue
        line = f"channel {state['channel']}: {state['state']}, {state['pending']} pending"
        if state["retry_at"] and state["state"] != "dead":
            line += f", next try after {state['retry_at']:%Y-%m-%d %H:%M} UTC"
        typer.echo(line + (f"; last error: {state['last_error']}" if state["last_error"] else ""))


def _channel_states(session: Session) -> list[dict]:
    """Each channel that owes alerts or has failed: its state, what it owes, why it fails."""
    from alerts.backoff import verdict
    from storage.channels import load_health, pending_by_channel

    health, pending = load_health(session), pending_by_channel(session)
    now = datetime.now(UTC)
    states = []
    for name in sorted(set(health) | set(pending)):
        record = health.get(name)
        state = verdict(record, now) if record else "ready"
        if state == "ready":
            state = "failing" if record and record.failures else "ok"
        if state == "ok" and not pending.get(name):
            continue
        states.append({
            "channel": name, "state": state, "pending": pending.get(name, 0),
            "failures": record.failures if record else 0,
            "retry_at": record.retry_at if record else None,
            "dead_since": record.dead_since if record else None,
            "last_error": record.last_error if record else None,
        })  # fmt: skip
    return states


@alerts_app.command("retry")
def retry(channel: ChannelFilter = None, config: ConfigOption = None) -> None:
    """Put dead or failed alerts back: the channel's back-off and dead state are cleared and
    its failed alerts go out on the next run (nothing sent is sent again)."""
    cleared, requeued = with_engine(config, lambda _cfg, engine: _retry(engine, channel))
    if not cleared and not requeued:
        typer.echo(f"nothing to retry{f' on channel {channel}' if channel else ''}")
        return
    for name in cleared:
        typer.echo(f"channel {name}: back-off and dead state cleared")
    typer.echo(f"{requeued} failed alert(s) back in the queue for the next run")


def _retry(engine: Engine, channel: str | None) -> tuple[list[str], int]:
    from sqlalchemy.orm import Session

    from storage.channels import forget_health, requeue_failed
    from storage.db import write_engine

    with Session(write_engine(engine)) as session, session.begin():
        return forget_health(session, channel), requeue_failed(session, channel)


@alerts_app.command("test")
def test(
    channel: Annotated[str, typer.Argument(help="A channel's name in [channels]")],
    config: ConfigOption = None,
) -> None:
    """Send a test message to a channel, in the form its alerts take; say why if it fails
    (secrets masked). Exits 1 on failure."""
    from alerts.message import OVERRIDABLE, format_alert
    from alerts.notify import ChannelError, channel_kind, make_notifier, masked, scrub_secrets
    from alerts.notify import send as send_message

    _, cfg = load_or_exit(config)
    url = cfg.channels.get(channel)
    if url is None:
        known = ", ".join(sorted(cfg.channels)) or "none"
        typer.echo(f"error: channel {channel!r} is not in [channels] (defined: {known})",
                   err=True)  # fmt: skip
        raise typer.Exit(2)
    try:
        notifier = make_notifier(url)
    except ChannelError as exc:
        typer.echo(f"error: channel {channel}: {exc}", err=True)
        raise typer.Exit(1) from None
    from alerts.overrides import SampleAlert

    sample = SampleAlert(published_at=datetime.now(UTC))
    templates = tuple((OVERRIDABLE[k], path) for k, path in sorted(cfg.alerts.templates.items()))
    message = format_alert(sample, kind=channel_kind(notifier), templates=templates)
    outcome = send_message(notifier, message)
    if outcome.ok:
        typer.echo(f"sent a test message to channel {channel} ({masked(url)})")
        return
    reason = scrub_secrets(outcome.error or "unknown error", url)
    typer.echo(f"error: channel {channel} ({masked(url)}) refused the test message: {reason}",
               err=True)  # fmt: skip
    raise typer.Exit(1)

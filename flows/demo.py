"""The offline demo: the whole pipeline against the bundled sample news site on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from flows.demo_site import DemoSite
from flows.receiver import AlertReceiver

DEMO_QUERY = '(Russia OR Kremlin) AND (Syria OR ISIS OR "Islamic State")'


def demo_config_toml(
    database: str, outlets: list[dict], channels: dict[str, str], **crawl: object
) -> str:
    """A config for the demo site: its outlets, one watchlist alerting every channel; `crawl`
    adds [crawl] settings."""
    q = json.dumps  # JSON strings and lists of strings are valid TOML values
    lines = [f"database = {q(database)}", "", "[channels]"]
    lines += [f"{name} = {q(url)}" for name, url in channels.items()] + [""]
    for outlet in outlets:
        lines += ["[[outlets]]"]
        lines += [f"{key} = {q(value)}" for key, value in outlet.items() if value is not None]
        lines += [""]
    lines += [
        "[[watchlists]]",
        'name = "us-russia-syria"',
        f"query = {q(DEMO_QUERY)}",
        f"notify = {q(list(channels))}",
        "",
        "[alerts]",
        "per_second = 0",  # the inbox is on this machine: no need to pace its messages
        "",
        "[crawl]",
        "delay_seconds = 0",  # our own loopback site: no need to be gentle
        "concurrency_per_domain = 8",
        *(f"{key} = {q(value)}" for key, value in crawl.items()),
    ]
    return "\n".join(lines) + "\n"


def run_demo(workdir: Path, say: Callable[[str], None] = print) -> None:
    """Run two cycles (cold, then after the site publishes a story) and show what each did."""
    from flows.monitor import monitor

    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    with DemoSite() as site, AlertReceiver() as inbox:
        config = workdir / "newswatch.toml"
        database = f"sqlite:///{(workdir / 'newswatch.db').resolve()}"
        config.write_text(demo_config_toml(database, site.outlets(), {"inbox": inbox.url}))
        say(f"Sample news site on {site.base_url}; config written to {config}\n")

        say("== Cycle 1: a cold run over every outlet")
        say(monitor(config_path=str(config)).text())
        _show_alerts(inbox, 0, say)

        seen = len(inbox.received)
        new_url = site.publish(
            "wire",
            "kremlin-offers-joint-strikes",
            "Kremlin offers joint strikes on Islamic State positions",
            [
                "The Kremlin said on Tuesday it was ready to coordinate air strikes with the "
                "United States against Islamic State positions in eastern Syria.",
                "Officials in Washington said they were studying the proposal.",
            ],
            datetime.now(UTC),
        )
        say(f"\n== Cycle 2: after the site published {new_url}")
        say(monitor(config_path=str(config)).text())
        _show_alerts(inbox, seen, say)
        _show_inbox(inbox, say)
    command = f"{_shown(_newswatch())} {{}} --config {_shown(config)}"
    say(f"\nInspect: {command.format('articles')}\n         {command.format('alerts')}")
    say("Prefect's run logs: --verbose shows them here; with PREFECT_API_URL set, the dashboard")


def _show_alerts(inbox: AlertReceiver, start: int, say: Callable[[str], None]) -> None:
    for alert in inbox.received[start:]:
        say(f"  alert → {alert.get('title')}")
    if len(inbox.received) == start:
        say("  (no new alerts)")


def _show_inbox(inbox: AlertReceiver, say: Callable[[str], None]) -> None:
    """What reached the inbox (a real HTTP receiver apprise posted to): the latest in full."""
    say(f"\n== Inbox: {len(inbox.received)} alerts delivered to {inbox.url} (titles above)")
    if inbox.received:
        latest = inbox.received[-1]
        say("The latest, as delivered:")
        for line in [str(latest.get("title")), *str(latest.get("message", "")).splitlines()]:
            say(f"  │ {line}")


def _newswatch() -> Path:
    # The venv's own command: `newswatch` alone is not on PATH unless the venv is activated.
    command = Path(sys.executable).with_name("newswatch")
    return command if command.exists() else Path(sys.argv[0])


def _shown(path: Path) -> str:
    """A path as typed from the current directory: relative below it, else absolute."""
    absolute = path.absolute()
    try:
        shown = str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)
    return shown if "/" in shown else f"./{shown}"  # a bare name would be looked up on PATH

"""The `newswatch` command line: the composition root that builds what each command needs."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows.cli_feed import feed_app
from flows.cli_options import ConfigOption, JsonOption, database_exit, json_line, load_or_exit
from flows.cli_rules import config_rule_failures, rules_app
from flows.cli_stored import stored

if TYPE_CHECKING:
    from flows.config import Config

app = typer.Typer(help="Monitor news outlets and alert on watchlist matches.", no_args_is_help=True)
app.add_typer(stored)  # articles, alerts, versions, outlets, reclean
app.add_typer(feed_app)  # feed
app.add_typer(rules_app, name="rules")  # rules test, rules backtest

# Telemetry off and a generous ephemeral-server start-up: set before Prefect is imported.
_ENV_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def main() -> None:
    """Console-script entry point."""
    for key, value in _ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)
    app()


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"newswatch {version('newswatch')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit"
        ),
    ] = False,
) -> None:
    """Monitor news outlets and alert on watchlist matches."""


@app.command()
def check(
    config: ConfigOption = None,
    connect: Annotated[
        bool, typer.Option("--connect", help="Also connect to the database (or its file)")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse on warnings too (secrets others can read)")
    ] = False,
) -> None:
    """Validate a config and say precisely what is wrong (exit 2 if anything is)."""
    from flows.checks import database_problem

    path, cfg = load_or_exit(config)
    problems = _channel_problems(path, cfg)
    if connect and (problem := database_problem(cfg.database)):
        problems.append(f"{path}: database: {problem}")
    problems += [f"{path}: rule test: {failure.text()}" for failure in config_rule_failures(cfg)]
    if exposure := _warn_exposure(path, as_error=strict):
        problems.append(exposure)
    if problems:
        typer.echo("\n".join(f"error: {p}" for p in problems), err=True)
        raise typer.Exit(2)
    typer.echo(
        f"{path}: OK — {len(cfg.outlets)} outlets, {len(cfg.watchlists)} watchlists, "
        f"{len(cfg.channels)} channels" + (", database reachable" if connect else "")
    )


@app.command()
def run(
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="The summary as one JSON object")] = False,
) -> None:
    """Run one monitoring cycle now and print a short summary."""
    from flows.lease import RunSkipped
    from flows.progress import live_progress

    path, cfg = load_or_exit(config)
    _refuse_unusable_channels(path, cfg)
    _warn_exposure(path)
    # Live progress only for a person at a terminal; scripts get the summary alone.
    with live_progress(sys.stderr.isatty() and not as_json, len(cfg.outlets)):
        summary = _run_cycle(path)
    if isinstance(summary, RunSkipped):  # another run holds the lease: not a failure
        typer.echo(json_line(summary.as_json()) if as_json else summary.text())
        return
    typer.echo(json_line(asdict(summary)) if as_json else summary.text())
    if summary.nothing_fetched:  # every outlet failed: the cycle monitored nothing
        typer.echo("error: no outlet could be fetched (see the failures above)", err=True)
        raise typer.Exit(1)


def _channel_problems(path: Path, cfg: Config) -> list[str]:
    """Each channel URL apprise cannot use, with its reason (secrets masked)."""
    from flows.checks import channel_problem

    return [
        f"{path}: channels.{name}: {problem}"
        for name, url in cfg.channels.items()
        if (problem := channel_problem(url))
    ]


def _refuse_unusable_channels(path: Path, cfg: Config) -> None:
    """Exit 2 before anything runs when a channel URL is unusable: its alerts could never go."""
    if problems := _channel_problems(path, cfg):
        typer.echo("\n".join(f"error: {p}" for p in problems), err=True)
        raise typer.Exit(2)


def _warn_exposure(path: Path, as_error: bool = False) -> str | None:
    """Warn on stderr when the config file lets others read secrets written in it; as an error
    (returned, for `check --strict` to refuse) when `as_error`."""
    from flows.checks import config_exposure

    problem = config_exposure(path)
    if problem and as_error:
        return problem
    if problem:
        typer.echo(f"warning: {problem}", err=True)
    return None


def _run_cycle(path: Path):  # -> RunSummary | RunSkipped; imported lazily so `check` stays fast
    from sqlalchemy.exc import SQLAlchemyError

    from flows.checks import storage_problem
    from flows.config import load_config

    database = load_config(path).database
    # A damaged or read-only SQLite file is refused before Prefect starts, changing nothing.
    if problem := storage_problem(database) or prefect_problem():
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(1)
    from flows.console import quiet_storage_tracebacks
    from flows.monitor import CycleFailed, monitor
    from storage.db import DatabaseUnusable

    try:
        with quiet_storage_tracebacks(database):
            return monitor(config_path=str(path))
    except CycleFailed as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except (SQLAlchemyError, DatabaseUnusable) as exc:
        database_exit(exc, database)


def prefect_problem() -> str | None:
    """Why no flow can run here (no Prefect API at all), with what to do; None when one can."""
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or settings.server.ephemeral.enabled:
        return None
    return (
        "no Prefect API: PREFECT_API_URL is unset and PREFECT_SERVER_EPHEMERAL_ENABLED is "
        "false. Start a server (`.venv/bin/prefect server start`) and set "
        "PREFECT_API_URL=http://127.0.0.1:4200/api, or unset PREFECT_SERVER_EPHEMERAL_ENABLED "
        "to let newswatch start a temporary local API for the run."
    )


@app.command()
def serve(config: ConfigOption = None) -> None:
    """Run the cycle and the maintenance on the config's cron schedules (Ctrl-C stops)."""
    path, cfg = load_or_exit(config)
    _refuse_unusable_channels(path, cfg)
    _warn_exposure(path)
    parameters = {"config_path": str(path.resolve())}
    if os.environ.get("PREFECT_API_URL"):
        from prefect import serve as prefect_serve

        from flows.maintenance import maintenance
        from flows.monitor import monitor

        # A Prefect server schedules the runs; this process executes them.
        prefect_serve(
            monitor.to_deployment("newswatch-serve", cron=cfg.schedule, parameters=parameters),
            maintenance.to_deployment(
                "newswatch-serve", cron=cfg.retention.schedule, parameters=parameters
            ),
        )
        return
    from flows.schedule import run_on_schedule

    # Without a server Prefect cannot schedule, so keep the clock here; each run still
    # goes through its flow (temporary local API) and so keeps its retries and report.
    typer.echo(
        f"newswatch: running {path} on schedule {cfg.schedule!r}, maintenance on"
        f" {cfg.retention.schedule!r} (UTC); Ctrl-C stops"
    )
    run_on_schedule(
        [
            (cfg.schedule, lambda: typer.echo(_run_cycle(path).text())),
            (cfg.retention.schedule, lambda: _maintain(path)),
        ]
    )


@app.command()
def maintain(config: ConfigOption = None) -> None:
    """Apply the retention now: delete old versions and raw pages (never alerted ones)."""
    path, _ = load_or_exit(config)
    _maintain(path)


def _maintain(path: Path) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from flows.config import load_config
    from flows.console import quiet_storage_tracebacks
    from flows.maintenance import maintenance
    from storage.db import DatabaseUnusable, sqlite_file

    database = load_config(path).database
    if problem := prefect_problem():
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(1)
    try:
        with quiet_storage_tracebacks(database):
            pruned = maintenance(config_path=str(path))
    except (SQLAlchemyError, DatabaseUnusable) as exc:
        database_exit(exc, database)
    checked = "integrity: ok; " if sqlite_file(database) else ""  # PostgreSQL checks itself
    typer.echo(f"{checked}retention: deleted {pruned.versions} old versions,"
               f" {pruned.raw_pages} raw pages")  # fmt: skip


@app.command()
def demo(
    workdir: Annotated[Path, typer.Option(help="Where the demo keeps its database")] = Path(
        ".newswatch/demo"
    ),
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also show Prefect's run logs here")
    ] = False,
) -> None:
    """Run the whole pipeline offline against a bundled sample news site on 127.0.0.1."""
    from flows.console import prefect_console
    from flows.demo import run_demo

    with prefect_console(verbose):
        run_demo(workdir, typer.echo)


@app.command()
def clean(
    paths: Annotated[list[Path], typer.Argument(help="Saved HTML pages")],
    url: Annotated[
        str | None, typer.Option(help="The page's URL (default: the file's file:// URI)")
    ] = None,
    as_json: JsonOption = False,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            help='CSS selector or XPath ("/" or "(" first) of elements to cut first; repeatable'
        ),
    ] = None,
    explain: Annotated[
        bool, typer.Option(help="Also show why: article signals, each line cut and its rule")
    ] = False,
) -> None:
    """Show what cleaning makes of saved pages (no config or database; nothing is fetched)."""
    from flows.clean import clean_files

    status = clean_files(
        paths,
        url,
        as_json=as_json,
        echo=typer.echo,
        error=lambda message: typer.echo(message, err=True),
        exclude=exclude or (),
        explain=explain,
    )
    if status:
        raise typer.Exit(status)


if __name__ == "__main__":
    main()

"""The `newswatch` command line: the composition root that builds what each command needs."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from flows.config import Config, ConfigError, config_path, load_config

app = typer.Typer(help="Monitor news outlets and alert on watchlist matches.", no_args_is_help=True)
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Config file (default: $NEWSWATCH_CONFIG, newswatch.toml)"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON object per line")]
outlets_app = typer.Typer(help="What newswatch learned about each outlet.", no_args_is_help=True)
app.add_typer(outlets_app, name="outlets")

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


def _load(config: Path | None) -> tuple[Path, Config]:
    path = config_path(config)
    try:
        return path, load_config(path)
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
def check(config: ConfigOption = None) -> None:
    """Validate a config and say precisely what is wrong."""
    from alerts.notify import ChannelError, make_notifier

    path, cfg = _load(config)
    problems = []
    for name, url in cfg.channels.items():
        try:
            make_notifier(url)
        except ChannelError as exc:
            problems.append(f"{path}: channels.{name}: {exc}")
    if problems:
        typer.echo("\n".join(f"error: {p}" for p in problems), err=True)
        raise typer.Exit(2)
    typer.echo(
        f"{path}: OK — {len(cfg.outlets)} outlets, {len(cfg.watchlists)} watchlists, "
        f"{len(cfg.channels)} channels"
    )


@app.command()
def run(config: ConfigOption = None) -> None:
    """Run one monitoring cycle now and print a short summary."""
    path, _ = _load(config)
    summary = _run_cycle(path)
    typer.echo(summary.text())


def _run_cycle(path: Path):  # -> RunSummary; imported lazily so `check` stays fast
    from sqlalchemy.exc import SQLAlchemyError

    from flows.monitor import CycleFailed, monitor

    try:
        return monitor(config_path=str(path))
    except CycleFailed as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except SQLAlchemyError as exc:
        # The driver's message can quote the URL; print only the error class and its reason.
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        typer.echo(f"error: database unavailable: {type(exc).__name__}: {reason}", err=True)
        raise typer.Exit(1) from None


@app.command()
def serve(config: ConfigOption = None) -> None:
    """Run the cycle and the maintenance on the config's cron schedules (Ctrl-C stops)."""
    path, cfg = _load(config)
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
    path, _ = _load(config)
    _maintain(path)


def _maintain(path: Path) -> None:
    from flows.maintenance import maintenance

    pruned = maintenance(config_path=str(path))
    typer.echo(f"retention: deleted {pruned.versions} old versions, {pruned.raw_pages} raw pages")


@app.command()
def demo(
    workdir: Annotated[Path, typer.Option(help="Where the demo keeps its database")] = Path(
        ".newswatch/demo"
    ),
) -> None:
    """Run the whole pipeline offline against a bundled sample news site on 127.0.0.1."""
    from flows.demo import run_demo

    run_demo(workdir, typer.echo)


@app.command()
def articles(
    config: ConfigOption = None,
    as_json: JsonOption = False,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many, newest first")] = None,
) -> None:
    """List stored articles, with the other outlets that covered the same story."""
    from storage.articles import list_articles

    rows = _query(config, lambda s: list_articles(s, outlet=outlet, limit=limit))
    for row in rows:
        if as_json:
            typer.echo(_json_line(asdict(row)))
        else:
            when = row.published_at.strftime("%Y-%m-%d %H:%M") if row.published_at else "?"
            line = f"{when}  {row.outlet}  {row.title}  (v{row.version_count})  {row.url}"
            if row.also_covered_by:
                line += f"  also covered by: {', '.join(row.also_covered_by)}"
            if row.date_flag:
                line += f"  [date {row.date_flag}: first seen {row.first_seen_at:%Y-%m-%d}]"
            typer.echo(line)


@app.command()
def alerts(
    config: ConfigOption = None,
    as_json: JsonOption = False,
    status: Annotated[str | None, typer.Option(help="pending or sent")] = None,
) -> None:
    """List alerts: owed (pending) and sent."""
    from storage.outbox import list_alerts

    for row in _query(config, lambda s: list_alerts(s, status=status)):
        if as_json:
            typer.echo(_json_line(asdict(row)))
        else:
            error = f"  last error: {row.last_error}" if row.last_error else ""
            typer.echo(
                f"{row.status:7}  {row.watchlist}  {row.channel}  {row.url}"
                f"  attempts={row.attempts}{error}"
            )


@app.command()
def versions(url: str, config: ConfigOption = None) -> None:
    """Show the stored versions of one article and what changed between them."""
    from storage.articles import article_versions, version_diff

    rows = _query(config, lambda s: article_versions(s, url))
    if not rows:
        typer.echo(f"error: no article stored at {url}", err=True)
        raise typer.Exit(1)
    for older, newer in zip([None, *rows], rows, strict=False):
        typer.echo(
            f"version {newer.version}  fetched {newer.fetched_at:%Y-%m-%d %H:%M}  {newer.title}"
        )
        if older is not None:
            typer.echo(
                version_diff(older.text, newer.text, f"v{older.version}", f"v{newer.version}")
            )


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
    )
    if status:
        raise typer.Exit(status)


@outlets_app.command("boilerplate")
def outlet_boilerplate(name: str, config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Show the sentences learned as an outlet's boilerplate (stripped from its articles)."""
    from storage.articles import count_articles
    from storage.boilerplate import LearningRules
    from storage.learned import learned_sentences

    rows, stored = _query(
        config, lambda s: (learned_sentences(s, name), count_articles(s, outlet=name))
    )
    if as_json:
        for row in rows:
            typer.echo(_json_line(asdict(row)))
        return
    if not rows:
        warmup = LearningRules().warmup
        typer.echo(
            f"{name}: no boilerplate learned ({stored} articles stored; learning starts"
            f" at {warmup} and needs a sentence on at least 5 of them and 20%)"
        )
        return
    typer.echo(f"{name}: {len(rows)} sentences learned as boilerplate, stripped before matching")
    for row in rows:
        typer.echo(
            f"{row.articles:4}/{row.sample:<4} since {row.first_learned_at:%Y-%m-%d}  "
            f"{row.sentence or '(no example kept)'}"
        )


@app.command()
def reclean(
    config: ConfigOption = None,
    as_json: JsonOption = False,
    since: Annotated[
        datetime | None, typer.Option(help="Only pages fetched since then (UTC)")
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet")] = None,
) -> None:
    """Clean kept pages again (after an upgrade or new boilerplate) and store what changed;
    no alert is sent for a re-clean."""
    from flows.reclean import reclean as run_reclean

    since = since.replace(tzinfo=UTC) if since and since.tzinfo is None else since
    report = _with_engine(config, lambda cfg, engine: run_reclean(
        engine, cfg, since=since, outlet=outlet))  # fmt: skip
    for row in report.changed:
        if as_json:
            typer.echo(_json_line(asdict(row)))
        else:
            title = ", title changed" if row.title_changed else ""
            typer.echo(
                f"changed  {row.outlet}  {row.url}  "
                f"({row.words_before} -> {row.words_after} words{title})"
            )
    for url in report.not_article:
        typer.echo(f"error: {url}: no longer cleans to an article; stored text kept", err=True)
    typer.echo(
        f"re-cleaned {report.checked} kept pages: {len(report.changed)} changed, "
        f"{report.unchanged} unchanged, {len(report.not_article)} not an article",
        err=as_json,
    )


def _query(config: Path | None, fetch):
    from sqlalchemy.orm import Session

    def in_session(_cfg: Config, engine):
        with Session(engine) as session:
            return fetch(session)

    return _with_engine(config, in_session)


def _with_engine(config: Path | None, work):
    from storage.db import make_engine, migrate

    _, cfg = _load(config)
    engine = make_engine(cfg.database)
    try:
        migrate(engine)
        return work(cfg, engine)
    finally:
        engine.dispose()


def _json_line(data: dict) -> str:
    return json.dumps(data, default=_json_default, ensure_ascii=False)


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


if __name__ == "__main__":
    main()

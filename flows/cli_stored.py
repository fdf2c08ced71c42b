"""The `newswatch` commands about what is stored: articles, alerts, versions, outlets, reclean."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from flows.cli_alerts import alerts_app
from flows.cli_options import (
    ConfigOption,
    JsonOption,
    json_line,
    query,
    with_engine,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from flows.config import Config
    from storage.boilerplate import Evidence

stored = typer.Typer()
outlets_app = typer.Typer(help="Each outlet's health, and what newswatch learned about it.")
stored.add_typer(outlets_app, name="outlets")
stored.add_typer(alerts_app, name="alerts")


@stored.command()
def articles(
    config: ConfigOption = None,
    as_json: JsonOption = False,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many, newest first")] = None,
) -> None:
    """List stored articles, with the other outlets that covered the same story."""
    from storage.articles import list_articles

    rows = query(config, lambda s: list_articles(s, outlet=outlet, limit=limit))
    for row in rows:
        if as_json:
            typer.echo(json_line(asdict(row)))
        else:
            when = row.published_at.strftime("%Y-%m-%d %H:%M") if row.published_at else "?"
            line = f"{when}  {row.outlet}  {row.title}  (v{row.version_count})  {row.url}"
            if row.also_covered_by:
                line += f"  also covered by: {', '.join(row.also_covered_by)}"
            if row.date_flag:
                line += f"  [date {row.date_flag}: first seen {row.first_seen_at:%Y-%m-%d}]"
            typer.echo(line)


@stored.command()
def versions(url: str, config: ConfigOption = None) -> None:
    """Show the stored versions of one article and what changed between them."""
    from storage.articles import article_versions, version_diff

    rows = query(config, lambda s: article_versions(s, url))
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


@outlets_app.callback(invoke_without_command=True)
def outlets(ctx: typer.Context, config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """List each configured outlet's health (ok, failing, degraded, silent) since when, its
    latest new article and its latest run's counts, then each alert channel's (ok or dead;
    `kind` tells them apart in --json); `outlets boilerplate NAME` for the rest."""
    if ctx.invoked_subcommand is not None:
        return
    rows = with_engine(config, _overview)
    for row in rows:
        if as_json:
            typer.echo(json_line(asdict(row)))
            continue
        since = f" since {row.since:%Y-%m-%d %H:%M} UTC" if row.since else ""
        typer.echo(f"{row.outlet}: {row.state}{since}{f' ({row.reason})' if row.reason else ''}")
        if row.kind == "outlet":
            latest = row.last_new_article_at
            new = f"{latest:%Y-%m-%d %H:%M} UTC" if latest else "never"
            typer.echo(f"  last new article: {new}; last run: {_run_line(row.last_run)}")


def _overview(cfg: Config, engine: Engine) -> list:
    from sqlalchemy.orm import Session

    from storage.health import channel_overview, overview

    with Session(engine) as session:
        outlets = overview(session, [o.name for o in cfg.outlets])
        return outlets + channel_overview(session, list(cfg.channels))


def _run_line(run: dict | None) -> str:
    """A run's counts on one line."""
    if run is None:
        return "none yet"
    errors = ", ".join(f"{kind}×{n}" for kind, n in sorted(run["errors"].items()))
    return (
        f"{run['at']:%Y-%m-%d %H:%M} UTC, {run['discovered']} discovered, {run['fetched']} "
        f"fetched, {run['new']} new, {run['updated']} updated, {run['failed']} failed"
        f"{f' ({errors})' if errors else ''}, {run['blocked']} block pages, {run['short']} "
        f"short, {run['not_article']} not articles, {run['not_modified']}/{run['responses']} "
        "responses 304"
    )


@outlets_app.command("add")
def outlet_add(
    url: Annotated[str, typer.Argument(help="The site's home page (or any page of it)")],
    name: Annotated[str | None, typer.Option(help="Outlet name (default: the site's)")] = None,
    intranet: Annotated[bool, typer.Option(help="Allow a private or loopback address")] = False,
    dry_run: Annotated[bool, typer.Option(help="Show the entry, change nothing")] = False,
    config: ConfigOption = None,
) -> None:
    """Find a site's feeds and sitemaps (home page links, common paths, robots.txt) and append
    an [[outlets]] entry for them to the config."""
    from flows.config import config_path
    from flows.discover import add_site

    status = add_site(url, config_path(config), name=name, intranet=intranet,
                      dry_run=dry_run, echo=typer.echo)  # fmt: skip
    if status:
        raise typer.Exit(status)


@outlets_app.command("boilerplate")
def outlet_boilerplate(name: str, config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Show the sentences learned as an outlet's boilerplate and where they stand in its
    articles (they are stripped only where they stand as furniture)."""
    from storage.articles import count_articles
    from storage.boilerplate import LearningRules
    from storage.learned import learned_sentences

    rows, stored = query(
        config, lambda s: (learned_sentences(s, name), count_articles(s, outlet=name))
    )
    if as_json:
        for row in rows:
            typer.echo(json_line(asdict(row)))
        return
    if not rows:
        warmup = LearningRules().warmup
        typer.echo(
            f"{name}: no boilerplate learned ({stored} articles stored; learning starts"
            f" at {warmup} and needs a sentence standing as furniture, in a paragraph of"
            " recurring sentences or at the top or tail, on at least 5 of them and 20%)"
        )
        return
    typer.echo(
        f"{name}: {len(rows)} sentences learned as boilerplate, stripped where they stand as"
        " furniture; below each, in how many of the latest articles it stood where"
    )
    for row in rows:
        typer.echo(
            f"{row.articles:4}/{row.sample:<4} since {row.first_learned_at:%Y-%m-%d}  "
            f"{row.sentence or '(no example kept)'}"
        )
        typer.echo(f"{'':11}{_evidence_line(row.evidence)}")


def _evidence_line(evidence: Evidence) -> str:
    """In how many of the latest stored articles a learned sentence stood where."""
    parts = [
        f"alone in its paragraph {evidence.alone}",
        f"in a block of recurring sentences {evidence.block}",
        f"at the top or tail {evidence.edge}",
    ]
    if evidence.cut:
        parts.append(f"cut before places were kept {evidence.cut}")
    return " · ".join(parts) + f" | inside new text {evidence.inside}"


@stored.command()
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
    report = with_engine(config, lambda cfg, engine: run_reclean(
        engine, cfg, since=since, outlet=outlet))  # fmt: skip
    for row in report.changed:
        if as_json:
            typer.echo(json_line(asdict(row)))
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

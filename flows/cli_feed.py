"""The `newswatch feed` command: one watchlist's alerted stories as an Atom or JSON feed."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from flows.cli_options import ConfigOption, load_or_exit, query

feed_app = typer.Typer()


@feed_app.command()
def feed(
    name: Annotated[str, typer.Argument(help="The watchlist's name")],
    fmt: Annotated[
        Literal["atom", "json"], typer.Option("--format", help="Atom 1.0 or JSON Feed 1.1")
    ] = "atom",
    config: ConfigOption = None,
) -> None:
    """Print a watchlist's alerted stories, newest first, as a feed."""
    from alerts.feed import RENDERERS
    from storage.feeds import watchlist_feed

    path, cfg = load_or_exit(config)
    known = [w.name for w in cfg.watchlists]
    if name not in known:
        typer.echo(
            f"error: {path}: no watchlist {name!r} (known: {', '.join(known) or 'none'})",
            err=True,
        )
        raise typer.Exit(2)
    entries = query(path, lambda s: watchlist_feed(s, name))
    typer.echo(RENDERERS[fmt](name, entries), nl=False)

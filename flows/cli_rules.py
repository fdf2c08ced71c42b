"""`newswatch rules test` and `rules backtest`: try watchlists on examples, given articles and
the stored history before they reach a channel. Nothing here sends or queues an alert."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alerts.matcher import Article
from alerts.rules import RuleFailure, excerpt, explain, rule_failures
from alerts.rules_backtest import Backtest, StoredArticle, day_of, highlighted
from flows.cli_options import ConfigOption, JsonOption, json_line, load_or_exit, query
from flows.config import Config, Example

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement
    from sqlalchemy.orm import Session

    from alerts.query import Query

rules_app = typer.Typer(
    help="Try watchlists: their rule tests, an article, or the stored history (nothing is sent).",
    no_args_is_help=True,
)
NamesArgument = Annotated[
    list[str] | None, typer.Argument(help="Watchlists to try (default: all)", show_default=False)
]


def as_article(example: str | Example) -> Article:
    """A rule-test example from the config as an article (a bare string is its text)."""
    if isinstance(example, str):
        return Article("", example)
    return Article(example.title, example.text, example.author, example.outlet, example.lang)


def config_rule_failures(cfg: Config, names: Iterable[str] | None = None) -> list[RuleFailure]:
    """Every failing rule test of the config's watchlists (only of `names` when given)."""
    queries, wanted = cfg.queries(), set(names or ())
    return [
        failure
        for w in cfg.watchlists
        if not wanted or w.name in wanted
        for failure in rule_failures(
            w.name,
            queries[w.name],
            map(as_article, w.must_match),
            map(as_article, w.must_not_match),
        )
    ]


@rules_app.command("test")
def test_rules(
    names: NamesArgument = None,
    text: Annotated[str | None, typer.Option(help="Try this text, not the rule tests")] = None,
    title: Annotated[str, typer.Option(help="The title that goes with --text")] = "",
    file: Annotated[
        Path | None, typer.Option(help="Try a saved page (.html, cleaned first) or a text file")
    ] = None,
    url: Annotated[str | None, typer.Option(help="Try the stored article with this URL")] = None,
    config: ConfigOption = None,
) -> None:
    """Run the watchlists' rule tests (exit 1 if one fails), or explain how each watchlist
    reads one article given with --text, --file or --url."""
    path, cfg = load_or_exit(config)
    _known_or_exit(path, cfg, names or [])
    if text is None and file is None and url is None:
        _run_rule_tests(cfg, names)
        return
    article = _given_article(config, text, title, file, url)
    queries = cfg.queries()
    for name in names or list(queries):
        typer.echo(_explained(name, queries[name], article))


def _run_rule_tests(cfg: Config, names: list[str] | None) -> None:
    failures = config_rule_failures(cfg, names)
    for failure in failures:
        typer.echo(failure.text())
    tried = [w for w in cfg.watchlists if not names or w.name in names]
    examples = sum(len(w.must_match) + len(w.must_not_match) for w in tried)
    untested = [w.name for w in tried if not (w.must_match or w.must_not_match)]
    summary = f"{examples - len(failures)}/{examples} rule tests pass in {len(tried)} watchlists"
    if untested:
        summary += f"; no rule tests: {', '.join(untested)}"
    typer.echo(summary)
    if failures:
        raise typer.Exit(1)


def _explained(name: str, parsed: Query, article: Article) -> str:
    from alerts.matcher import match

    hit = match(parsed, article.title, article.text, author=article.author,
                outlet=article.outlet, language=article.language)  # fmt: skip
    if hit is None:
        head = [f"{name}: no match"]
    else:
        found = ", ".join(f"{t} ({f})" for t, f in zip(hit.terms, hit.fields, strict=True))
        head = [f"{name}: MATCH — {found}", f"  {highlighted(hit)}"]
    return "\n".join([*head, *(f"  {line}" for line in explain(parsed, article))])


def _given_article(
    config: Path | None, text: str | None, title: str, file: Path | None, url: str | None
) -> Article:
    if text is not None:
        return Article(title, text)
    if file is not None:
        return _file_article(file, title)
    found = query(config, lambda session: _stored_article(session, url or ""))
    if found is None:
        typer.echo(f"error: no stored article has the URL {url!r}", err=True)
        raise typer.Exit(2)
    return found


def _file_article(file: Path, title: str) -> Article:
    try:
        data = file.read_bytes()
    except OSError as exc:
        typer.echo(f"error: {file}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    if file.suffix.lower() not in (".html", ".htm"):
        return Article(title, data.decode("utf-8", errors="replace"))
    from spiders.extract import clean_page

    page = clean_page(data, file.resolve().as_uri())
    if page is None:
        typer.echo(f"error: {file}: cleaning found no article on this page", err=True)
        raise typer.Exit(2)
    return Article(page.title, page.text, page.author or "", "", page.language)


def _stored_article(session: Session, url: str) -> Article | None:
    from sqlalchemy import select

    from storage.models import Article as Row

    row = session.scalars(select(Row).where(Row.url == url)).first()
    if row is None:
        return None
    return Article(row.title, row.text, row.author or "", row.outlet, row.language)


def _known_or_exit(path: Path, cfg: Config, names: Iterable[str]) -> None:
    known = [w.name for w in cfg.watchlists]
    for name in names:
        if name not in known:
            typer.echo(
                f"error: {path}: no watchlist {name!r} (known: {', '.join(known) or 'none'})",
                err=True,
            )
            raise typer.Exit(2)


@rules_app.command("backtest")
def backtest(
    name: Annotated[str | None, typer.Argument(help="The watchlist to try")] = None,
    query_text: Annotated[
        str | None, typer.Option("--query", help="Try this query instead of a watchlist's")
    ] = None,
    days: Annotated[int, typer.Option(min=1, help="How many days back to look")] = 7,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show what a watchlist (or --query) would have alerted on the stored articles of the
    last days: alerts per day, the stories and a highlighted sample. Nothing is sent."""
    from alerts.query import QueryError, parse_query

    path, cfg = load_or_exit(config)
    if (name is None) == (query_text is None):
        typer.echo("error: give a watchlist NAME or --query, not both", err=True)
        raise typer.Exit(2)
    if name is not None:
        _known_or_exit(path, cfg, [name])
    try:
        parsed = cfg.queries()[name] if name else parse_query(query_text or "", cfg.aliases)
    except QueryError as exc:
        typer.echo(f"error: --query: {exc}\n{exc.caret()}", err=True)
        raise typer.Exit(2) from None
    since = datetime.now(UTC) - timedelta(days=days)
    result = query(config, lambda s: run_backtest(s, name or "--query", parsed, since, days))
    typer.echo(json_line(result.to_dict()) if as_json else result.text())


def run_backtest(
    session: Session, label: str, parsed: Query, since: datetime, days: int
) -> Backtest:
    """Match `parsed` over the articles stored since `since`, oldest first (reads only): the
    full-text index picks the candidates, the exact matcher decides."""
    from alerts.matcher import Watchlists
    from alerts.prefilter import required
    from storage.search import candidate

    compiled = Watchlists({label: parsed})
    result = Backtest(label, days)
    read = 0
    for stored, article in _stored_since(session, since, candidate(session, required(parsed))):
        read += 1
        if compiled.surely_misses(article):
            result.add(stored, None)
        else:
            result.add(stored, compiled.evaluate(parsed, compiled.hits(article)))
    result.rule_out(_count_since(session, since) - read)
    return result


def _day() -> ColumnElement[datetime]:
    from sqlalchemy import func

    from storage.models import Article as Row

    return func.coalesce(Row.published_at, Row.first_seen_at)


def _count_since(session: Session, since: datetime) -> int:
    from sqlalchemy import func, select

    return session.scalar(select(func.count()).where(_day() >= since)) or 0


def _stored_since(
    session: Session, since: datetime, candidate: ColumnElement[bool]
) -> Iterator[tuple[StoredArticle, Article]]:
    from sqlalchemy import select

    from storage.models import Article as Row

    day = _day()
    columns = (Row.id, Row.story_id, Row.url, Row.outlet, Row.title, Row.text, Row.author,
               Row.language, Row.published_at, Row.first_seen_at)  # fmt: skip
    rows = session.execute(
        select(*columns).where(day >= since, candidate).order_by(day, Row.id),
        execution_options={"yield_per": 2000},
    )
    for row in rows:
        stored = StoredArticle(row.id, row.story_id, row.url, row.outlet, row.title,
                               day_of(row.published_at, row.first_seen_at))  # fmt: skip
        yield stored, Article(row.title, row.text, row.author or "", row.outlet, row.language)


__all__ = ["config_rule_failures", "excerpt", "rules_app"]

"""Storing while the crawl runs: batching (pure), reading records being written, and batches
stored one transaction each with one story index, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from test_stories import WIRE, article, wire_copy

from flows.config import Config
from flows.crawl import JsonLinesTail
from flows.progress import progress_line, watching
from flows.store import Batcher, Store, store_all
from spiders.items import ArticleRecord
from storage.models import Alert, Article

CONFIG = Config.model_validate(
    {
        "channels": {"desk": "json://127.0.0.1:9/hook"},
        "watchlists": [{"name": "syria", "query": "Syria", "notify": ["desk"]}],
    }
)


def record(outlet: str, n: int) -> ArticleRecord:
    url = f"https://{outlet}.example/{n}"
    return ArticleRecord(url=url, fetched_url=url, outlet=outlet, title=f"T{n}", text=f"Text {n}")


def test_a_cold_outlet_waits_for_enough_articles_to_learn_from() -> None:
    batcher = Batcher({"warm": 500}, size=3, seconds=60, warm_at=4)
    batcher.add([record("cold", n) for n in range(3)], now=0)
    batcher.add([record("warm", 1)], now=0)
    assert batcher.take(now=1) == []  # 1 ready record: fewer than a batch, not yet old
    batcher.add([record("warm", 2), record("warm", 3)], now=1)
    assert [r.url for r in batcher.take(now=1)] == [record("warm", n).url for n in (1, 2, 3)]
    batcher.add([record("cold", 3)], now=2)  # the 4th: the cold outlet can learn now
    assert [r.outlet for r in batcher.take(now=2)] == ["cold"] * 4
    assert batcher.stored == {"warm": 503, "cold": 4}


def test_a_slow_crawl_is_stored_after_the_wait_and_the_rest_at_the_end() -> None:
    batcher = Batcher({"warm": 500, "small": 2}, size=100, seconds=2, warm_at=200)
    batcher.add([record("warm", 1), record("small", 1)], now=10)
    assert batcher.take(now=11) == []
    assert [r.outlet for r in batcher.take(now=12)] == ["warm"]  # waited 2 s
    assert batcher.take(now=30) == []  # the small outlet waits for the crawl's end…
    assert [r.outlet for r in batcher.take(now=30, final=True)] == ["small"]  # …then goes
    assert batcher.take(now=30, final=True) == []


def test_tail_reads_only_complete_lines_as_they_are_written(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    tail = JsonLinesTail(path)
    assert tail.read() == [] and tail.at_end  # not written yet
    first, second = json.dumps({"n": 1}), json.dumps({"n": 2})
    with path.open("w") as out:
        out.write(first + "\n" + second[:4])
        out.flush()
        assert tail.read() == [{"n": 1}]
        out.write(second[4:] + "\n")
        out.flush()
        assert tail.read(limit=3) == [] and not tail.at_end  # bounded: ends mid-line, kept
        assert tail.read() == [{"n": 2}] and tail.at_end
    assert tail.read() == []


def test_batches_commit_apart_and_share_one_story_index(engine: Engine) -> None:
    recent = datetime.now(UTC) - timedelta(hours=1)  # fresh enough to alert on
    copies = [wire_copy(n, f"Outlet {n}", published_at=recent) for n in range(4)]
    other = article("https://other.example/a", "Other", WIRE[:1], "Syria talks", recent)
    chunks = [[copies[0]], [copies[1], other], [copies[2]], [copies[3]]]  # as a crawl hands them
    store = Store(engine, CONFIG, pages=None)

    store_all(store, chunks, Batcher({}, size=2, seconds=3600, warm_at=0))

    with Session(engine) as session:
        stories = dict(session.execute(select(Article.url, Article.story_id)).all())
        alerts = session.scalar(select(func.count(Alert.id)))
    assert len(stories) == 5
    # Copies stored in later batches (later transactions) joined the first copy's story.
    assert len({stories[c.url] for c in copies}) == 1
    assert alerts == 2  # one for the wire story, one for the other story
    assert sum(c["new"] for c in store.counts.values()) == 5


def test_whoever_watches_hears_each_stored_batch(engine: Engine) -> None:
    heard: list[tuple[int, int]] = []
    recent = datetime.now(UTC) - timedelta(hours=1)
    copies = [wire_copy(n, f"Outlet {n}", published_at=recent) for n in range(3)]

    def listen(counts: Mapping[str, Counter], cleaned: int) -> None:
        heard.append((sum(c["new"] for c in counts.values()), cleaned))

    with watching(listen):
        store_all(Store(engine, CONFIG, pages=None), [copies[:2], [], copies[2:]],
                  Batcher({}, size=2, seconds=3600, warm_at=0))  # fmt: skip
    assert heard == [(2, 2), (2, 3), (3, 3)]  # after each chunk that came, and the last batch
    line = progress_line({"Outlet 0": Counter(new=2, matched=1)}, 5, outlets=4)
    assert line == "cleaned 5 · stored 2 (2 new, 0 updated) · alerts for 1 · outlets 1/4"

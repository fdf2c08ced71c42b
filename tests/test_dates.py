"""Tests for publish days: URL dates, UTC-written bare days, feed offsets, an outlet's country."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from time import strptime
from zoneinfo import ZoneInfo

import pytest

from spiders.byline import labelled_date
from spiders.dates import feed_entry_date, url_date
from spiders.extract import clean_page
from spiders.region import country_zones, local_zone, midnight_zone, page_country


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://blog.example.org/2023/10/3-questions-for-the-mayor/", None),  # a slug
        ("https://news.example.org/2023/10/03-election-night/", date(2023, 10, 3)),
        ("https://news.example.org/2016-11-10-talks-resume", date(2016, 11, 10)),
        ("https://www.example.se/20200428/a-tattoo-of-the-epidemiologist", date(2020, 4, 28)),
        ("https://www.example.de/meldung/2022/20220124-foerderung.html", date(2022, 1, 24)),
        ("https://news.example.org/story/12345678/", None),  # an id, not a day
        ("https://news.example.org/20221399/", None),  # no 99th of December
        ("https://news.example.org/search?from=/2016/11/10/", None),  # a query, not the path
    ],
)
def test_url_dates(url: str, day: date | None) -> None:
    found = url_date(url)
    assert (found.date() if found else None) == day


@pytest.mark.parametrize(
    ("url", "lang", "country"),
    [
        ("https://www.example.de/artikel/1", None, "de"),
        ("https://www.example.co.uk/news/1", None, "gb"),
        ("https://www.example.com.co/noticia/1", None, "co"),
        ("https://startup.example.io/post/1", "en-US", "us"),  # .io is a brand, the locale speaks
        ("https://www.example.com/story/1", "pt_BR", "br"),
        ("https://www.example.com/story/1", "en", None),  # a language names no country
        ("https://www.example.com/story/1", "es-419", None),  # nor does a region of the world
        ("http://127.0.0.1:8000/a", None, None),
    ],
)
def test_page_country(url: str, lang: str | None, country: str | None) -> None:
    from lxml.html import fromstring

    tree = fromstring(f"<html{f' lang={lang!r}' if lang else ''}><body><p>x</p></body></html>")
    assert page_country(url, tree) == country


def test_a_utc_instant_is_moved_only_when_it_is_a_local_midnight() -> None:
    berlin = country_zones("de")
    assert midnight_zone(datetime(2021, 11, 4, 23, 0, tzinfo=UTC), berlin) == ZoneInfo(
        "Europe/Berlin"
    )  # 00:00 CET on 5 November: a bare day kept as local midnight
    assert midnight_zone(datetime(2021, 11, 4, 23, 30, tzinfo=UTC), berlin) is None
    assert midnight_zone(datetime(2021, 11, 4, 23, 0, tzinfo=UTC), ()) is None
    # The United States span many zones: 05:00Z is midnight in New York in winter.
    assert midnight_zone(datetime(2023, 1, 9, 5, 0, tzinfo=UTC), country_zones("us")) is not None


def test_a_utc_time_of_day_takes_a_local_day_only_in_a_country_on_one_offset() -> None:
    instant = datetime(2022, 5, 4, 0, 25, tzinfo=UTC)
    assert local_zone(instant, country_zones("ar")) is not None  # all of Argentina: UTC-3
    assert local_zone(instant, country_zones("us")) is None  # New York to Honolulu
    assert local_zone(instant, ()) is None


PUBLISHED = "2024-04-28T09:00:00+02:00"


def _story(
    published: str = PUBLISHED,
    *,
    byline: str = "",
    lang: str = "",
    after: str = "",
    above: str = "",
) -> str:
    prose = "".join(
        f"<p>Paragraph {i} of the council's report on the new tram line, with its costs and the "
        "objections raised by residents along the route during the consultation.</p>"
        for i in range(6)
    )
    return (
        f"<html{f' lang={lang!r}' if lang else ''}><head>"
        f'<meta property="article:published_time" content="{published}">'
        "<title>Council approves the tram line</title></head><body><article>"
        f"{above}<h1>Council approves the tram line</h1>{byline}{prose}</article>{after}"
        "</body></html>"
    )


def test_a_bare_day_written_as_utc_takes_the_outlets_local_day() -> None:
    # A German CMS keeps 5 November as midnight in Berlin and writes it in UTC.
    page = clean_page(_story("2021-11-04T23:00:00+00:00"), "https://www.example.de/a")
    assert page is not None and page.published_at is not None
    assert page.published_at.date() == date(2021, 11, 5)
    assert page.published_at == datetime(2021, 11, 4, 23, 0, tzinfo=UTC)  # the same instant
    # A real time of day in UTC says nothing of the outlet's day: the day as written stays.
    late = clean_page(
        _story("2023-11-09T04:31:00+00:00", lang="en-US"), "https://news.example.com/a"
    )
    assert late is not None and late.published_at is not None
    assert late.published_at.date() == date(2023, 11, 9)  # the US span several offsets
    # A country on one offset names its readers' day: 00:25 GMT is 21:25 in Buenos Aires.
    evening = clean_page(
        _story("2022-05-04T00:25:56Z"), "https://www.example.com.ar/nota"
    )
    assert evening is not None and evening.published_at is not None
    assert evening.published_at.date() == date(2022, 5, 3)
    # Nowhere to place the page: as written.
    unknown = clean_page(_story("2021-11-04T23:00:00+00:00"), "https://news.example.com/a")
    assert unknown is not None and unknown.published_at is not None
    assert unknown.published_at.date() == date(2021, 11, 4)


def test_a_configured_zone_wins_over_the_pages_country() -> None:
    page = clean_page(
        _story("2021-11-04T23:00:00+00:00"), "https://www.example.de/a",
        zone=ZoneInfo("America/New_York"),
    )  # fmt: skip
    assert page is not None and page.published_at is not None
    assert page.published_at.date() == date(2021, 11, 4)  # 18:00 in New York


def test_a_feed_entry_keeps_the_offset_it_was_written_with() -> None:
    tokyo = timezone(timedelta(hours=9))
    entry = {
        "published": "Tue, 03 May 2022 08:00:00 +0900",
        "published_parsed": strptime("2022-05-02 23:00:00", "%Y-%m-%d %H:%M:%S"),  # feedparser's
    }
    found = feed_entry_date(entry)
    assert found == datetime(2022, 5, 3, 8, 0, tzinfo=tokyo)
    assert found is not None and found.date() == date(2022, 5, 3)  # not 2 May, as UTC says
    # Only feedparser reads this one: its UTC struct is the fallback.
    odd = {"published": "3rd of May", "published_parsed": strptime("2022-05-02", "%Y-%m-%d")}
    assert feed_entry_date(odd) == datetime(2022, 5, 2, tzinfo=UTC)
    assert feed_entry_date({"updated": "2022-05-03T10:00:00+02:00"}) == datetime(
        2022, 5, 3, 8, 0, tzinfo=UTC
    )
    assert feed_entry_date({}) is None


def test_the_day_printed_under_the_headline_is_the_pages_word() -> None:
    page = clean_page(
        _story(byline="<p class='byline'>By Jo Marsh · 4 May 2024</p>"), "https://x.test/a"
    )
    assert page is not None and page.published_at is not None
    assert (page.published_at.date(), page.published_source) == (date(2024, 5, 4), "byline")
    timed = clean_page(
        _story(byline='<p>By Jo <time datetime="2024-05-03T22:10:00-04:00">Friday</time></p>'),
        "https://x.test/a",
    )
    assert timed is not None and timed.published_at is not None
    assert timed.published_at.date() == date(2024, 5, 3)
    # The date as the tail of the byline's last element, not an element's own text.
    tail = clean_page(
        _story(byline="<p><span>By</span> <a href='/jo'>Jo Marsh</a><br>on 20.04.2024</p>"),
        "https://x.test/a",
    )
    assert tail is not None and tail.published_at is not None
    assert tail.published_at.date() == date(2024, 4, 20)


def test_an_update_line_and_dates_in_the_prose_are_not_the_byline() -> None:
    updated = clean_page(_story(byline="<p>Updated 12 May 2024</p>"), "https://x.test/a")
    assert updated is not None and updated.published_at is not None
    assert updated.published_at.date() == date(2024, 4, 28)  # the markup's, not the update's
    in_prose = clean_page(
        _story(
            byline="<p>The council first discussed the tram line in a long session that ran late "
            "into the evening, and on 3 March 2021 it asked for a study.</p>"
        ),
        "https://x.test/a",
    )
    assert in_prose is not None and in_prose.published_at is not None
    assert in_prose.published_at.date() == date(2024, 4, 28)


def test_a_url_day_wins_its_tie_with_a_disagreeing_byline() -> None:
    page = clean_page(
        _story(byline="<p>4 May 2024</p>"),
        "https://x.test/2024/04/28/tram",
    )
    assert page is not None and page.published_at is not None
    assert page.published_at.date() == date(2024, 4, 28)


@pytest.mark.parametrize(
    ("runs", "day"),
    [
        ("<p>Erschienen am: 13.10.2021</p>", date(2021, 10, 13)),
        ("<p><span>Published</span> <span>May 4, 2022 6:10pm EDT</span></p>", date(2022, 5, 4)),
        ("<p>Written: 2023-11-07 15:03:30 / Updated: 2023-11-08 09:00:00</p>", date(2023, 11, 7)),
        ("<p>Publicado el 6 de mayo de 2022</p>", date(2022, 5, 6)),
        ("<p>Datum: 18.10.2021</p>", date(2021, 10, 18)),
        ("<p>Julkaistu 7.11.2023 15:03</p>", date(2023, 11, 7)),
        ("<p>Опубликовано: 7 ноября 2023</p>", date(2023, 11, 7)),
        ("<p>发布时间：2023-11-07 15:03</p>", date(2023, 11, 7)),
        ("<span>입력</span><span>2023.11.07 15:03</span>", date(2023, 11, 7)),
        ("<p>Aktuelles Datum und Uhrzeit: 11/02/20</p>", None),  # the page's clock
        ("<p>a column published by Les Echos (26/11/2019)</p>", None),  # someone else's date
        ("<p>Your e-mail address will not be published. 12 comments</p>", None),
        ("<p>Update: 2 June 2023</p>", None),
        ("<p>Обновлено: 8 ноября 2023</p>", None),
        (f"<p>{'Long prose, ' * 12}published on 3 March 2021 in the gazette.</p>", None),
    ],
)
def test_a_date_after_a_publication_label(runs: str, day: date | None) -> None:
    from lxml.html import fromstring

    found = labelled_date(fromstring(f"<html><body><div>{runs}</div></body></html>"))
    assert (date.fromisoformat(found) if found else None) == day


def test_a_labelled_publication_day_outranks_the_markup_but_not_the_byline() -> None:
    # The label stands after the article (a footer of facts), where no byline is read.
    footer = "<footer><span>Erschienen am</span> <span>26. April 2024</span></footer>"
    page = clean_page(_story(after=footer), "https://x.test/a")
    assert page is not None and page.published_at is not None
    assert (page.published_at.date(), page.published_source) == (date(2024, 4, 26), "label")
    bylined = clean_page(
        _story(byline="<p>By Jo Marsh · 27 April 2024</p>", after=footer), "https://x.test/a"
    )
    assert bylined is not None and bylined.published_at is not None
    assert bylined.published_at.date() == date(2024, 4, 27)


@pytest.mark.parametrize(
    ("published", "day"),
    [
        ("2024-04-28T09:00:00+02:00", date(2024, 4, 28)),  # went out the day after filing
        ("2024-04-28T01:00:00Z", date(2024, 4, 27)),  # UTC: says nothing of the local day
        ("2025-04-28T09:00:00+02:00", date(2024, 4, 27)),  # a year on: a republication
        ("2024-04-26T09:00:00+02:00", date(2024, 4, 27)),  # before the URL's day: the URL's
    ],
)
def test_a_local_page_time_in_the_days_after_the_url_day_wins_their_tie(
    published: str, day: date
) -> None:
    page = clean_page(_story(published), "https://x.test/2024/04/27/tram-line")
    assert page is not None and page.published_at is not None
    assert page.published_at.date() == day


def test_a_label_and_the_markup_that_agree_outvote_the_byline() -> None:
    # A blog's page opens with its latest post's date under the <h1>; the story's own label
    # and its markup agree on another day.
    footer = "<footer><span>Posted on</span> <span>28 April 2024</span></footer>"
    page = clean_page(
        _story(byline="<p>Latest: 2 May 2024</p>", after=footer), "https://x.test/a"
    )
    assert page is not None and page.published_at is not None
    assert page.published_at.date() == date(2024, 4, 28)


def test_a_dateline_right_above_the_headline_when_none_is_below_it() -> None:
    above = "<nav><a href='/'>Home</a> <a href='/city'>City</a></nav><p>26 Apr 2024 - 2:00</p>"
    page = clean_page(_story(above=above), "https://x.test/a")
    assert page is not None and page.published_at is not None
    assert (page.published_at.date(), page.published_source) == (date(2024, 4, 26), "byline")
    below = clean_page(
        _story(above=above, byline="<p>By Jo Marsh, 27 April 2024</p>"), "https://x.test/a"
    )
    assert below is not None and below.published_at is not None
    assert below.published_at.date() == date(2024, 4, 27)  # the byline under it comes first
    far = "<p>26 Apr 2024</p><nav><a href='/'>Home</a></nav>"  # not the run right above
    assert (page := clean_page(_story(above=far), "https://x.test/a")) is not None
    assert page.published_at is not None and page.published_at.date() == date(2024, 4, 28)

"""Tests for the cleaning classes that once lost real articles: each a small page by the team."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from lxml.html import fromstring

from spiders.boilerplate import find_furniture
from spiders.extract import clean_page, explain_page

PROSE = (
    "The county transit board voted on Monday to raise the adult ferry fare by 40 cents.",
    "Children under 12 will continue to ride free, and the monthly pass will stay at $30.",
    "The board expects the higher fares to raise about $600,000 a year for maintenance.",
    "A public meeting on the new summer timetable is planned for the end of the month.",
    "Commuters at the north terminal said the increase was modest but came at a bad time.",
)
URL = "https://lakeside.example/news/ferry-fares"


def _page(body: str, head: str = "", *, article_tag: str = "div class='story'") -> str:
    tag = article_tag.split()[0]
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Ferry fares rise | Lakeside Ledger</title>"
        f"<meta property='og:type' content='article'>{head}</head><body>"
        f"<{article_tag}><h1>Ferry fares rise</h1>{body}</{tag}></body></html>"
    )


def _paragraphs(lines: tuple[str, ...] = PROSE) -> str:
    return "".join(f"<p>{line}</p>" for line in lines)


@pytest.mark.parametrize(
    "wrapper",
    [
        "div class='post category-local-native-advertising-platform'",  # WordPress category
        "div id='offcanvas-wrapper' class='advertisement-offcanvas'",  # page wrapper
        "section class='article-body paywall'",  # the body is in the HTML behind a paywall
        "div class='promo-enabled story'",
    ],
)
def test_a_marker_on_the_block_holding_the_article_spares_it(wrapper: str) -> None:
    page, explanation = explain_page(_page(_paragraphs(), article_tag=wrapper), URL)
    assert page is not None and explanation is not None and explanation.refined is not None
    assert page.text.splitlines() == list(PROSE)
    assert explanation.refined.spared  # shown by `newswatch clean --explain`


def test_furniture_blocks_inside_the_article_are_still_cut() -> None:
    body = (
        _paragraphs(PROSE[:3])
        + "<div class='donate-box'><p>Support local journalism: we cover every board meeting."
        "</p><a href='/donate'>Donate now</a></div>"
        + "<p>Advertisement</p>"
        + "<aside class='related-links'><p>Ferry timetable changes explained</p></aside>"
        + _paragraphs(PROSE[3:])
    )
    page, explanation = explain_page(_page(body), URL)
    assert page is not None and explanation is not None and explanation.refined is not None
    assert page.text.splitlines() == list(PROSE)
    rules = {cut.rule for cut in explanation.refined.cuts}
    assert {"marker", "ad label"} <= rules


def test_a_call_to_action_box_that_swallows_the_article_is_not_applied() -> None:
    # A subscribe button in a small wrapper climbs to a box: here the box is the story.
    body = f"<div>{_paragraphs()}<a href='/subscribe'>Subscribe</a></div>"
    page = clean_page(_page(body, article_tag="main"), URL)
    assert page is not None
    assert all(line in page.text for line in PROSE)


def test_when_block_cuts_take_most_words_only_line_rules_apply() -> None:
    # Each paragraph is its own small "related" block: together they are the whole text.
    body = "".join(f"<div class='related'><p>{line}</p></div>" for line in PROSE)
    page, explanation = explain_page(_page(body + "<p>Advertisement</p>"), URL)
    assert page is not None and explanation is not None and explanation.refined is not None
    assert explanation.refined.fell_back
    assert page.text.splitlines() == list(PROSE)


def test_a_story_with_a_video_on_top_is_an_article() -> None:
    head = "<meta property='og:type' content='video.other'>"
    html = _page("<video src='/v.mp4'></video>" + _paragraphs(), head).replace(
        "<meta property='og:type' content='article'>", ""
    )
    page, explanation = explain_page(html, URL)
    assert page is not None, explanation
    assert explanation is not None and explanation.verdict.reasons  # one signal never decides


def test_a_list_style_article_is_an_article() -> None:
    items = "".join(
        f"<li>{n}. {line} Details were posted on the board's notice page.</li>"
        for n, line in enumerate(PROSE * 2, 1)
    )
    page = clean_page(_page(f"<p>{PROSE[0]}</p><ol>{items}</ol>"), URL)
    assert page is not None and PROSE[4] in page.text


def test_a_listing_of_teaser_cards_is_not_an_article() -> None:
    cards = "".join(
        f"<li><h2><a href='/news/story-{n}'>Story number {n} headline here</a></h2>"
        f"<p>{line}</p></li>"
        for n, line in enumerate(PROSE * 2)
    )
    page, explanation = explain_page(_page(f"<ul>{cards}</ul>"), URL)
    assert page is None
    assert explanation is not None and len(explanation.verdict.reasons) >= 2


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("© 2024 Lakeside Ledger. All rights reserved.", False),
        ("Copyright 2019 The Associated Press. All rights reserved. This material may not be "
         "published, broadcast, rewritten or redistributed.", True),  # fmt: skip
        ("Advertisement", False),
    ],
)
def test_line_rules_keep_wire_credits_and_cited_sources(line: str, kept: bool) -> None:
    page = clean_page(_page(_paragraphs() + f"<p>{line}</p>"), URL)
    assert page is not None
    assert (line in page.text.splitlines()) is kept


@pytest.mark.parametrize(
    ("paragraph", "teaser"),
    [
        ("Source: <a href='https://example.org/minutes.pdf'>https://example.org/minutes.pdf</a>",
         False),  # a cited source, not a teaser
        ("RELATED: <a href='/news/timetable'>Summer timetable changes explained</a>", True),
    ],
)  # fmt: skip
def test_label_and_link_lines(paragraph: str, teaser: bool) -> None:
    tree = fromstring(f"<html><body><article><p>{paragraph}</p></article></body></html>")
    assert any(found.rule == "teaser" for found in find_furniture(tree)) is teaser


def test_the_publish_day_is_the_outlets_local_day() -> None:
    head = "<meta property='article:published_time' content='2024-06-07T00:30:00+08:00'>"
    page = clean_page(_page(_paragraphs(), head), URL)
    assert page is not None and page.published_at is not None
    assert page.published_at.date() == date(2024, 6, 7)  # 6 June in UTC
    assert page.published_at.isoformat() == "2024-06-07T00:30:00+08:00"


def test_a_time_written_in_utc_takes_the_outlets_day_when_its_zone_is_known() -> None:
    head = "<meta property='article:published_time' content='2022-05-04T02:00:00Z'>"
    here = clean_page(_page(_paragraphs(), head), URL, zone=ZoneInfo("America/Buenos_Aires"))
    there = clean_page(_page(_paragraphs(), head), URL)
    assert here is not None and here.published_at is not None
    assert here.published_at.date() == date(2022, 5, 3)  # 23:00 the evening before, locally
    assert there is not None and there.published_at is not None
    assert there.published_at.date() == date(2022, 5, 4)
    assert here.published_at == there.published_at  # one instant


def test_a_date_only_in_the_page_text_is_found() -> None:
    body = "<p class='dateline'>Published 14 March 2023</p>" + _paragraphs()
    page = clean_page(_page(body), URL)
    assert page is not None and page.published_at is not None
    assert page.published_at.date() == date(2023, 3, 14)


def test_a_copyright_year_is_never_a_publish_date() -> None:
    html = _page(_paragraphs()).replace("</body>", "<footer>© 2023 Lakeside Ledger</footer></body>")
    page = clean_page(html, URL)
    assert page is not None
    assert page.published_at is None or page.published_at.date() != date(2023, 1, 1)


def test_text_is_stored_composed_whatever_the_page_used() -> None:
    decomposed = "Cafe\u0301 owners in Bogota\u0301 said prices rose again, the third rise."
    page = clean_page(_page(_paragraphs() + f"<p>{decomposed}</p>"), URL)
    assert page is not None
    assert "Café owners in Bogotá" in page.text and "\u0301" not in page.text


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_pages_in_other_encodings_clean_and_match(encoding: str) -> None:
    from alerts.query import match, parse_query

    chinese = "北京市政府周一表示，Kremlin 官员将于下月访问。这是今年第三次会谈。"
    body = _paragraphs() + f"<p>{chinese}</p>"
    html = _page(body).replace("<head>", f"<head><meta charset='{encoding}'>")
    raw = html.encode(encoding)  # utf-16 carries its byte-order mark
    page = clean_page(raw, URL)
    assert page is not None and "北京市政府周一表示" in page.text
    assert match(parse_query("Kremlin"), page.title, page.text) is not None


def test_a_short_story_beside_a_big_box_of_teasers_keeps_its_cuts() -> None:
    teasers = "".join(
        f"<li><a href='/news/more-{n}'>Moscow scraps air strikes</a> in Syria, part {n}</li>"
        for n in range(16)
    )
    box = f"<section class='more-from'><ul>{teasers}</ul></section>"
    body = _paragraphs() + box
    page, explanation = explain_page(_page(body), URL)
    assert page is not None and explanation is not None and explanation.refined is not None
    assert not explanation.refined.fell_back
    assert "Moscow" not in page.text

"""Tests for the cleaning classes that once lost real articles: each a small page by the team."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml.html import fromstring

from flows.clean import explanation_record, page_record, summary
from spiders.boilerplate import find_furniture, furniture_line_rule
from spiders.extract import clean_page, explain_page
from spiders.refine import refine

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
        (
            "Copyright 2019 The Associated Press. All rights reserved. This material may not be "
            "published, broadcast, rewritten or redistributed.",
            True,
        ),  # fmt: skip
        ("Advertisement", False),
        ("Follow the Lakeside Ledger on Twitter and Instagram for ferry updates.", False),
        ("Subscribe now to our e-paper for the full story.", False),
        ("Never miss a story by signing up to our morning newsletter.", False),
        ("*Anzeige. This post contains affiliate links to the ferry operator's shop.", False),
        ("Photo: Harbour Studio / J. Pike", False),
        ("Weitere Themen", False),  # a related-links heading, in any of several languages
        ("¿Sabías que tenemos canal de Telegram? Únete desde tu celular.", False),
        ("Already a subscriber? Log in for immediate access to this story.", False),
        ("We want to hear from you. Submit a letter to the editor or write to us.", False),
        ("More on ledger.example", False),
        ("Register for free to keep reading", False),
        ("READ ALSO: Harbour bridge repairs to start in May", False),
        ("Category: Transport", False),
        ("Become a member and enjoy exclusive benefits. Cancel anytime.", False),
        ("For the latest news download the Ledger app for iOS and Android.", False),
        ("Riders can download the operator's app to buy tickets from next week.", True),
        ("Residents who become a member of the ferry users' group get a vote on fares.", True),
        ("Tags", False),
        ("Related ferry routes will keep their timetable: the board voted for it.", True),
        ("Regístrate gratis para seguir leyendo", False),
        ("Register now: the ferry operator opens its consultation on the summer timetable.", True),
        ("The ferry operator will follow the board's plan on Twitter and in the terminal.", True),
        ("Riders who subscribe to the monthly pass keep the old price until June.", True),
        ("Photos of the old ferry hang in the north terminal, a reminder of 1950.", True),
    ],
)
def test_line_rules_keep_wire_credits_and_cited_sources(line: str, kept: bool) -> None:
    page = clean_page(_page(_paragraphs() + f"<p>{line}</p>"), URL)
    assert page is not None
    assert (line in page.text.splitlines()) is kept


# Sentences a story may hold that share words with calls to action, disclosures and teasers:
# each stays text (a watchlist term could sit in any of them).
PROSE_NEAR_FURNITURE = [
    "The company said customers can cancel at any time without paying a fee.",
    "Die Polizei ermittelt in Kooperation mit der Staatsanwaltschaft gegen den Mann.",
    "Regulators found that affiliate links on the site were never disclosed to buyers.",
    "Follow the money, the senator told reporters, and posted the same line on Twitter.",
    "Join us, the rebels wrote on Telegram, before the channel went dark.",
    "Like many others, she learned of the strike on Facebook.",
    "He urged members to continue reading the report before the vote.",
    "Register of Deeds office closes early",
    "The channel on YouTube had 2 million subscribers before it was banned.",
    "Mira: la reacción del presidente fue inmediata.",
    "Folgen Sie uns nicht blind, sagte der Minister auf Instagram.",
    "Already a member of the party for 30 years, she said she would log in to vote online.",
    "Tags on the luggage showed it had passed through Frankfurt.",
    "Werbung für Zigaretten ist seit 2021 weitgehend verboten.",
    "Anzeige gegen Unbekannt wurde erstattet, sagte ein Sprecher.",
]


@pytest.mark.parametrize("line", PROSE_NEAR_FURNITURE)
def test_prose_that_sounds_like_furniture_is_text(line: str) -> None:
    assert furniture_line_rule(line) is None


def test_a_figure_caption_is_not_the_story() -> None:
    caption = "The Lakeside ferry leaves the north terminal on a grey morning in March."
    figure = f"<figure><img src='/ferry.jpg'><figcaption>{caption}</figcaption></figure>"
    tree = fromstring(_page(_paragraphs(PROSE[:2]) + figure + _paragraphs(PROSE[2:])))
    # trafilatura keeps some captions as a line of the text (within some page structures).
    text = "\n".join((*PROSE[:2], caption, *PROSE[2:]))
    refined = refine(tree, text, "Ferry fares rise", URL)
    assert refined.text.splitlines() == list(PROSE)
    assert [cut.rule for cut in refined.cuts] == ["caption"]


LEAD = "Fares on the Lakeside ferry will rise by 40 cents in July, the first increase in six years."


def _headed_page(between: str, h1: str = "Ferry fares rise") -> str:
    # The headline and what follows it in a header block, the body in its own container:
    # trafilatura's precise reading starts at the body.
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Ferry fares rise | Lakeside Ledger</title>"
        "<meta property='og:title' content='Ferry fares rise'>"
        f"</head><body><div class='page'><div class='article-header'><h1>{h1}</h1>"
        f"{between}</div><div class='article-body'>{_paragraphs()}</div></div></body></html>"
    )


@pytest.mark.parametrize(
    "between",
    [f"<p class='intro'>{LEAD}</p>", f"<div class='standfirst'><p>{LEAD}</p></div>"],
)
def test_the_standfirst_between_headline_and_body_opens_the_text(between: str) -> None:
    page, explanation = explain_page(_headed_page(between), URL)
    assert page is not None and explanation is not None and explanation.refined is not None
    assert page.text.splitlines() == [LEAD, *PROSE]
    assert explanation.refined.added == (LEAD,)


def test_the_standfirst_is_found_under_an_h1_that_adds_a_kicker_to_the_headline() -> None:
    page = clean_page(_headed_page(f"<p>{LEAD}</p>", h1="Transport: Ferry fares rise"), URL)
    assert page is not None and page.title == "Ferry fares rise"
    assert page.text.splitlines()[0] == LEAD


@pytest.mark.parametrize(
    "between",
    [
        "<div class='author-box'><p>Nora Quill covers transport for the Ledger and has reported"
        " from the harbour since 2015.</p></div>",  # an author's bio
        "<p><a href='/news/pier'>The north pier reopens after repairs: what it means for the"
        " ferry timetable this summer.</a></p>",  # a teaser link
        "<p class='byline'>By Nora Quill, transport correspondent, in Lakeside</p>",  # no prose
        "<p class='stamp'>PUBLISHED: June 3, 2024 at 4:30 p.m. | UPDATED: June 4, 2024 at 9:10"
        " a.m.</p>",  # a stamp
        # an ad slot's script, however long, is no text
        "<div class='slot'><script>googletag.cmd.push(function() { googletag.display('top');"
        " window.adsReady = true; console.log('The ad slot is ready for the page.'); });"
        "</script></div>",
    ],
)
def test_what_stands_between_headline_and_body_is_no_standfirst_by_itself(between: str) -> None:
    page = clean_page(_headed_page(between), URL)
    assert page is not None
    assert page.text.splitlines() == list(PROSE)


def test_the_link_titles_under_a_related_heading_go_with_it() -> None:
    box = (
        "<p>Read more:</p><ul><li><a href='/news/timetable'>Summer timetable changes explained</a>"
        "</li><li><a href='/news/pier'>The north pier reopens after repairs</a></li></ul>"
    )
    body = _paragraphs(PROSE[:4]) + box + "<p>" + PROSE[4] + "</p>"
    page = clean_page(_page(body), URL)
    assert page is not None
    # The heading and its link titles are cut; the prose after the box stays.
    assert page.text.splitlines() == list(PROSE)


@pytest.mark.parametrize(
    ("paragraph", "teaser"),
    [
        ("Source: <a href='https://example.org/minutes.pdf'>https://example.org/minutes.pdf</a>",
         False),  # a cited source, not a teaser
        ("RELATED: <a href='/news/timetable'>Summer timetable changes explained</a>", True),
        ("RELATED: <a href='https://www.lakeside.example/news/timetable'>Summer timetable</a>",
         True),  # the same site under www.
        ("Deck shoes: <a href='https://shop.example.com/deck-shoes'>Harbour Outfitters</a>",
         False),  # a product line linking to a shop: the article's own text
    ],
)  # fmt: skip
def test_label_and_link_lines(paragraph: str, teaser: bool) -> None:
    tree = fromstring(f"<html><body><article><p>{paragraph}</p></article></body></html>")
    assert any(found.rule == "teaser" for found in find_furniture(tree, URL)) is teaser


def test_the_lead_quoted_in_a_share_form_stays_in_the_text() -> None:
    # An "email this article" form repeats the headline and the lead next to its fields.
    form = (
        "<aside><div class='share-layer'><form><p>Ferry fares rise</p>"
        f"<p>{PROSE[0]}</p><input type='email' name='to'><button>Send</button></form></div></aside>"
    )
    page = clean_page(_page(_paragraphs()).replace("</body>", f"{form}</body>"), URL)
    assert page is not None
    assert page.text.splitlines() == list(PROSE)


def test_a_name_linked_in_a_sentence_is_kept_though_it_is_also_an_image_credit() -> None:
    # trafilatura sometimes splits a sentence at its link ("…hat", "Strava", "ein Update…");
    # the name alone is also the photo credit, a block with a "copyright" marker.
    credit = "<figure><img src='m.jpg'><span class='copyright'>Strava</span></figure>"
    sentence = "<p>In January <a href='https://strava.example/'>Strava</a> changed its maps.</p>"
    tree = fromstring(_page(credit + sentence + _paragraphs()))
    text = "\n".join(("In January", "Strava", "changed its maps.", *PROSE))
    refined = refine(tree, text, "Ferry fares rise", URL)
    assert refined.text.splitlines()[:3] == ["In January", "Strava", "changed its maps."]
    assert [cut.evidence for cut in refined.spared] == ["also in the page outside the block"]
    assert refine(tree, "\n".join(("Strava", *PROSE)), "Ferry fares rise", URL).cuts  # the credit


@pytest.mark.parametrize(
    ("lines", "links", "article"),
    [
        (("Verse one, line one", "and the second line", "Chorus: sing it again") * 5, False,
         True),  # lyrics or verse: short lines that are not links
        (("Home", "News", "Sport", "Weather", "Photos", "Galleries", "Contact", "Log in") * 6,
         True, False),  # a menu around a photo: short lines that are links
    ],
)  # fmt: skip
def test_short_lines_are_a_menu_only_when_they_are_links(
    lines: tuple[str, ...], links: bool, article: bool
) -> None:
    body = "".join(f"<p><a href='/x{i}'>{x}</a></p>" if links else f"<p>{x}</p>"
                   for i, x in enumerate(lines))  # fmt: skip
    page = clean_page(_page(body), URL)
    assert (page is not None) is article


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


def test_an_article_rendered_by_script_is_read_from_its_json_ld_body() -> None:
    # The HTML holds a one-line teaser; the story itself is in the page's JSON-LD articleBody.
    body = " ".join(PROSE * 3)  # over MIN_BODY_WORDS
    ld = json.dumps({"@type": "NewsArticle", "headline": "Ferry fares rise", "articleBody": body})
    head = f"<script type='application/ld+json'>{ld}</script>"
    page = clean_page(_page("<p>Read the full story of the fare rise in our app.</p>", head), URL)
    assert page is not None
    assert page.text == body


def test_an_article_inside_an_unclosed_sidebar_is_found() -> None:
    # A template that never closes its sidebar puts the article inside it: trafilatura's
    # precise reading drops the sidebar and finds nothing; its recall mode finds the story.
    html = (
        "<!DOCTYPE html><html lang='en'><head><title>Ferry fares rise</title>"
        "<meta property='og:type' content='article'></head><body><div class='wrapper'>"
        "<aside class='sidebar'><div id='nav_menu-8'><ul><li><a href='/news'>News</a></li>"
        "<li><a href='/sport'>Sport</a></li></ul><div class='main-content'><article>"
        f"<h1>Ferry fares rise</h1><div class='article-content'>{_paragraphs()}</div></article>"
        "</body></html>"
    )
    page = clean_page(html, URL)
    assert page is not None
    assert page.text.splitlines() == list(PROSE)


def test_a_two_paragraph_brief_keeps_its_paragraphs_without_headline_byline_or_ticker() -> None:
    # trafilatura's precise reading of a short story flattens the whole <article>, headline and
    # byline first, into one line; a ticker in the site's <header> must not take its place.
    html = (
        "<!DOCTYPE html><html lang='en'><head><title>Ferry fares rise | Lakeside Ledger</title>"
        "</head><body><header><a href='/'>Lakeside Ledger</a><nav><a href='/news'>News</a> "
        "<a href='/sport'>Sport</a></nav><div class='ticker'>Breaking: storm closes the north "
        "terminal · bridge repairs delayed</div></header><main><article><h1>Ferry fares rise</h1>"
        "<p class='byline'>By <a rel='author' href='/a/jo'>Jo Marsh</a> · 4 May 2024</p>"
        f"<div class='body'>{_paragraphs(PROSE[:2])}</div></article></main>"
        "<footer><p>Lakeside Ledger, 1 Quay Street</p></footer></body></html>"
    )
    page, explanation = explain_page(html, URL)
    assert page is not None and explanation is not None and explanation.refined is not None
    assert page.text.splitlines() == list(PROSE[:2])
    assert [cut.rule for cut in explanation.refined.cuts] == ["page chrome"]


def test_the_sites_header_and_footer_are_furniture_but_an_articles_own_are_not() -> None:
    tree = fromstring(
        "<html><body><header>Site</header><nav>Menu</nav><article><header><h2>Kicker</h2>"
        "</header><p>Story</p><footer>Filed under: transport</footer></article>"
        "<footer>Contact</footer></body></html>"
    )
    chrome = [f.element.text_content() for f in find_furniture(tree) if f.rule == "page chrome"]
    assert chrome == ["Site", "Menu", "Contact"]


def test_explain_shows_the_standfirst_it_added() -> None:
    page, explanation = explain_page(_headed_page(f"<p>{LEAD}</p>"), URL)
    record = page_record(Path("ferry.html"), URL, page)
    record["explanation"] = explanation_record(explanation)
    assert record["explanation"]["added"] == [LEAD]
    assert f"added (standfirst under the headline): {LEAD[:90]}" in summary(record)

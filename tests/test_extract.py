"""Tests for spiders.extract: saved outlet pages in, clean articles (or None) out."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree, html

from spiders.authors import clean_authors, credit_links
from spiders.dates import parse_datetime, url_date
from spiders.excludes import ExcludeError, compile_excludes
from spiders.extract import CleanPage, clean_page
from spiders.headline import choose_headline, site_keys, strip_site

PAGES = Path(__file__).parent / "fixtures" / "pages"
SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_001_MARKER = re.compile(r"^\s*date \d{4}-\d{2}-\d{2}\s+")

IND_000 = "https://www.independent.co.uk/news/world/americas/donald-trump-russia-isis-syria-moscow-joint-air-strikes-sean-spicer-a7541771.html"
IND_002 = "https://www.independent.co.uk/news/world/middle-east/syria-crisis-us-russia-talks-aleppo-joint-military-action-sergei-shoigu-a7166641.html"
MT_003 = "https://www.themoscowtimes.com/2016/11/10/after-trump-victory-russia-to-reconsider-us-coalition-in-syria-a56093"
NW_004 = "https://www.newsweek.com/trump-putin-syria-north-korea-g20-633524"

# fixture, fetched URL (with tracking junk), expected fields
SEED_PAGES = {
    "independent_000.html": (
        IND_000 + "?utm_source=twitter&utm_medium=social",
        dict(
            canonical_url=IND_000,
            title="Donald Trump ‘open to working with Moscow’ to fight Isis in Syria",
            author="Helen Marlowe",
            authors=("Helen Marlowe",),
            published_at=datetime(2017, 1, 24, 10, 15, tzinfo=UTC),
            published_source="json-ld",
            modified_at=datetime(2017, 1, 24, 11, 2, tzinfo=UTC),
            language="en-GB",
        ),
    ),
    "independent_002.html": (
        IND_002,
        dict(
            canonical_url=IND_002,
            title="Syria crisis: US and Russia in talks to fight side by side in Aleppo, "
            "says Russian defence minister",
            author="Tom Ashworth",
            authors=("Tom Ashworth",),
            published_at=datetime(2016, 8, 1, 13, 32, tzinfo=UTC),  # +01:00 on the page
            published_source="json-ld",
            modified_at=datetime(2016, 8, 1, 14, 5, tzinfo=UTC),
            language="en-GB",
        ),
    ),
    "moscowtimes_003.html": (
        MT_003 + "?utm_campaign=newsletter",
        dict(
            canonical_url=MT_003,
            title="After Trump Victory, Russia to Reconsider U.S. Coalition in Syria",
            author="Daria Volkova",
            authors=("Daria Volkova",),
            # datePublished (+03:00) wins over the day-only date in the URL
            published_at=datetime(2016, 11, 10, 10, 48, tzinfo=UTC),
            published_source="json-ld",
            language="en",
        ),
    ),
    "newsweek_004.html": (
        NW_004,
        dict(
            canonical_url=NW_004,
            title="Trump and Putin Could Work Together on Syria and North Korea",
            author="Tom Keller",  # the byline's "Staff Writer" role is not a name
            authors=("Tom Keller",),
            published_at=datetime(2017, 7, 7, 16, 41, tzinfo=UTC),  # -04:00 on the page
            published_source="json-ld",
            modified_at=datetime(2017, 7, 7, 18, 10, tzinfo=UTC),
            language="en",
        ),
    ),
}

# Verbatim from seeds 000, 002, 003 and 004: every line that is not article body.
BOILERPLATE_LINES = (
    # The Independent (000, 002)
    "Your support helps us to tell the story",
    "From reproductive rights to climate change to Big Tech, The Independent is on the ground "
    "when the story is developing. Whether it's investigating the financials of Elon Musk's "
    "pro-Trump PAC or producing our latest documentary, 'The A Word', which shines a light on "
    "the American women fighting for reproductive rights, we know how important it is to parse "
    "out the facts from the messaging.",
    "At such a critical moment in US history, we need reporters on the ground. Your donation "
    "allows us to keep sending journalists to speak to both sides of the story.",
    "The Independent is trusted by Americans across the entire political spectrum. And unlike "
    "many other quality news outlets, we choose not to lock Americans out of our reporting and "
    "analysis with paywalls. We believe quality journalism should be available to everyone, "
    "paid for by those who can afford it.",
    "Your support makes all the difference.",
    "Subscribe to Independent Premium to bookmark this article",
    "Want to bookmark your favourite articles and stories to read or reference later? Start "
    "your Independent Premium subscription today.",
    "Join our commenting forum",
    "Join thought-provoking conversations, follow other Independent readers and see their replies",
    "Comments",
    # The Moscow Times (003)
    "Support The Moscow Times!",
    "Evan Vucci / AP",
    "Sign up for our free weekly newsletter",
    "Our weekly newsletter contains a hand-picked selection of news, features, analysis and "
    "more from The Moscow Times. You will receive it in your mailbox every Friday. Never miss "
    "the latest news from Russia. Preview",
    "Subscribers agree to the Privacy Policy",
    "A Message from The Moscow Times:",
    "Dear readers,",
    "We are facing unprecedented challenges. Russia's Prosecutor General's Office has "
    'designated The Moscow Times as an "undesirable" organization, criminalizing our work and '
    'putting our staff at risk of prosecution. This follows our earlier unjust labeling as a "'
    'foreign agent."',
    "These actions are direct attempts to silence independent journalism in Russia. The "
    'authorities claim our work "discredits the decisions of the Russian leadership." We see '
    "things differently: we strive to provide accurate, unbiased reporting on Russia.",
    "We, the journalists of The Moscow Times, refuse to be silenced. But to continue our work, "
    "we need your help.",
    "Your support, no matter how small, makes a world of difference. If you can, please support "
    "us monthly starting from just $2. It's quick to set up, and every contribution makes a "
    "significant impact.",
    "By supporting The Moscow Times, you're defending open, independent journalism in the face "
    "of repression. Thank you for standing with us.",
    "Once",
    "Monthly",
    "Annual",
    "Continue",
    "paiment methods",
    "Not ready to support today?",
    "Remind me later.",
    "Read more",
    # Newsweek (004)
    "Related Articles",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
)

# The reader comments in the fixtures' comment sections.
READER_COMMENTS = (
    "Working with Russia in Syria means working with Assad, whatever Spicer says today.",
    "Syria is going to be the first real test of this Russia reset.",
    "Russia bombs the hospitals in Aleppo and now wants to fight side by side with the US",
    "Putin got exactly what he wanted in Syria. Russia will never abandon Assad.",
)


def _page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def _clean(name: str, url: str = "https://example.org/page") -> CleanPage | None:
    return clean_page(_page(name), url)


def _seed(name: str) -> CleanPage:
    url, _ = SEED_PAGES[name]
    page = clean_page(_page(name), url)
    assert page is not None
    return page


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _expected_000_body() -> str:
    raw = (PAGES / "seed_001_expected.txt").read_text(encoding="utf-8")
    return _normalised(SEED_001_MARKER.sub("", raw, count=1))


def test_independent_000_text_is_seed_001() -> None:
    assert _normalised(_seed("independent_000.html").text) == _expected_000_body()


def test_independent_000_paragraphs_are_lines() -> None:
    lines = _seed("independent_000.html").text.split("\n")
    assert len(lines) == 13
    assert lines[-1].endswith("“let’s not take that too far.”")


# SHA-256 of shared/seeds/001_e9028ea305dede4c.txt, the clean text 000 must become.
SEED_001_SHA256 = "3c6fdd3f5a853e53b1b4efe22bb06df23911b516ce23e46f6c48fc4013b0a03a"


def test_seed_001_copy_is_the_shared_seed() -> None:
    copy = (PAGES / "seed_001_expected.txt").read_bytes()
    assert hashlib.sha256(copy).hexdigest() == SEED_001_SHA256
    # Beside the team's shared folder, the seed itself must still be what was copied.
    for shared in SHARED_SEEDS.glob("001_*.txt"):
        assert hashlib.sha256(shared.read_bytes()).hexdigest() == SEED_001_SHA256


@pytest.mark.parametrize("name", sorted(SEED_PAGES))
def test_metadata(name: str) -> None:
    _, expected = SEED_PAGES[name]
    page = _seed(name)
    assert {field: getattr(page, field) for field in expected} == expected
    # The instant is kept with the offset the page wrote: the publish day is the local day.
    assert page.published_at is not None and page.published_at.utcoffset() is not None


@pytest.mark.parametrize("name", sorted(SEED_PAGES))
def test_no_boilerplate(name: str) -> None:
    text = _seed(name).text
    lines = set(text.split("\n"))
    for boilerplate in BOILERPLATE_LINES:
        # short button labels ("Once", "Comments") are words of ordinary prose: compare lines
        assert boilerplate not in (text if len(boilerplate) > 20 else lines), boilerplate


@pytest.mark.parametrize("name", sorted(SEED_PAGES))
def test_no_reader_comments(name: str) -> None:
    text = _seed(name).text
    assert not [comment for comment in READER_COMMENTS if comment in text]


@pytest.mark.parametrize("name", sorted(SEED_PAGES))
def test_text_does_not_repeat_headline(name: str) -> None:
    page = _seed(name)
    assert not page.text.startswith(page.title)
    assert " | " not in page.title and not page.title.endswith(("Newsweek", "The Moscow Times"))


def test_footer_year_is_not_a_date() -> None:
    page = _clean("undated_article.html")
    assert page is not None
    assert page.published_at is None  # only "© 2024" in the footer


def test_page_without_canonical_or_html_lang() -> None:
    page = _clean("undated_article.html")
    assert page is not None
    assert page.canonical_url is None
    assert page.author is None
    assert page.language == "en-US"  # from <meta http-equiv="content-language">
    assert page.title == "Harbour bridge repairs to close lanes through spring"  # og:title suffix
    assert page.text.startswith("Two of the four lanes")  # the <h1> inside <article> is dropped


def test_date_only_metadata_is_midnight_utc() -> None:
    meta = '<meta property="article:published_time" content="2017-01-24">'
    page = clean_page(
        _page("undated_article.html").replace("</head>", meta + "</head>"), "https://example.org/a"
    )
    assert page is not None
    assert page.published_at == datetime(2017, 1, 24, tzinfo=UTC)


def test_bytes_and_str_give_the_same_page() -> None:
    url, _ = SEED_PAGES["moscowtimes_003.html"]
    as_bytes = clean_page((PAGES / "moscowtimes_003.html").read_bytes(), url)
    assert as_bytes == _seed("moscowtimes_003.html")


def test_listing_page_is_not_an_article() -> None:
    assert _clean("independent_section.html", "https://www.independent.co.uk/news/world") is None


def test_listing_page_without_page_type_is_not_an_article() -> None:
    html = _page("independent_section.html").replace(
        '<meta property="og:type" content="website">', ""
    )
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    assert "CollectionPage" not in html and "og:type" not in html
    assert clean_page(html, "https://www.independent.co.uk/news/world") is None


@pytest.mark.parametrize("name", ["independent_video.html", "not_found.html"])
def test_page_without_article_text_is_none(name: str) -> None:
    assert _clean(name) is None


@pytest.mark.parametrize("html", ["", "   ", "<html><body></body></html>"])
def test_empty_input_is_none(html: str) -> None:
    assert clean_page(html, "https://example.org/") is None


def test_clean_page_built_the_old_way_still_works() -> None:
    # Other code (and users' scripts) build CleanPage with the original six fields.
    page = CleanPage("https://example.org/a", "T", None, None, None, "text")
    assert (page.authors, page.published_source, page.modified_at) == ((), None, None)


# --- headlines ---------------------------------------------------------------------------

# title as written, outlet names the page declares, page URL, headline
STRIP_SITE_CASES = [
    ("Syria talks | The Independent", ["The Independent"], None, "Syria talks"),
    ("Syria talks - The Moscow Times", [], "https://www.themoscowtimes.com/2016/a", "Syria talks"),
    ("Newsweek: Pentagon Keeps Hotline Open", ["Newsweek"], None, "Pentagon Keeps Hotline Open"),
    ("Library hours — Hill Country Record", [], "https://hillcountryrecord.com/x", "Library hours"),
    ("Ferry fares – Lakeside Ledger", ["Lakeside Ledger"], None, "Ferry fares"),
    ("Radwege | Nordstadt-Kurier", ["Nordstadt-Kurier"], None, "Radwege"),
    ("Radwege | Nordstadt Kurier", [], "https://www.nordstadt-kurier.de/a", "Radwege"),
    (
        "Measles cases rise | Health | Metro Tribune",
        ["Metro Tribune"],
        None,
        "Measles cases rise | Health",
    ),
    # a " - " inside the headline is not a separator unless the outlet's name follows it
    (
        "Trump - Putin call: what we know",
        ["The Independent"],
        "https://www.independent.co.uk/",
        "Trump - Putin call: what we know",
    ),
    (
        "Trump - Putin call: what we know | The Independent",
        ["The Independent"],
        None,
        "Trump - Putin call: what we know",
    ),
    (
        "Trump - Putin call: what we know - Capital Wire",
        [],
        "https://capitalwire.com/a",
        "Trump - Putin call: what we know",
    ),
    (
        "Independent thinking: why it matters",
        ["The Independent"],
        None,
        "Independent thinking: why it matters",
    ),
    ("Ukraine war: latest news", [], "https://news.example.com/a", "Ukraine war: latest news"),
    ("The Independent", ["The Independent"], None, "The Independent"),
]


@pytest.mark.parametrize(("title", "names", "url", "expected"), STRIP_SITE_CASES)
def test_strip_site(title: str, names: list[str], url: str | None, expected: str) -> None:
    assert strip_site(title, site_keys(names, url)) == expected


LONG = "Measles cases rise in three counties as officials urge parents to check records"
# structured titles (JSON-LD headline, og:title), <h1>s, <title>, headline
HEADLINE_CASES = [
    # the social og:title loses to the JSON-LD headline that the <h1> confirms
    (
        ["Grain Talks Return", "Grain Talks Return as Ukraine Seeks Safer Lanes"],
        ["Grain Talks Return"],
        None,
        "Grain Talks Return",
    ),
    (
        [None, "Grain Talks Return as Ukraine Seeks Safer Lanes"],
        ["Grain Talks Return"],
        None,
        "Grain Talks Return as Ukraine Seeks Safer Lanes",
    ),
    # a JSON-LD headline cut at 110 characters: the <h1> has all of it
    ([LONG[:60] + "…"], [LONG], None, LONG),
    # the logo <h1> names the outlet; <title> confirms the other one
    (
        [],
        ["Capital Wire", "Russia - Nato talks"],
        "Russia - Nato talks - Capital Wire",
        "Russia - Nato talks",
    ),
    (
        [],
        ["Harbour bridge repairs"],
        "Harbour bridge repairs | Section | Capital Wire",
        "Harbour bridge repairs",
    ),
    ([], [], "Harbour bridge repairs - Capital Wire", "Harbour bridge repairs"),
    ([], [], None, None),
    # a name the outlet is not known by ("Nora's Notebook") around the headline the <h1> shows
    (
        ["Nora's Notebook | Harbour bridge repairs"],
        ["Harbour bridge repairs"],
        None,
        "Harbour bridge repairs",
    ),
    (
        ["Harbour bridge repairs - Harbour Trust (HT)"],
        ["Harbour bridge repairs"],
        None,
        "Harbour bridge repairs",
    ),
]


@pytest.mark.parametrize(("structured", "h1s", "title_tag", "expected"), HEADLINE_CASES)
def test_choose_headline(
    structured: list[str | None], h1s: list[str], title_tag: str | None, expected: str | None
) -> None:
    keys = site_keys(["Capital Wire"], "https://capitalwire.com/a")
    assert choose_headline(structured, h1s, title_tag, keys) == expected


# --- authors -----------------------------------------------------------------------------

AUTHOR_CASES = [
    (["By Tom Keller and Anna Ruiz, Senior Writers"], ("Tom Keller", "Anna Ruiz")),
    (["By Priya Raman, Health Editor"], ("Priya Raman",)),
    (["Written by: Jane Doe"], ("Jane Doe",)),
    (["MARTA LOPEZ; DAVID CHEN"], ("Marta Lopez", "David Chen")),
    (["View all posts by Nora Quill"], ("Nora Quill",)),
    (["Zeige alle Beiträge von Petra Lang", "Auteur Anne Roux"], ("Petra Lang", "Anne Roux")),
    (["Perry Hale Jr.", "T. J. Moss."], ("Perry Hale Jr.", "T. J. Moss")),
    (["Von Anna Schmidt und Jonas Weber"], ("Anna Schmidt", "Jonas Weber")),
    (
        ["Por Ana García y Luis Pérez", "Par Claire Martin et Hugo Petit"],
        ("Ana García", "Luis Pérez", "Claire Martin", "Hugo Petit"),
    ),
    (["Helen Marlowe in Washington", "Tom Ashworth (Reuters)"], ("Helen Marlowe", "Tom Ashworth")),
    (["The Moscow Times"], ()),
    (["Moscow Times staff", "Reuters", "admin", "https://www.facebook.com/jdoe"], ()),
    (["Jane Doe", "jane doe", "Jane Doe Smith"], ("Jane Doe Smith",)),
    (["Sam Okafor, Local Democracy Reporter"], ("Sam Okafor",)),
    (["Ursula von der Leyen", "Bashar al-Assad"], ("Ursula von der Leyen", "Bashar al-Assad")),
    (["Lee Ann Smith", "Lee Ann"], ("Lee Ann Smith",)),
    (["Lee Anne", "Lee Ann"], ("Lee Anne", "Lee Ann")),
    (["By clicking “Accept All Cookies”, you agree to the storing of cookies"], ()),
]


@pytest.mark.parametrize(("credits", "expected"), AUTHOR_CASES)
def test_clean_authors(credits: list[str], expected: tuple[str, ...]) -> None:
    keys = site_keys(["The Moscow Times"], "https://www.themoscowtimes.com/a")
    assert clean_authors(credits, keys) == expected


# --- dates ---------------------------------------------------------------------------------

DATE_CASES = [
    ("2024-02-21T05:00:12.000Z", datetime(2024, 2, 21, 5, 0, 12, tzinfo=UTC)),
    ("2016-08-01T14:32:00+0100", datetime(2016, 8, 1, 13, 32, tzinfo=UTC)),
    ("2017-07-07 12:41:00 -0400", datetime(2017, 7, 7, 16, 41, tzinfo=UTC)),
    ("2017-01-24", datetime(2017, 1, 24, tzinfo=UTC)),
    ("Tue, 24 Jan 2017 10:15:00 GMT", datetime(2017, 1, 24, 10, 15, tzinfo=UTC)),
    ("2017-01-24T10:15:00", datetime(2017, 1, 24, 10, 15, tzinfo=UTC)),  # no offset: UTC
    ("2024", None),  # a copyright year is not a date
    ("© 2024", None),
    ("not a date", None),
    ("", None),
    ("1970-01-01T00:00:00Z", None),  # an epoch default, not a publish date
    ("2999-01-01T00:00:00Z", None),
]


@pytest.mark.parametrize(("value", "expected"), DATE_CASES)
def test_parse_datetime(value: str, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


URL_DATE_CASES = [
    (MT_003, datetime(2016, 11, 10, tzinfo=UTC)),
    ("https://example.org/2023-09-18-library-hours", datetime(2023, 9, 18, tzinfo=UTC)),
    ("https://example.org/2017/02/30/no-such-day/", None),
    ("https://example.org/2016/11/month-only/", None),
    (IND_000, None),  # a7541771 is an id, not a date
    (None, None),
]


@pytest.mark.parametrize(("url", "expected"), URL_DATE_CASES)
def test_url_date(url: str | None, expected: datetime | None) -> None:
    assert url_date(url) == expected


ARTICLE_BODY = "".join(
    f"<p>{sentence}</p>"
    for sentence in (
        "The county transit board voted on Monday to raise the adult ferry fare by 40 cents.",
        "Children under 12 will continue to ride free, and the monthly pass will stay at $30.",
        "The board expects the higher fares to raise about $600,000 a year for maintenance.",
        "A public meeting on the new summer timetable is planned for the end of the month.",
    )
)


def _article_html(head: str = "", byline: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>Ferry fares rise</title>{head}</head>"
        f"<body><main><article><h1>Ferry fares rise</h1>{byline}<div class='story'>"
        f"{ARTICLE_BODY}</div></article></main><footer>© 2024 Lakeside</footer></body></html>"
    )


def _article(head: str = "", byline: str = "", path: str = "/news/ferry-fares") -> CleanPage:
    page = clean_page(_article_html(head, byline), "https://lakeside.example" + path)
    assert page is not None and page.title == "Ferry fares rise"
    return page


def _json_ld(**fields: str) -> str:
    data = '"@context":"https://schema.org","@type":"NewsArticle"' + "".join(
        f',"{key}":"{value}"' for key, value in fields.items()
    )
    return f'<script type="application/ld+json">{{{data}}}</script>'


META_PUBLISHED = '<meta property="article:published_time" content="2024-06-02T09:00:00Z">'
TIME_ELEMENT = '<p class="byline"><time datetime="2024-05-30T08:00:00Z">May 30</time></p>'


def test_publish_date_from_json_ld_when_the_page_agrees() -> None:
    page = _article(_json_ld(datePublished="2024-06-01T10:00:00-04:00"))
    assert (page.published_at, page.published_source) == (
        datetime(2024, 6, 1, 14, tzinfo=UTC),
        "json-ld",
    )
    # Kept in the offset it was written with: the publish day is the outlet's day.
    assert page.published_at.isoformat() == "2024-06-01T10:00:00-04:00"


@pytest.mark.parametrize(
    ("path", "expected", "source"),
    [
        ("/2024/06/01/ferry-fares", datetime(2024, 6, 1, 14, tzinfo=UTC), "json-ld"),
        ("/2024/06/02/ferry-fares", datetime(2024, 6, 2, 9, tzinfo=UTC), "meta"),
    ],
)
def test_disagreeing_json_ld_and_meta_are_decided_by_another_witness(
    path: str, expected: datetime, source: str
) -> None:
    page = _article(_json_ld(datePublished="2024-06-01T10:00:00-04:00") + META_PUBLISHED, path=path)
    assert (page.published_at, page.published_source) == (expected, source)


def test_publish_date_from_meta_when_json_ld_has_none_or_garbage() -> None:
    page = _article(_json_ld(datePublished="yesterday") + META_PUBLISHED)
    assert (page.published_at, page.published_source) == (
        datetime(2024, 6, 2, 9, tzinfo=UTC),
        "meta",
    )


def test_publish_date_from_feed_then_url_then_page_text() -> None:
    feed = datetime(2024, 6, 3, 7, 30, tzinfo=UTC)
    html = _page("undated_article.html")
    dated_url = "https://example.org/2024/06/01/harbour-bridge"
    from_feed = clean_page(html, "https://example.org/harbour-bridge", feed_published=feed)
    url_beats_feed = clean_page(html, dated_url, feed_published=feed)
    from_page = _article(byline=TIME_ELEMENT)
    assert from_feed is not None and url_beats_feed is not None
    assert (from_feed.published_at, from_feed.published_source) == (feed, "feed")
    # One witness each, and the URL is trusted first.
    assert (url_beats_feed.published_at, url_beats_feed.published_source) == (
        datetime(2024, 6, 1, tzinfo=UTC),
        "url",
    )
    assert from_page.published_at is not None
    assert from_page.published_at.date().isoformat() == "2024-05-30"
    assert from_page.published_source in {"markup", "page"}


def test_feed_and_page_agreeing_outvote_the_url() -> None:
    feed = datetime(2024, 6, 2, 9, 5, tzinfo=UTC)
    page = _article(META_PUBLISHED, path="/2024/05/31/ferry-fares")
    with_feed = clean_page(
        _article_html(META_PUBLISHED), "https://lakeside.example/2024/05/31/ferry-fares",
        feed_published=feed,
    )  # fmt: skip
    assert page.published_at == datetime(2024, 5, 31, tzinfo=UTC)  # URL first in a 1:1 tie
    assert with_feed is not None
    assert (with_feed.published_at, with_feed.published_source) == (
        datetime(2024, 6, 2, 9, tzinfo=UTC),
        "meta",
    )


def test_no_date_anywhere_is_none_with_no_source() -> None:
    page = _article()  # only "© 2024" in the footer
    assert (page.published_at, page.published_source) == (None, None)


def test_modified_from_json_ld_then_meta() -> None:
    modified_meta = '<meta property="article:modified_time" content="2024-06-05T12:00:00+02:00">'
    both = _article(_json_ld(dateModified="2024-06-04T12:00:00Z") + modified_meta)
    meta_only = _article(modified_meta)
    assert both.modified_at == datetime(2024, 6, 4, 12, tzinfo=UTC)
    assert meta_only.modified_at == datetime(2024, 6, 5, 10, tzinfo=UTC)


# --- authors on whole pages ---------------------------------------------------------------


def test_authors_from_json_ld_people_before_meta() -> None:
    people = (
        '<script type="application/ld+json">{"@context":"https://schema.org",'
        '"@type":"NewsArticle","author":[{"@type":"Person","name":"Lena Fischer"},'
        '{"@type":"Person","givenName":"Omar","familyName":"Haddad"},'
        '{"@type":"Organization","name":"Wire Desk"}]}</script>'
    )
    page = _article(people + '<meta name="author" content="Someone Else">')
    assert page.authors == ("Lena Fischer", "Omar Haddad")
    assert page.author == "Lena Fischer, Omar Haddad"


@pytest.mark.parametrize("opening", ["by", "BY", "von", "Por", "Text von"])
def test_a_byline_under_the_headline_in_other_spellings(opening: str) -> None:
    page = _article(byline=f"<div class='m'><span>{opening} Nora Quill</span></div>")
    assert page.authors == ("Nora Quill",)


def test_authors_from_meta_then_byline() -> None:
    from_meta = _article('<meta name="byl" content="By Lena Fischer and Omar Haddad">')
    from_byline = _article(byline="<div class='m'>By Sam Okafor, Local Democracy Reporter</div>")
    assert from_meta.authors == ("Lena Fischer", "Omar Haddad")
    assert from_byline.authors == ("Sam Okafor",)


def test_a_personal_site_credits_its_owner_when_no_one_else_is_named() -> None:
    own = (
        '<meta property="og:site_name" content="Nora Quill">'
        '<meta name="author" content="Nora Quill">'
    )
    assert _article(own).authors == ("Nora Quill",)
    # Another credit on the page still wins over the site's own name.
    both = own + '<meta name="byl" content="By Sam Okafor">'
    assert _article(both).authors == ("Sam Okafor",)


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("<span class='author vcard'><a class='url fn n' href='/author/nq'>Nora Quill</a></span>",
         ("Nora Quill",)),
        ("<a rel='author' href='/author/harbourhawk'>harbourhawk</a>", ("harbourhawk",)),
    ],
)  # fmt: skip
def test_authors_from_author_links_and_hcards(byline: str, expected: tuple[str, ...]) -> None:
    assert _article(byline=f"<div class='meta'>{byline}</div>").authors == expected


def test_a_commenters_hcard_is_no_author_credit() -> None:
    tree = html.fromstring(
        "<html><body><article><p>Text.</p></article><ol class='comments'><li>"
        "<div class='comment-author vcard'><b class='fn'>Sam Okafor</b></div></li></ol>"
        "<p class='author'><span class='fn'>Nora Quill</span></p></body></html>"
    )
    assert credit_links(tree) == ["Nora Quill"]


def test_wordpress_yoast_page() -> None:
    page = clean_page(_page("wordpress_yoast.html"), "https://lakesideledger.org/?p=1")
    assert page is not None
    assert page.title == "Lakeside ferry fares to rise by 40 cents in July"  # "– Site" dropped
    assert page.authors == ("Joanna Park",)  # the graph's Person, found through its @id
    assert page.published_at == datetime(2024, 6, 3, 14, 5, 9, tzinfo=UTC)
    assert page.published_source == "json-ld"
    assert page.modified_at == datetime(2024, 6, 4, 8, tzinfo=UTC)
    lines = page.text.split("\n")
    assert len(lines) == 4
    assert "Residents can join the consultation on the new timetable" in lines[2]  # inline link
    for furniture in (
        "Keep local news free",
        "funded by readers",
        "Donate now",
        "READ MORE",
        "Second ferry back in service",
        "Bus route 7",
    ):
        assert furniture not in page.text


def test_wire_page() -> None:
    page = clean_page(_page("wire_story.html"), "https://harborwire.com/article/x")
    assert page is not None
    assert page.title == "Port strike ends after dockworkers accept 12% raise"
    assert page.authors == ("Ray Okoro", "Lin Wu")  # upper-case byline; the outlet is no author
    assert (page.published_at, page.published_source) == (
        datetime(2024, 10, 4, 3, 12, 40, tzinfo=UTC),
        "meta",
    )
    assert page.text.startswith("NEW ORLEANS (HW) — Dockworkers")
    # The wire's long credit is part of the story it syndicates; a short notice would not be.
    assert len(page.text.split("\n")) == 4
    assert page.text.split("\n")[-1].startswith("Copyright 2024 Harbor Wire.")
    assert "ADVERTISEMENT" not in page.text.upper()


def test_dates_without_an_offset_are_read_in_the_outlet_zone() -> None:
    from zoneinfo import ZoneInfo

    html = (
        '<html><head><meta property="article:published_time" content="2024-03-10T09:00:00">'
        "<title>Talks resume in the capital</title></head><body><article>"
        "<h1>Talks resume in the capital</h1>"
        + "".join(
            f"<p>Paragraph {i} of a long enough article about the talks, with detail.</p>"
            for i in range(8)
        )  # fmt: skip
        + "</article></body></html>"
    )
    moscow = clean_page(html, "https://news.example/a", zone=ZoneInfo("Europe/Moscow"))
    default = clean_page(html, "https://news.example/a")
    assert moscow is not None and default is not None
    assert moscow.published_at == datetime(2024, 3, 10, 6, 0, tzinfo=UTC)  # UTC+3
    assert default.published_at == datetime(2024, 3, 10, 9, 0, tzinfo=UTC)


# --- an outlet's own excludes ---------------------------------------------------------------

PARTNER_BOX = (
    "<div class='partner-box'><p>From our partners: how the Kremlin sees the ferry dispute, "
    "an analysis by a sister paper that everyone on the lake should read today.</p></div>"
)
AD_BLOCK = (
    "<div data-ad='inline'><p>Sponsored: cheap flights to Syria and beyond, book your "
    "summer trip with our travel partner before the offer ends on Friday.</p></div>"
)


def _with_blocks(exclude: tuple[str | etree.XPath, ...] = ()) -> CleanPage:
    html = (
        "<!DOCTYPE html><html lang='en'><head><title>Ferry fares rise</title></head><body><main>"
        f"<article><h1>Ferry fares rise</h1><div class='story'>{ARTICLE_BODY}{PARTNER_BOX}"
        f"{AD_BLOCK}</div></article></main></body></html>"
    )
    page = clean_page(html, "https://lakeside.example/news/ferry-fares", exclude=exclude)
    assert page is not None and page.title == "Ferry fares rise"
    return page


def test_blocks_the_boilerplate_rules_keep_are_there_without_excludes() -> None:
    text = _with_blocks().text
    assert "Kremlin" in text and "Syria" in text  # the case `exclude` exists for


@pytest.mark.parametrize(
    ("exclude", "gone", "kept"),
    [
        (("div.partner-box",), ("Kremlin",), ("Syria",)),
        (("//div[@data-ad]",), ("Syria",), ("Kremlin",)),
        (("(//div[contains(@class, 'partner')])[1]", "DIV[data-ad]"), ("Kremlin", "Syria"), ()),
    ],
)
def test_excluded_blocks_disappear_css_and_xpath(
    exclude: tuple[str, ...], gone: tuple[str, ...], kept: tuple[str, ...]
) -> None:
    text = _with_blocks(exclude).text
    assert not [word for word in gone if word in text]
    assert all(word in text for word in kept)
    assert text.startswith("The county transit board voted on Monday")  # the article stays


def test_compiled_excludes_give_the_same_page() -> None:
    compiled = compile_excludes(["div.partner-box", "//div[@data-ad]"])
    assert all(isinstance(xpath, etree.XPath) for xpath in compiled)
    assert _with_blocks(compiled) == _with_blocks(("div.partner-box", "//div[@data-ad]"))


def test_excluding_keeps_the_text_after_the_element() -> None:
    html = (
        "<html><body><article><h1>Ferry fares rise</h1><p>Before <span class='x'>cut</span> "
        "after, <b>bold</b> <i class='x'>cut</i> and after.</p>"
        f"{ARTICLE_BODY}</article></body></html>"
    )
    page = clean_page(html, "https://lakeside.example/news/ferry-fares", exclude=[".x"])
    assert page is not None
    assert page.text.startswith("Before after, bold and after.\n")


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        ("div[", "invalid CSS selector 'div['"),
        ("p::text", "invalid CSS selector 'p::text'"),
        ("//p[", "invalid XPath '//p['"),
        ("//ns:aside", "invalid XPath '//ns:aside': Undefined namespace prefix"),
        ("(count(//p))", "gives a value"),
        ("   ", "empty selector"),
    ],
)
def test_invalid_selector_is_an_error_naming_it(selector: str, message: str) -> None:
    with pytest.raises(ExcludeError, match=re.escape(message)):
        compile_excludes(["div.ok", selector])
    with pytest.raises(ExcludeError, match=re.escape(message)):
        clean_page(_page("wire_story.html"), "https://harborwire.com/article/x", exclude=[selector])

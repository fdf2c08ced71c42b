"""Tests for spiders.extract: saved outlet pages in, clean articles (or None) out."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from spiders.extract import CleanPage, clean_page

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
            published_at=datetime(2017, 1, 24, 10, 15, tzinfo=UTC),
            language="en",
        ),
    ),
    "independent_002.html": (
        IND_002,
        dict(
            canonical_url=IND_002,
            title="Syria crisis: US and Russia in talks to fight side by side in Aleppo, "
            "says Russian defence minister",
            author="Tom Ashworth",
            published_at=datetime(2016, 8, 1, 13, 32, tzinfo=UTC),  # +01:00 on the page
            language="en",
        ),
    ),
    "moscowtimes_003.html": (
        MT_003 + "?utm_campaign=newsletter",
        dict(
            canonical_url=MT_003,
            title="After Trump Victory, Russia to Reconsider U.S. Coalition in Syria",
            author="Daria Volkova",
            # datePublished (+03:00) wins over the day-only date in the URL
            published_at=datetime(2016, 11, 10, 10, 48, tzinfo=UTC),
            language="en",
        ),
    ),
    "newsweek_004.html": (
        NW_004,
        dict(
            canonical_url=NW_004,
            title="Trump and Putin Could Work Together on Syria and North Korea",
            author="Tom Keller",
            published_at=datetime(2017, 7, 7, 16, 41, tzinfo=UTC),  # -04:00 on the page
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


def test_seed_001_copy_matches_shared_seed() -> None:
    shared = sorted(SHARED_SEEDS.glob("001_*.txt"))
    if not shared:
        pytest.skip("shared/seeds is not beside the repository")
    copy = (PAGES / "seed_001_expected.txt").read_text(encoding="utf-8")
    assert shared[0].read_text(encoding="utf-8") == copy


@pytest.mark.parametrize("name", sorted(SEED_PAGES))
def test_metadata(name: str) -> None:
    _, expected = SEED_PAGES[name]
    page = _seed(name)
    assert {field: getattr(page, field) for field in expected} == expected
    assert page.published_at is not None and page.published_at.utcoffset().total_seconds() == 0


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
    assert page.language == "en"  # from <meta http-equiv="content-language">
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

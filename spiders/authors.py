"""Cleaning: the people credited with an article, without "By", job titles, "and" or the outlet."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from spiders.text import name_key

# Separators between names in one byline: "A, B and C", "A & B", "A; B", "A | B", and "and" in
# German, Spanish and French ("A und B", "A y B", "A et B"). Not Portuguese "e": it joins
# compound surnames ("Santos e Silva").
_SPLIT = re.compile(r"\s*(?:[,;|/&+]|\b(?:and|und|y|et)\b)\s*", re.IGNORECASE)
_BY = re.compile(
    r"^(?:(?:(?:written|words|reported|text|story|posted|beitrag|artikel|(?:view|see) all posts"
    r"|(?:zeige )?alle beiträge|zum profil)\s+)?(?:by|von|vom|par|por|from)"
    r"|author|autor|autorin|auteur|text|interview)\s*:?\s+",
    re.IGNORECASE,
)
# A name may end with an initial or a suffix and its period ("Perry Hale Jr.", "Ana Ruiz C.").
_ABBREVIATED_END = re.compile(r"(?:\b\w|\bjr|\bsr)\.$", re.IGNORECASE)
# "Jane Doe in Moscow", "Jane Doe for The Independent", "Jane Doe (Reuters)".
_TRAILER = re.compile(r"\s+(?:in|at|for|from|via)\s+.*$|\s*\(.*\)\s*$")
# Words that make a byline fragment a job title, desk or agency rather than a name.
ROLE_WORDS = frozenset(
    {
        "correspondent", "correspondents", "editor", "editors", "reporter", "reporters",
        "writer", "writers", "journalist", "journalists", "columnist", "contributor",
        "contributing", "staff", "producer", "analyst", "chief", "bureau", "desk", "senior",
        "deputy", "associate", "newsroom", "agency", "agencies", "team", "admin", "redaktion",
        "korrespondent", "korrespondentin", "redakteur", "redakteurin", "autor", "autorin",
        "updated", "published",
    }
)  # fmt: skip
MAX_NAME_WORDS = 5
# Lower-case words that belong inside names ("Ursula von der Leyen", "Bashar al-Assad").
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "da", "das", "do", "dos", "del", "della", "di", "du",
     "la", "le", "bin", "ibn", "al", "el", "zu", "ter", "ten", "d", "l"}
)  # fmt: skip


# Author links and hCard names: <a rel="author">, class="author vcard" around class="fn".
_CREDIT_XPATH = (
    "//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' author ')]"
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' fn ')]"
)
MAX_CREDIT_LINKS = 3
MAX_HANDLE_CHARS = 30


def credit_links(tree: HtmlElement) -> list[str]:
    """The text of the page's first author links (rel="author", hCard "fn"), outside comments."""
    found: list[str] = []
    for element in tree.xpath(_CREDIT_XPATH):
        if any("comment" in (node.get("class") or "") for node in element.iterancestors()):
            continue  # a commenter, not the author
        text = " ".join(element.text_content().split())
        if text and text not in found:
            found.append(text)
        if len(found) >= MAX_CREDIT_LINKS:
            break
    return found


def handles(credits: Iterable[str]) -> tuple[str, ...]:
    """Credits that are one short word ("gnaddrig", "Thilo"): a blog's handle, as written."""
    names = (" ".join(credit.split()) for credit in credits)
    return tuple(
        name for name in names if name and len(name) <= MAX_HANDLE_CHARS and " " not in name
    )[:1]


def clean_authors(credits: Iterable[str], site_keys: frozenset[str]) -> tuple[str, ...]:
    """Person names from raw credits (bylines, meta tags, JSON-LD), in order, each once."""
    names: list[str] = []
    for credit in credits:
        for fragment in _SPLIT.split(" ".join(credit.split())):
            name = _name(fragment, site_keys)
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
    # "Jane Doe" and "Jane Doe Smith" from two sources are one person: keep the fuller form.
    return tuple(n for n in names if not any(n != m and f" {n} " in f" {m} " for m in names))


def _name(fragment: str, site_keys: frozenset[str]) -> str | None:
    name = _TRAILER.sub("", _BY.sub("", fragment.strip(" :-–—"))).strip(" :-–—")
    if name.endswith(".") and not _ABBREVIATED_END.search(name):
        name = name.rstrip(" .")
    words = name.split()
    if not 2 <= len(words) <= MAX_NAME_WORDS or name_key(name) in site_keys:
        return None  # one word is a handle, "Staff" or an agency; six is a sentence
    if any(word.casefold().strip(".") in ROLE_WORDS for word in words):
        return None
    if re.search(r"[\d@#<>=:]|https?|www\.", name) or not _looks_like_name(words):
        return None
    # Wire bylines shout ("By MARTA LOPEZ"); a name is stored as it is normally written.
    return name.title() if name.isupper() else name


def _looks_like_name(words: list[str]) -> bool:
    # Every word capitalised but the particles; "clicking “Accept All Cookies”" is no name.
    def capitalised(word: str) -> bool:
        return word[:1].isupper() or re.split(r"[-'’]", word)[0].casefold() in _PARTICLES

    return words[0][:1].isupper() and all(capitalised(word) for word in words)

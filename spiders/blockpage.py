"""Block pages (pure): a 200 answer that is a bot wall, a challenge, a denial or a paywall
interstitial instead of the story. Told by the class of page, never by one site's markup."""

from __future__ import annotations

import re

# Longer than this, a page is a story whatever it says: block pages are a line or two.
BLOCK_PAGE_WORDS = 150
# Below this, a paywall or a bare "access denied" is all the page says: no story came with it.
STUB_WORDS = 60
TINY_WORDS = 25

_FLAGS = re.IGNORECASE
# What bot walls and challenges say, and news prose (almost) never does.
_CHALLENGE = re.compile(
    r"\bare you a (?:human|robot)\b|\bverify (?:that )?you are (?:a )?human\b"
    r"|\bchecking (?:your browser|if the site connection is secure)\b"
    r"|\b(?:please )?enable (?:javascript|cookies)(?: and (?:javascript|cookies))?"
    r" (?:to (?:continue|proceed|view)|in your browser)\b"
    r"|\byou have been blocked\b|\baccess to this page has been denied\b"
    r"|\bunusual traffic from your (?:computer|network|device)\b"
    r"|\bcomplete the (?:security check|captcha)\b|\bray id\b|\bpardon our interruption\b",
    _FLAGS,
)
# What a paywall interstitial or a bare challenge says; a page long enough to be a story (a
# paywalled teaser, a brief about captchas) is kept.
_STUB = re.compile(
    r"\bcaptcha\b|\brequest (?:was |has been )?blocked\b"
    r"|\bsubscribe (?:now )?to (?:continue|keep) reading\b|\balready a subscriber\b"
    r"|\bthis (?:article|content|story) is (?:only )?(?:available|reserved) (?:to|for) "
    r"(?:subscribers|members)\b|\bsign in to (?:continue|keep) reading\b",
    _FLAGS,
)
# Words a short news brief may well use ("forbidden", "access denied"): a sign only when they
# are the page's whole title, or when the page is too short to be any story.
_DENIAL = re.compile(
    r"\baccess denied\b|\bforbidden\b|\bnot authori[sz]ed\b|\bjust a moment\b"
    r"|\battention required\b|\bpermission to access\b|\bsecurity check\b",
    _FLAGS,
)
# A title is a denial when a separator-delimited part of it is nothing but one:
# "403 Forbidden", "Access denied | Example News", "Just a moment...".
_TITLE_PART = re.compile(r"\s+[|·•–—-]\s+")
_TITLE_DENIAL = re.compile(
    r"(?:\d{3}\s*)?(?:error\s*)?(?:access denied|forbidden|just a moment|attention required"
    r"|not authori[sz]ed|security check|are you a (?:human|robot)|blocked)"
    r"(?:!|\.\.\.|…|\?|\.)?",
    _FLAGS,
)


def is_block_page(title: str, text: str) -> bool:
    """Whether an extraction reads as a block page rather than an article (see the module)."""
    words = len(text.split())
    if words >= BLOCK_PAGE_WORDS:
        return False
    both = f"{title}\n{text}"
    if _CHALLENGE.search(both):
        return True
    if words < STUB_WORDS and (_STUB.search(both) or _title_is_denial(title)):
        return True
    return words < TINY_WORDS and bool(_DENIAL.search(both))


def _title_is_denial(title: str) -> bool:
    return any(_TITLE_DENIAL.fullmatch(part.strip()) for part in _TITLE_PART.split(title))

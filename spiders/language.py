"""The language of an article that declares none: py3langid (trafilatura's own detector) on
the start of its clean text. The model loads on the first detection, not on import."""

from __future__ import annotations

# The first characters say the language as well as the whole text does, at a cost that does
# not grow with the article (docs/benchmarks.md, "Language detection").
SAMPLE_CHARS = 2000


def detect(text: str) -> str | None:
    """The ISO 639-1 code py3langid finds most likely for `text`; None for a text without a
    letter (nothing to tell by)."""
    sample = text[:SAMPLE_CHARS]
    if not any(c.isalpha() for c in sample):
        return None
    import py3langid  # its ~1 s model load happens on the first classify, once per process

    code, _score = py3langid.classify(sample)
    return str(code)

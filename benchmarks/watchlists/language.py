"""What `lang:` costs when a page declares no language: py3langid's model load (once per crawl
process) and the detection per article, on the sample spiders.language reads and on the whole
text, over generated news-length articles.

    .venv/bin/python -m benchmarks.watchlists.language [--articles 1000] [--write]
"""

from __future__ import annotations

import argparse
import os
import time

from benchmarks.watchlists.run import articles, measured_block, write_section
from spiders.language import SAMPLE_CHARS, detect

HEADING = "## Language detection"


def main(argv: list[str] | None = None) -> int:
    """Time the model load, then detection per article (sample and whole text)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--write", action="store_true", help=f"update '{HEADING}'")
    args = parser.parse_args(argv)
    texts = [a.text for a in articles(args.articles, seed=5)]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    detect("The government said on Tuesday that talks would resume.")
    first = time.perf_counter() - started
    lines = [f"first detection in a process (imports py3langid, loads its model): {first:.2f} s"]
    for label, limit in ((f"first {SAMPLE_CHARS:,} characters (what is read)", SAMPLE_CHARS),
                         ("whole text", None)):  # fmt: skip
        import py3langid

        started = time.perf_counter()
        found = [py3langid.classify(text[:limit])[0] for text in texts]
        each = (time.perf_counter() - started) / len(texts) * 1000
        english = found.count("en") / len(found)
        lines.append(f"{label}: {each:.1f} ms per article, {english:.0%} said 'en'")
    chars = sum(map(len, texts)) / len(texts)
    lines.append(f"({len(texts):,} generated English articles, {chars:,.0f} characters on average)")
    print("\n".join(lines))
    if args.write:
        command = f"python -m benchmarks.watchlists.language --articles {args.articles} --write"
        body = measured_block(
            command, "the cost of detecting the language of an article whose page declares none "
            "(spiders/language.py; one core, the shared 2-core machine). A page that declares "
            "its language costs nothing.", lines, load,
        )  # fmt: skip
        write_section("\n".join(body), heading=HEADING)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

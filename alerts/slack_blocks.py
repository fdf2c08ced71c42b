"""Send a message of several mrkdwn sections as ONE Slack post: apprise's Block Kit template
mode, with a template holding only our placeholders and every text passed as a token."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from apprise import AppriseAttachment
from apprise.plugins.slack import NotifySlack

# Slack takes 50 blocks in a message: one header, then up to 49 sections.
MAX_SECTIONS = 49


def blocks_template(sections: int) -> dict:
    """The Block Kit payload for a header and `sections` mrkdwn sections, as apprise template
    source: each text a `{{token}}` that apprise fills with a JSON-escaped value."""
    if not 1 <= sections <= MAX_SECTIONS:
        raise ValueError(f"a Slack message holds 1 to {MAX_SECTIONS} sections, not {sections}")
    header = {"type": "header", "text": {"type": "plain_text", "text": "{{app_title}}",
                                         "emoji": True}}  # fmt: skip
    body = [{"type": "section", "text": {"type": "mrkdwn", "text": f"{{{{{token(n)}}}}}"}}
            for n in range(sections)]  # fmt: skip
    return {"blocks": [header, *body], "color": "{{app_color}}"}


def token(number: int) -> str:
    """The template token of the section at index `number`."""
    return f"newswatch_section_{number}"


@cache
def _template_dir() -> tempfile.TemporaryDirectory:
    # Made at the first multi-section send, removed at exit: nothing happens at import.
    return tempfile.TemporaryDirectory(prefix="newswatch-slack-")


@cache
def template_file(sections: int) -> Path:
    """The template for `sections` sections, written once per process (apprise reads a file)."""
    path = Path(_template_dir().name) / f"blocks-{sections}.json"
    path.write_text(json.dumps(blocks_template(sections)), encoding="utf-8")
    return path


@contextmanager
def sections_of(plugin: object, sections: Sequence[str]) -> Iterator[None]:
    """While the block runs, a Slack `plugin` posts `sections` as the message's sections (and
    the title as its header); any other plugin, or no sections, is left as it is."""
    if not sections or not isinstance(plugin, NotifySlack):
        yield
        return
    if len(sections) > MAX_SECTIONS:
        raise ValueError(f"{len(sections)} sections do not fit one Slack message")
    template = AppriseAttachment(asset=plugin.asset)
    template.add(str(template_file(len(sections))))
    template[0].max_file_size = plugin.max_slack_template_size
    saved = plugin.template, plugin.tokens
    # apprise substitutes tokens in one pass and JSON-escapes each value: a `{{token}}` in
    # scraped text stays text, and no value can add a block or a field.
    plugin.template = template
    plugin.tokens = {token(n): text for n, text in enumerate(sections)}
    try:
        yield
    finally:
        plugin.template, plugin.tokens = saved

"""A user's template files from the config: rendered in the same sandbox with the same
escaping; a broken one is a config error naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from flows.config import ConfigError, parse_config
from flows.deliver import deliver_pending, delivery_policy
from flows.receiver import AlertReceiver
from tests.test_digest import T0, seed


def config_with(tmp_path: Path, channels: dict[str, str], **templates: str):
    raw = {
        "channels": channels,
        "alerts": {"per_second": 0, "templates": templates},
        "watchlists": [{"name": "w", "query": "Syria", "notify": list(channels)}],
    }
    return parse_config(raw, source=str(tmp_path / "newswatch.toml"), env={})


def test_a_users_plain_template_is_used_relative_to_the_config_and_values_stay_inert(
    engine: Engine, tmp_path: Path,
) -> None:  # fmt: skip
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "plain.j2").write_text("DESK {{ outlet }}: {{ title }} @here\n{{ url }}")
    with AlertReceiver() as receiver:
        config = config_with(tmp_path, {"desk": receiver.url}, plain="mine/plain.j2")
        assert config.alerts.templates["plain"] == str(tmp_path / "mine" / "plain.j2")
        seed(engine, 1)
        deliver_pending(engine, config.channels, lambda: T0, policy=delivery_policy(config))
    (body,) = receiver.received
    # The file's own text is the operator's (its @here stays); values are escaped as ever.
    assert body["message"].startswith("DESK Outlet 0: Story w 0. @here\nhttp://127.0.0.1:9/")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{% if title %}unclosed", "line 1: Unexpected end of template"),
        ("{{ no_such_value }}", "'no_such_value' is undefined"),
        ("{{ title.__class__.__mro__ }}", "unsafe"),
    ],
)
def test_a_broken_template_is_a_config_error_naming_the_file(
    tmp_path: Path, source: str, expected: str
) -> None:
    (tmp_path / "slack.j2").write_text(source)
    with pytest.raises(ConfigError) as error:
        config_with(tmp_path, {"desk": "json://127.0.0.1:9/x"}, slack="slack.j2")
    message = str(error.value)
    assert f"alerts.templates.slack: {tmp_path / 'slack.j2'}" in message
    assert expected in message


def test_a_missing_template_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="digest_plain: .*nope.j2: cannot read the template"):
        config_with(tmp_path, {"desk": "json://127.0.0.1:9/x"}, digest_plain="nope.j2")

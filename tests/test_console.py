"""Prefect's terminal logging: quiet around the demo unless --verbose; the API still gets all."""

import logging

import pytest
from prefect.logging.handlers import APILogHandler, PrefectConsoleHandler

from flows.console import prefect_console


def console_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, PrefectConsoleHandler)]


@pytest.fixture(autouse=True)
def no_user_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", raising=False)


def test_quiet_keeps_info_off_the_terminal_but_not_off_the_api() -> None:
    from prefect.logging.configuration import ensure_logging_setup

    ensure_logging_setup()  # as a flow run would have
    assert console_handlers()
    before = [h.level for h in console_handlers()]
    flow_logger = logging.getLogger("prefect.flow_runs")
    with prefect_console(verbose=False):
        assert all(h.level >= logging.WARNING for h in console_handlers())
        assert flow_logger.isEnabledFor(logging.INFO)  # records still made and sent...
        assert any(isinstance(h, APILogHandler) and h.level <= logging.INFO
                   for h in flow_logger.handlers)  # ...to the API handler
    assert [h.level for h in console_handlers()] == before


def test_verbose_leaves_prefect_logging_alone() -> None:
    from prefect.logging.configuration import ensure_logging_setup

    ensure_logging_setup()
    before = [h.level for h in console_handlers()]
    with prefect_console(verbose=True):
        assert [h.level for h in console_handlers()] == before < [logging.WARNING]

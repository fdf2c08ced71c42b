"""Tests for spiders.limits: the cleaning deadline and tree-size limit."""

from __future__ import annotations

import threading
import time

import pytest

from spiders.extract import clean_page
from spiders.limits import MAX_TREE_ELEMENTS, CleaningTimeout, TreeTooLarge, deadline


def test_a_deadline_interrupts_slow_python_work() -> None:
    started = time.monotonic()
    with pytest.raises(CleaningTimeout), deadline(0.2):
        while True:  # the kind of pure-Python loop a pathological page could cause
            time.sleep(0.01)
    assert time.monotonic() - started < 2


def test_a_deadline_that_is_not_reached_changes_nothing() -> None:
    with deadline(5):
        value = sum(range(1000))
    assert value == 499500
    time.sleep(0.05)  # the timer is off: nothing fires afterwards


def test_outside_the_main_thread_there_is_no_deadline() -> None:
    outcome: list[str] = []

    def work() -> None:
        with deadline(0.05):
            time.sleep(0.2)
        outcome.append("finished")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome == ["finished"]


def test_a_page_of_too_many_elements_fails_before_cleaning() -> None:
    html = "<html><body>" + "<div></div>" * (MAX_TREE_ELEMENTS + 1) + "</body></html>"
    with pytest.raises(TreeTooLarge, match="elements"):
        clean_page(html, "https://example.org/a")

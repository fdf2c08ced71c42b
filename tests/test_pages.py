"""Kept pages: saved compressed under the article URL, read back as stored, never half-written."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

from spiders.pages import decompress_page, load_page, page_path, save_page

URL = "https://news.example/world/2024/06/ferry-fares-rise"
HTML = "<html><body><h1>Fähren teurer</h1><p>Ціни на пором зростуть — 40 cents.</p></body></html>"


def test_round_trip_keeps_the_decoded_text(tmp_path: Path) -> None:
    save_page(tmp_path, URL, HTML)
    stored = load_page(tmp_path, URL)
    assert stored is not None and stored != HTML.encode()  # compressed, as the column keeps it
    assert decompress_page(stored) == HTML
    assert zlib.decompress(stored) == HTML.encode("utf-8")


def test_absent_page_is_none(tmp_path: Path) -> None:
    assert load_page(tmp_path, URL) is None
    assert load_page(tmp_path / "no-such-dir", URL) is None


def test_a_page_is_named_by_its_url_only(tmp_path: Path) -> None:
    path = page_path(tmp_path, URL)
    assert path == page_path(tmp_path, URL)
    assert path != page_path(tmp_path, URL + "/")
    assert path.name.endswith(".html.z") and path.parent.parent == tmp_path
    assert path.parent.name == path.name[:2]


def test_saving_again_replaces_the_page(tmp_path: Path) -> None:
    save_page(tmp_path, URL, HTML)
    save_page(tmp_path, URL, "<p>edited</p>")
    assert decompress_page(load_page(tmp_path, URL) or b"") == "<p>edited</p>"
    assert [p.name for p in page_path(tmp_path, URL).parent.iterdir()] == [
        page_path(tmp_path, URL).name
    ]  # no temporary file left behind


def test_page_is_written_under_a_temporary_name_then_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renames: list[tuple[Path, Path, bytes]] = []
    real_replace = os.replace

    def spy(source: Path, target: Path) -> None:
        renames.append((Path(source), Path(target), Path(source).read_bytes()))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    save_page(tmp_path, URL, HTML)
    ((source, target, written),) = renames
    assert target == page_path(tmp_path, URL) and source != target
    assert source.parent == target.parent  # same file system: the rename is atomic
    assert decompress_page(written) == HTML  # complete before it gets the real name


def test_a_failed_write_leaves_neither_page_nor_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(self: Path, data: bytes) -> int:
        with self.open("wb") as half:  # half a file, then the disk is full
            half.write(data[:3])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(OSError, match="No space left"):
        save_page(tmp_path, URL, HTML)
    assert load_page(tmp_path, URL) is None
    assert list(page_path(tmp_path, URL).parent.iterdir()) == []

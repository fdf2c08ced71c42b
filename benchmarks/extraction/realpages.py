"""Benchmark: newswatch's cleaning on public sets of real pages, beside trafilatura alone.

Runs the shared harness (`evaluate.py`, standard library only) with three extractors in the
same run: newswatch (benchmarks/extraction/adapter.py, i.e. spiders.extract.clean_page) and
trafilatura alone with no comments and with fast=True. Nothing here is part of the test suite.

    .venv/bin/python -m benchmarks.extraction.realpages --data /tmp/nwdev
    .venv/bin/python -m benchmarks.extraction.realpages --data /tmp/nwdev --limit 50   # a look
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT.parent / "shared" / "extraction-dev"
EXTRACTORS = (
    "benchmarks.extraction.adapter:extract",
    "baseline_trafilatura:extract_no_comments",
    "baseline_trafilatura:extract_fast",
)


def main(argv: list[str] | None = None) -> int:
    """Run the harness on the unpacked sets; print its tables (and write them with --out)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="where data.tar.xz was unpacked")
    parser.add_argument("--harness", type=Path, default=HARNESS, help="folder of evaluate.py")
    parser.add_argument("--datasets", default="trafilatura,htmldate")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages per set")
    parser.add_argument("--bootstrap", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("/tmp/newswatch-realpages"))
    args = parser.parse_args(argv)
    evaluate = args.harness / "evaluate.py"
    if not evaluate.is_file():
        parser.error(f"no harness at {evaluate}: pass --harness (shared/extraction-dev)")
    if not args.data.is_dir() or not any(args.data.iterdir()):
        parser.error(
            f"no pages under {args.data}: unpack them first, e.g. "
            f"mkdir -p {args.data} && tar -xJf {args.harness / 'data.tar.xz'} -C {args.data}"
        )
    command = [
        sys.executable, str(evaluate), "--data", str(args.data), "--datasets", args.datasets,
        "--bootstrap", str(args.bootstrap), "--out", str(args.out),
        *(["--limit", str(args.limit)] if args.limit else []),
        *(part for name in EXTRACTORS for part in ("--extractor", name)),
    ]  # fmt: skip
    # The adapter imports the project; the baselines live beside the harness.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(ROOT), str(args.harness)))}
    return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())

"""The project's declared dependencies match what its code imports and needs."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("spiders", "flows", "storage", "alerts")


def _requirements(extra: str | None = None) -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    texts = project["optional-dependencies"][extra] if extra else project["dependencies"]
    requirements = [Requirement(text) for text in texts]
    return {_normal(r.name): r for r in requirements}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_modules() -> set[str]:
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - set(PACKAGES) - {"__future__"}


def test_every_imported_distribution_is_declared() -> None:
    owners = importlib.metadata.packages_distributions()
    declared = _requirements()
    missing = {
        module: owners.get(module)
        for module in _imported_modules()
        if not any(_normal(dist) in declared for dist in owners.get(module, []))
    }
    assert missing == {}, f"imported but not declared in pyproject.toml: {missing}"


def test_floors_admit_no_version_without_what_the_code_uses() -> None:
    # tests/test_similarity.py passes MinHash(scheme=...), new in datasketch 2.0.
    assert not _requirements("test")["datasketch"].specifier.contains("1.9")
    # spiders/robots.py and spiders/politeness.py override Scrapy internals of one minor.
    assert not _requirements()["scrapy"].specifier.contains("2.20.0")


def test_prefect_yaml_names_the_installed_prefect() -> None:
    text = (ROOT / "prefect.yaml").read_text(encoding="utf-8")
    declared = re.search(r"^prefect-version:\s*(\S+)", text, re.M)
    assert declared and declared[1] == importlib.metadata.version("prefect")

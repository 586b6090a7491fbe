"""The hash-locked requirements (requirements/py3XX.txt, from `invoke lock`) agree with pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# py311.txt -> 3.11
LOCKED_PYTHONS = sorted(f"{p.stem[2]}.{p.stem[3:]}" for p in (ROOT / "requirements").glob("py3*.txt"))
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+)(?: ;.*)? \\$")


def pins(version: str) -> dict[str, tuple[str, int]]:
    """{name: (version, number of hashes)} of one lock."""
    found: dict[str, tuple[str, int]] = {}
    name = None
    for line in (ROOT / "requirements" / f"py{version.replace('.', '')}.txt").read_text().splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match.group(1))
            found[name] = (match.group(2), 0)
        elif line.strip().startswith("--hash=sha256:") and name:
            found[name] = (found[name][0], found[name][1] + 1)
    return found


def test_each_supported_python_has_a_lock():
    supported = SpecifierSet(PROJECT["requires-python"])
    assert [f"3.{minor}" for minor in range(8, 20) if f"3.{minor}.0" in supported] == LOCKED_PYTHONS


@pytest.mark.parametrize("version", LOCKED_PYTHONS)
def test_lock_pins_every_dependency_within_its_range(version):
    locked = pins(version)
    assert locked and all(hashes for _, hashes in locked.values())
    wanted = [Requirement(spec) for spec in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]]
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in the {version} lock: run `invoke lock`"
        assert locked[name][0] in requirement.specifier, f"{name}=={locked[name][0]} outside {requirement.specifier}"

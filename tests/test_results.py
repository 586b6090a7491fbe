"""The results have one source: docs/results.json, written by `invoke bench`; the README and docs/ follow it."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, run_pipeline
from PIL import Image

from pipeline.bench.browser import serve
from pipeline.bench.results import BEGIN, END, headline, results_page, with_headline, write_results
from pipeline.bench.screenshot import SHOTS, take_screenshots

DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads((DOCS / "results.json").read_text())


def test_the_readme_table_is_the_committed_results(committed):
    readme = (ROOT / "README.md").read_text()
    between = readme[readme.index(BEGIN) + len(BEGIN) : readme.index(END)]
    assert between == "\n" + headline(committed), "README's results table differs: run `invoke docs` or `invoke bench`"


def test_the_results_page_is_the_committed_results(committed):
    assert (DOCS / "results.md").read_text() == results_page(committed), "run `invoke docs` or `invoke bench`"


def test_the_committed_results_are_a_full_bench_with_machine_isa_and_date(committed):
    assert not committed["quick"]
    page = (DOCS / "results.md").read_text()
    for fact in (committed["machine"], committed["isa"], committed["date"]):
        assert fact in page
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", committed["date"])


def test_write_results_rewrites_only_between_the_markers(tmp_path, committed):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{BEGIN}\nstale table\n{END}\nafter\n")
    write_results(committed, readme=readme, page=tmp_path / "results.md", source=tmp_path / "results.json")
    text = readme.read_text()
    assert text.startswith(f"intro\n{BEGIN}\n") and text.endswith(f"{END}\nafter\n")
    assert "stale table" not in text and headline(committed) in text
    assert json.loads((tmp_path / "results.json").read_text()) == committed
    assert with_headline(text, committed) == text  # a second run changes nothing


def test_write_results_refuses_a_quick_bench_or_a_readme_without_markers_and_writes_nothing(tmp_path, committed):
    readme, page = tmp_path / "README.md", tmp_path / "results.md"
    readme.write_text("no markers here\n")
    with pytest.raises(ValueError, match="no results markers"):
        write_results(committed, readme=readme, page=page, source=tmp_path / "results.json")
    with pytest.raises(ValueError, match="quick"):
        write_results({**committed, "quick": True}, readme=readme, page=page, source=tmp_path / "results.json")
    assert readme.read_text() == "no markers here\n" and not page.exists()


def test_docs_without_a_bench_report_is_a_one_line_error(tmp_path):
    done = run_pipeline("docs", "--out", str(tmp_path))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and str(tmp_path / "bench.json") in done.stderr


def test_every_link_in_the_readme_and_docs_leads_to_a_file():
    for document in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+)[^)]*\)|src=\"([^\"]+)\"", document.read_text()):
            path = next(t for t in target if t)
            if not path.startswith(("http://", "https://")):
                assert (document.parent / path).exists(), f"{document.name} links to {path}, which is not there"


def test_the_readme_is_short_and_shows_the_pictures():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 250
    for name in SHOTS:
        assert f"docs/images/{name}" in readme and (DOCS / "images" / name).is_file()


def test_the_pictures_are_taken_from_the_page_reading_a_drawn_number(browser, quick_dist, tmp_path):
    with serve(quick_dist) as url:
        read = take_screenshots(browser, url, tmp_path)
    for name, options in SHOTS.items():
        with Image.open(tmp_path / name) as picture:
            assert picture.size == (options["viewport"]["width"], options["viewport"]["height"])
        assert read[name].isdigit()  # the quick model may misread a digit, but a number is on screen
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(SHOTS)  # no temporary file left

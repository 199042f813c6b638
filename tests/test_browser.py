"""The HTML audit report in a real browser: Debian's Chromium, headless, driven by playwright.

Skipped when /usr/bin/chromium (apt-get install chromium) or the playwright
package is missing; playwright never downloads a browser here, it drives the
system one. Each test saves a screenshot and prints its path.
"""

import re
import shutil
import time
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.extract import extract_corpus, write_outputs
from pipeline.ingest import article_ids, ingest_paths
from pipeline.report import write_report
from pipeline.review import load_reviews, record, row_hash
from pipeline.table import read_statements, write_csv

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
# No network on the machines that run this: keep Chromium from trying.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CORPUS_ARTICLES = 120


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Page:
    """One report opened in a fresh browser page, recording script errors and every request."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.errors, self.requests = [], []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body[data-ready='1']")

    def go(self, fragment: str):
        self.page.evaluate("(hash) => { location.hash = hash; }", fragment)
        self.page.wait_for_timeout(150)

    def filter(self, table: str, query: str):
        self.page.fill(f"{table} input.dt-search", query)
        self.page.wait_for_timeout(400)  # the filter waits for typing to pause

    def cells(self, table: str, column: int) -> list[str]:
        return self.page.locator(f"{table} tbody tr[data-i] td:nth-child({column})").all_inner_texts()

    def count_text(self, table: str) -> str:
        return self.page.inner_text(f"{table} .dt-count")

    def screenshot(self, path: Path, capsys) -> Path:
        self.page.screenshot(path=str(path))
        with capsys.disabled():
            print(f"\nscreenshot: {path}")
        return path

    def check_self_contained(self):
        assert not self.errors, self.errors
        assert all(url.startswith(("file:", "data:", "about:")) for url in self.requests), self.requests


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory):
    """The report of the committed raw/ and outputs/, with two rows reviewed."""
    base = tmp_path_factory.mktemp("seed-report")
    out = base / "outputs"
    out.mkdir()
    shutil.copy(ROOT / "outputs" / "statements.csv", out)
    statements = read_statements(out / "statements.csv")
    reviews = load_reviews(out / "reviews.csv")
    for row, verdict in zip(statements.iloc[:2].to_dict("records"), ("c", "a")):
        reviews = record(reviews, row["statement_id"], row_hash(row), verdict)
    write_csv(reviews, out / "reviews.csv")
    written = write_report(ROOT / "raw", out, base / "audit.html")
    return written.path, statements


def test_seed_report_highlights_filters_and_links_rows_to_the_text(browser, seed_report, tmp_path, capsys):
    path, statements = seed_report
    view = Page(browser, path)
    page = view.page

    # Overview: the audit verdict, the precision and an index of articles and actors.
    assert "OK" in page.inner_text("#audit-summary")
    assert "precision: 0.50" in page.inner_text("#precision-summary")
    assert len(view.cells("#articles-table", 1)) == statements["article_id"].nunique()
    assert len(view.cells("#actors-table", 1)) == min(25, statements["actor_id"].nunique())

    # Statements: every row, sortable and filterable.
    view.go("statements")
    table = "#statements-table"
    assert len(view.cells(table, 2)) == min(50, len(statements))
    trump = statements["actor"].str.contains("trump", case=False).sum()
    assert trump > 0
    view.filter(table, "actor:trump")
    actors = view.cells(table, 2)
    assert len(actors) == trump and all("trump" in a.lower() for a in actors)
    assert f"of {trump} (filtered from {len(statements)})" in view.count_text(table)
    view.filter(table, "")
    page.select_option(f"{table} select[data-col='verdict']", "correct")
    assert len(view.cells(table, 2)) == 1
    page.select_option(f"{table} select[data-col='verdict']", "")
    page.click(f"{table} th:has-text('date_source')")
    sources = view.cells(table, 8)
    assert sources == sorted(sources, key=lambda s: (s == "", s))

    # A row's link opens its article with the statement's parts highlighted and its details shown.
    sid = statements.at[0, "statement_id"]
    view.go(f"statements?q=statement_id:{sid}")
    page.click(f"{table} a.to-text")
    page.wait_for_selector("#article-text span.sel")
    assert page.url.endswith(sid)
    parts = {cls for el in page.locator("#article-text span.sel").all() for cls in el.get_attribute("class").split()}
    assert {"actor", "cue", "content"} <= parts
    assert sid in page.inner_text("#details") and "rule" in page.inner_text("#details")
    for part in ("actor", "cue", "content", "date"):
        assert page.locator(f"#article-text span.{part}").count() > 0, part
    box = page.locator("#article-text span.cue").first.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    styles = page.evaluate("""() => Object.fromEntries(['actor', 'cue', 'content', 'date', 'excluded'].map((c) => {
        const style = getComputedStyle(document.querySelector(`#article-text span[class="${c}"]`));
        return [c, [style.backgroundColor, style.color]];
    }))""")
    assert len({bg for bg, _ in styles.values()}) == 5, styles  # four parts and the boilerplate, each its own colour
    assert styles["excluded"][1] == "rgb(154, 154, 154)"  # boilerplate is greyed

    # Hovering a mark shows its row in a tooltip; clicking another statement's mark shows that row.
    mark = page.locator("#article-text span.actor:not(.sel)").first
    assert "[" in mark.get_attribute("title") and "·" in mark.get_attribute("title")
    index = int(mark.get_attribute("data-s").split()[0])  # read first: the locator is re-evaluated after the click
    mark.click()
    other = page.evaluate("(i) => JSON.parse(document.getElementById('report-data').textContent).rows[i][0]", index)
    assert other != sid and other in page.inner_text("#details")
    assert page.locator("#article-text span.sel").count() > 0
    shot = view.screenshot(tmp_path / "report-article.png", capsys)
    assert shot.stat().st_size > 10_000

    # The timeline is drawn, and its marks link to statements.
    view.go("timeline")
    assert page.locator("#timeline-figure svg").is_visible()
    assert page.locator("#timeline-figure svg a").count() > 0
    assert "undated left out" in page.inner_text("#timeline-note")
    view.screenshot(tmp_path / "report-timeline.png", capsys)
    view.check_self_contained()


@pytest.mark.corpus
def test_report_of_a_hundred_articles_stays_usable(browser, shared_data, nlp, tmp_path_factory, capsys):
    """PolNeAR dev (84 articles) topped up from train to CORPUS_ARTICLES, ingested and extracted in tmp."""
    base = tmp_path_factory.mktemp("polnear")
    dev = shared_data / "polnear" / "dev.jsonl"
    dev_lines = dev.read_text(encoding="utf-8").splitlines()
    topup = base / "train-head.jsonl"
    with (shared_data / "polnear" / "train.jsonl").open(encoding="utf-8") as train:
        topup.write_text("".join(next(train) for _ in range(max(0, CORPUS_ARTICLES - len(dev_lines)))), encoding="utf-8")
    settings = Settings(raw_dir=base / "raw", out_dir=base / "outputs")
    assert ingest_paths([dev, topup], settings.raw_dir).ok
    result = extract_corpus(settings, nlp=nlp)
    write_outputs(result, settings)
    assert result.articles >= 100

    written = write_report(settings.raw_dir, settings.out_dir, base / "audit.html")
    with capsys.disabled():
        print(f"\ncorpus report: {written.articles} articles, {written.statements} statements, "
              f"{written.bytes / 1e6:.1f} MB, built in {written.seconds:.1f}s")
    assert written.articles >= 100

    started = time.perf_counter()
    view = Page(browser, written.path)
    load_seconds = time.perf_counter() - started
    page = view.page
    table = "#statements-table"
    view.go("statements")
    assert len(view.cells(table, 2)) == 50  # one page at a time
    assert f"of {written.statements}" in view.count_text(table)
    page.click(f"{table} .dt-pager button:has-text('next')")
    assert "page 2 /" in page.inner_text(f"{table} .dt-pager")
    view.filter(table, "actor:clinton date_source:published")
    shown = re.search(r"of (\d+) \(filtered", view.count_text(table))
    statements = read_statements(settings.out_dir / "statements.csv")
    expected = (statements["actor"].str.contains("clinton", case=False) & (statements["date_source"] == "published")).sum()
    assert shown and int(shown.group(1)) == expected

    view.go(f"article/{article_ids(settings.raw_dir)[-1]}")
    assert f"article {written.articles} of {written.articles}" in page.inner_text("#article-position")
    assert page.locator("#article-text span[data-s]").count() > 0
    with capsys.disabled():
        print(f"corpus report opened in {load_seconds:.1f}s")
    view.screenshot(base / "corpus-article.png", capsys)
    view.check_self_contained()

"""Runs that go wrong: damaged raw/, a crashing stage, a killed extract, two runs at once.

Each test drives the real command in a subprocess (`python -m pipeline`), as a
user or a scheduler would, on small articles written here.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("statements.csv", "timexes.csv", "actors.csv", "run.json")


def saidwhen(*args, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def article(n: int) -> dict:
    """A small synthetic article with a few statements (no corpus text)."""
    town = f"Town{n:03d}"
    text = "\n\n".join([
        f"The mayor of {town} said on Monday that the bridge over the river would reopen in the spring.",
        "“We are ready for the traffic,” said Anna Kowalska, the mayor. “Every lane has been checked twice.”",
        "Local shop owners told reporters that sales had fallen by a third since the closure of the bridge.",
        f"According to the council of {town}, repairs cost more than the budget allowed for the year.",
    ] * 3)
    return {"id": f"story-{n:03d}", "text": text, "published": "2025-03-04", "title": f"The {town} bridge"}


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "raw").mkdir()
    return tmp_path


def test_damaged_articles_are_reported_and_skipped_and_the_rest_extracted(workdir):
    write_jsonl(workdir / "in.jsonl", [article(n) for n in range(3)])
    assert saidwhen("ingest", "in.jsonl", "--raw", "raw", cwd=workdir).returncode == 0
    (workdir / "raw" / "story-000.json").write_text("{ not json", encoding="utf-8")
    changed = workdir / "raw" / "story-001.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("mayor", "major", 1), encoding="utf-8")

    result = saidwhen("extract", "--raw", "raw", "--out", "out", "--processes", "1", cwd=workdir)
    assert result.returncode == 1
    assert "story-000" in result.stderr and "story-001" in result.stderr and "sha256" in result.stderr
    run = json.loads((workdir / "out" / "run.json").read_text(encoding="utf-8"))
    assert {f["article"].split("/")[-1].split(".")[0] for f in run["failures"]} >= {"story-000", "story-001"}
    statements = (workdir / "out" / "statements.csv").read_text(encoding="utf-8")
    assert "story-002" in statements and "story-000" not in statements and "story-001" not in statements


def test_an_article_that_crashes_a_stage_is_skipped(workdir, monkeypatch):
    from typer.testing import CliRunner

    import pipeline.extract
    from pipeline.cli import app

    write_jsonl(workdir / "in.jsonl", [article(n) for n in range(2)])
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(workdir / "in.jsonl"), "--raw", str(workdir / "raw")]).exit_code == 0
    real = pipeline.extract.analyse

    def crashing(doc, art, *args, **kwargs):
        if art.id == "story-001":
            raise RuntimeError("stage exploded")
        return real(doc, art, *args, **kwargs)

    monkeypatch.setattr(pipeline.extract, "analyse", crashing)
    result = runner.invoke(app, ["extract", "--raw", str(workdir / "raw"), "--out", str(workdir / "out"), "--processes", "1"])
    assert result.exit_code == 1
    assert "story-001" in result.output and "stage exploded" in result.output
    run = json.loads((workdir / "out" / "run.json").read_text(encoding="utf-8"))
    assert [f["article"] for f in run["failures"]] == ["story-001"]
    assert "story-000" in (workdir / "out" / "statements.csv").read_text(encoding="utf-8")


def test_killed_extract_leaves_the_old_tables_and_the_next_run_completes(workdir):
    write_jsonl(workdir / "first.jsonl", [article(n) for n in range(3)])
    assert saidwhen("ingest", "first.jsonl", "--raw", "raw", cwd=workdir).returncode == 0
    assert saidwhen("extract", "--raw", "raw", "--out", "out", "--processes", "1", cwd=workdir).returncode == 0
    old = {name: (workdir / "out" / name).read_bytes() for name in TABLES}

    write_jsonl(workdir / "more.jsonl", [article(n) for n in range(3, 160)])
    assert saidwhen("ingest", "more.jsonl", "--raw", "raw", cwd=workdir).returncode == 0
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", "--raw", "raw", "--out", "out",
                            "--processes", "1", "--batch-size", "4"],
                           cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cache = workdir / "out" / ".cache"
    deadline = time.monotonic() + 240
    # Kill once the run is parsing the new articles (its cache grows past the first three).
    while len(list(cache.rglob("story-*.json"))) < 10 and time.monotonic() < deadline:
        assert run.poll() is None, "extract finished before it could be killed"
        time.sleep(0.05)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()

    assert {name: (workdir / "out" / name).read_bytes() for name in TABLES} == old
    assert not list((workdir / "out").glob(".*.tmp"))

    resumed = saidwhen("extract", "--raw", "raw", "--out", "out", "--processes", "1", cwd=workdir)
    assert resumed.returncode == 0, resumed.stderr
    assert "from cache" in resumed.stdout
    full = saidwhen("extract", "--raw", "raw", "--out", "full", "--processes", "1", "--full", cwd=workdir)
    assert full.returncode == 0
    for name in ("statements.csv", "timexes.csv", "actors.csv"):
        assert (workdir / "out" / name).read_bytes() == (workdir / "full" / name).read_bytes()


def test_a_second_run_on_the_same_folders_is_refused_or_waits(workdir):
    write_jsonl(workdir / "in.jsonl", [article(0)])
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom pathlib import Path\nfrom pipeline.lock import hold\n"
         "with hold(Path(sys.argv[1]), 'ingest'):\n    print('held', flush=True)\n    time.sleep(3)\n",
         str(workdir / "raw")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        refused = saidwhen("ingest", "in.jsonl", "--raw", "raw", cwd=workdir)
        assert refused.returncode == 1
        assert "raw is in use by saidwhen ingest (pid" in refused.stderr and "--wait" in refused.stderr
        assert not (workdir / "raw" / "story-000.txt").exists()
        waited = saidwhen("ingest", "in.jsonl", "--raw", "raw", "--wait", "60", cwd=workdir)
        assert waited.returncode == 0, waited.stderr
        assert (workdir / "raw" / "story-000.txt").exists()
    finally:
        holder.kill()
        holder.wait()


def test_extract_waits_for_an_ingest_into_its_raw_folder(workdir):
    from pipeline.lock import FolderBusy, hold

    with hold(workdir / "raw", "ingest"):
        with pytest.raises(FolderBusy, match="in use by saidwhen ingest"):
            with hold(workdir / "raw", "extract", shared=True):
                pass
    with hold(workdir / "raw", "extract", shared=True), hold(workdir / "raw", "extract", shared=True):
        pass  # readers share

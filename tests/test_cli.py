"""The CLI end to end through typer's runner: ingest -> extract -> audit, and bad input."""

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The committed raw/ articles extracted once into a temporary outputs folder."""
    base = tmp_path_factory.mktemp("corpus")
    raw, out = base / "raw", base / "outputs"
    shutil.copytree(ROOT / "raw", raw)
    result = runner.invoke(app, ["extract", "--raw", str(raw), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return raw, out


def test_extract_writes_every_table(corpus):
    raw, out = corpus
    # Hidden entries are run state: .cache (pipeline/cache.py) and the folder lock (pipeline/lock.py).
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["actors.csv", "run.json", "statements.csv", "timexes.csv"]


def test_audit_passes_on_a_fresh_extraction(corpus, tmp_path):
    raw, out = corpus
    html = tmp_path / "audit.html"
    result = runner.invoke(app, ["audit", "--raw", str(raw), "--out", str(out), "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    page = html.read_text(encoding="utf-8")
    assert 'class="actor"' in page and 'class="cue"' in page and 'class="content"' in page and 'class="date"' in page


def test_audit_fails_and_names_a_tampered_row(corpus, tmp_path):
    raw, out = corpus
    bad = tmp_path / "outputs"
    shutil.copytree(out, bad)
    lines = (bad / "statements.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    statement_id = lines[1].split(",", 1)[0]
    lines[1] = lines[1].replace(",said,", ",claimed,", 1) if ",said," in lines[1] else re.sub(r",(\d+),", lambda m: f",{int(m.group(1)) + 1},", lines[1], count=1)
    (bad / "statements.csv").write_text("".join(lines), encoding="utf-8")
    result = runner.invoke(app, ["audit", "--raw", str(raw), "--out", str(bad)])
    assert result.exit_code == 1
    assert statement_id in result.output


def test_audit_fails_when_the_stored_text_changed(corpus, tmp_path):
    raw, out = corpus
    changed = tmp_path / "raw"
    shutil.copytree(raw, changed)
    victim = sorted(changed.glob("*.txt"))[0]
    victim.write_text(victim.read_text(encoding="utf-8").replace("said", "sayd", 1), encoding="utf-8")
    result = runner.invoke(app, ["audit", "--raw", str(changed), "--out", str(out)])
    assert result.exit_code == 1
    assert victim.stem in result.output and "sha256" in result.output


def test_extract_without_a_raw_folder_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["extract", "--raw", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "nope" in result.output and not (tmp_path / "out").exists()


def test_unknown_model_is_a_clear_error(tmp_path):
    shutil.copytree(ROOT / "raw", tmp_path / "raw")
    result = runner.invoke(app, ["extract", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "out"), "--model", "xx_no_such_model"])
    assert result.exit_code == 1
    assert "xx_no_such_model" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.csv"))


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", b"\x00\x01\x02binary\x00", "NUL"),
        ("latin1.txt", "Caf\xe9 owners said prices rose.".encode("latin-1"), "UTF-8"),
        ("notes.docx", b"The mayor said so.", "unsupported file type"),
    ],
)
def test_ingest_bad_input_is_refused_with_the_file_and_reason(tmp_path, name, content, reason):
    source = tmp_path / name
    source.write_bytes(content)
    raw = tmp_path / "raw"
    result = runner.invoke(app, ["ingest", str(source), "--raw", str(raw)])
    assert result.exit_code == 1
    assert name in result.output and reason.lower() in result.output.lower()
    assert not raw.exists() or [p.name for p in raw.iterdir()] in ([], [".saidwhen.lock"])


def test_ingest_duplicate_id_with_other_content_is_refused_unless_replace(tmp_path):
    raw = tmp_path / "raw"
    first, second = tmp_path / "a" / "story.txt", tmp_path / "b" / "story.txt"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_text("date 2025-01-02\nThe mayor said the bridge would reopen.\n", encoding="utf-8")
    second.write_text("date 2025-01-02\nThe mayor said the bridge would stay shut.\n", encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(first), "--raw", str(raw)]).exit_code == 0
    refused = runner.invoke(app, ["ingest", str(second), "--raw", str(raw)])
    assert refused.exit_code == 1 and "story" in refused.output and "--replace" in refused.output
    assert "reopen" in (raw / "story.txt").read_text(encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(second), "--raw", str(raw), "--replace"]).exit_code == 0
    assert "stay shut" in (raw / "story.txt").read_text(encoding="utf-8")


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        assert f"saidwhen {command.name or command.callback.__name__}" in readme


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("ingest", "extract", "audit"):
        assert name in result.output

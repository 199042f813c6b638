"""Every engine runs the same per-article function and writes the same tables.

The corpus is the committed seeds (raw/) plus a few articles made up here; the
batch size is 1 so that two processes, or two Dask tasks, really share it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import extract
from pipeline.cli import app
from pipeline.config import Settings
from pipeline.extract import EngineUnavailable, extract_corpus, write_outputs
from pipeline.ingest import ingest_paths

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("statements.csv", "timexes.csv", "actors.csv")
MADE_UP = {
    "ferry": "date 2025-05-12\nThe harbour master, Ana Silva, said on Monday that the ferry would resume in June.\n",
    "strike": "date 2025-05-13\nSilva told reporters the strike had ended. Unions said they would meet on Friday.\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("engines")
    raw = base / "raw"
    shutil.copytree(ROOT / "raw", raw)
    sources = base / "sources"
    sources.mkdir()
    for name, text in MADE_UP.items():
        (sources / f"{name}.txt").write_text(text, encoding="utf-8")
    assert ingest_paths([sources], raw).ok
    return raw


def run(nlp, raw: Path, out: Path, **options) -> tuple[extract.ExtractResult, dict[str, bytes]]:
    settings = Settings(raw_dir=raw, out_dir=out, **{"batch_size": 1, "use_cache": False, **options})
    result = extract_corpus(settings, nlp=nlp)
    assert result.ok, result.failures
    write_outputs(result, settings)
    return result, {name: (out / name).read_bytes() for name in TABLES}


@pytest.fixture(scope="module")
def reference(nlp, corpus, tmp_path_factory):
    return run(nlp, corpus, tmp_path_factory.mktemp("local1"), n_process=1)


def test_two_local_processes_write_the_same_tables(nlp, corpus, reference, tmp_path):
    result, tables = run(nlp, corpus, tmp_path, n_process=2)
    assert result.processes == 2 and result.parsed == reference[0].parsed == 4
    assert tables == reference[1]


def test_dask_on_an_existing_local_cluster_writes_the_same_tables(nlp, corpus, reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    # Threads in this process, talking in-process (inproc://): no worker process to start, no network.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        result, tables = run(nlp, corpus, tmp_path, engine="dask", scheduler=cluster.scheduler_address, n_process=1)
    assert result.engine == "dask" and result.parsed == 4
    assert tables == reference[1]
    assert result.statements == reference[0].statements


def test_dask_without_an_address_starts_a_local_cluster(corpus, reference, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", "--raw", str(corpus), "--out", str(out), "--engine", "dask",
                                      "--processes", "1", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "4 parsed, 0 from cache" in result.output
    assert {name: (out / name).read_bytes() for name in TABLES} == reference[1]


def test_the_dask_engine_without_its_extra_is_a_clear_error(corpus, tmp_path, monkeypatch):
    real = extract.importlib.util.find_spec
    monkeypatch.setattr(extract.importlib.util, "find_spec",
                        lambda name, *a: None if name == "distributed" else real(name, *a))
    with pytest.raises(EngineUnavailable, match=r"saidwhen\[dask\]"):
        extract_corpus(Settings(raw_dir=corpus, out_dir=tmp_path, engine="dask"))
    result = CliRunner().invoke(app, ["extract", "--raw", str(corpus), "--out", str(tmp_path / "o"),
                                      "--engine", "dask", "--full"])
    assert result.exit_code == 1 and "saidwhen[dask]" in result.output


def test_a_scheduler_that_does_not_answer_is_a_clear_error(corpus, tmp_path):
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    # Port 9 of the loopback (discard): nothing of ours listens there, so the connection is refused.
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = CliRunner().invoke(app, ["extract", "--raw", str(corpus), "--out", str(tmp_path / "o"),
                                          "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", "--full"])
    assert result.exit_code == 1 and "tcp://127.0.0.1:9" in result.output, result.output


def test_batches_and_processes_never_exceed_the_work(nlp, corpus, tmp_path):
    settings = Settings(raw_dir=corpus, out_dir=tmp_path, batch_size=16, n_process=8, use_cache=False)
    result = extract_corpus(settings, nlp=nlp)
    assert result.processes == 1  # one batch of four articles: no pool at all

"""`make bench`: how fast, how big and how incremental extraction is, against issue 5's targets.

Usage::

    python -m pipeline.bench [--corpus FILE.jsonl] [--more FILE.jsonl ...] [--processes N]
                             [--batch-size N] [--repeats N] [--big N] [--keep DIR]

Input: a JSON-lines corpus, one article a line: PolNeAR (``publication_date``),
TimeML (``dct``) or saidwhen's own ingest shape (``published``). It is
ingested with ``saidwhen ingest`` into a temporary folder, and everything the
benchmark writes stays there (removed at the end unless ``--keep``).

Output: one table of every figure issue 5 sets a target for, then where the
time of one extraction goes, per stage.

1. Throughput, in this process: bare ``nlp.pipe`` of the model as spaCy
   loads it over the stored texts (every component, the same batch size and
   process count) against a full extraction of the same texts (read, parse,
   stages, cache writes, corpus-level steps, CSV writes; no cache reads), at 1
   and at N processes. Runs are interleaved and the best of ``--repeats`` is
   kept, so a change in the machine's load hits both sides of a ratio alike;
   the load average is printed with the figures because on a shared machine it
   moves them more than anything in the code.
2. Memory: ``saidwhen extract --full`` in a subprocess, with the resident
   memory of its whole process tree (the workers included) sampled every
   50 ms; on the dev texts and on a corpus of ``--big`` articles.
3. Incremental runs, each a ``saidwhen extract`` subprocess timed wall-clock:
   again with nothing changed, with every article from the cache into a new
   outputs folder, and after ingesting one more article into the big corpus.
   The big corpus is the corpus plus the ``--more`` files (by default PolNeAR's
   train split and TimeML's beside the dev file), cut at ``--big`` articles.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Settings, available_cores

DEFAULT_CORPUS = Path("../shared/data/polnear/dev.jsonl")
SUMMARY = re.compile(r"(\d+) parsed, (\d+) from cache, (\d+) failed")
GB = 1024 ** 3


# --------------------------------------------------------------------------- corpora

def read_records(paths: Iterable[Path]) -> Iterable[dict]:
    """Articles of JSON-lines files in saidwhen's ingest shape (id, text, published, title)."""
    for path in paths:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                record = json.loads(line)
                published = record.get("published") or record.get("publication_date") or record.get("dct")
                yield {"id": record["id"], "text": record["text"],
                       "published": published[:10] if published else None, "title": record.get("title")}


def write_jsonl(records: Iterable[dict], path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def saidwhen(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def ingest(records: list[dict], jsonl: Path, raw: Path) -> float:
    """Ingest `records` into `raw` with ``saidwhen ingest``; seconds taken."""
    write_jsonl(records, jsonl)
    started = time.perf_counter()
    subprocess.run(saidwhen("ingest", str(jsonl), "--raw", str(raw)), check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


# --------------------------------------------------------------------------- memory

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(parent, []).append(int(entry))
    return tree


def _resident_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_resident_bytes(root: int) -> tuple[int, int]:
    """Resident memory of `root`, and of `root` with all its descendants.

    Pages that forked workers share with their parent count once per process,
    so the total errs on the high side.
    """
    tree = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _resident_kb(pid)
        todo.extend(tree.get(pid, []))
    return _resident_kb(root) * 1024, total * 1024


@dataclass
class Run:
    seconds: float
    peak_bytes: int  # the whole process tree
    output: str
    peak_main_bytes: int = 0  # the command's own process (without its workers)

    @property
    def counts(self) -> tuple[int, int, int] | None:
        """(parsed, from cache, failed) from the command's summary line."""
        match = SUMMARY.search(self.output)
        return tuple(int(n) for n in match.groups()) if match else None


def run_measured(command: list[str], interval: float = 0.05) -> Run:
    """Run `command`, sampling the resident memory of its process tree; wall seconds and peak."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = peak_main = 0
    if Path("/proc").is_dir():
        def sample() -> None:
            nonlocal peak, peak_main
            while process.poll() is None:
                main, total = tree_resident_bytes(process.pid)
                peak, peak_main = max(peak, total), max(peak_main, main)
                time.sleep(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    if Path("/proc").is_dir():
        sampler.join()
    else:  # the largest single process, where there is no /proc to walk
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output}")
    return Run(seconds, peak, output, peak_main)


# --------------------------------------------------------------------------- throughput

def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(work: Callable[[], object]) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process and its finished children, result)."""
    cpu, wall = _cpu_seconds(), time.perf_counter()
    result = work()
    return time.perf_counter() - wall, _cpu_seconds() - cpu, result


@dataclass
class Throughput:
    wall: float = float("inf")
    cpu: float = float("inf")
    seconds: dict | None = None  # the extraction's own per-stage timings, of the best run

    def keep_best(self, wall: float, cpu: float, seconds: dict | None = None) -> None:
        if wall < self.wall:
            self.wall, self.seconds = wall, seconds
        self.cpu = min(self.cpu, cpu)


def throughput(raw: Path, work: Path, processes: list[int], batch_size: int, repeats: int):
    """Best wall and CPU seconds of bare nlp.pipe and of a full extraction, per process count."""
    from pipeline.extract import extract_corpus, write_outputs
    from pipeline.ingest import article_ids, load_article
    from pipeline.nlp import ModelInfo, load_model, load_stock_model

    nlp = load_model(Settings().model)
    stock = load_stock_model(Settings().model)
    texts = [load_article(raw, i).text for i in article_ids(raw)]
    words = sum(len(t.split()) for t in texts)
    bare = {n: Throughput() for n in processes}
    full = {n: Throughput() for n in processes}

    def pipe(n: int) -> None:
        for _ in stock.pipe(texts, batch_size=batch_size, n_process=n):
            pass

    def extraction(n: int) -> dict:
        out = work / f"throughput-{n}"
        settings = Settings(raw_dir=raw, out_dir=out, batch_size=batch_size, n_process=n, use_cache=False)
        result = extract_corpus(settings, nlp=nlp)
        write_outputs(result, settings)
        return dict(result.seconds)

    pipe(1)  # warm up: first-call allocations and lazy tables, on neither side's clock
    for _ in range(repeats):
        for n in processes:
            wall, cpu, _ = timed(lambda: pipe(n))
            bare[n].keep_best(wall, cpu)
            wall, cpu, seconds = timed(lambda: extraction(n))
            full[n].keep_best(wall, cpu, seconds)
    return words, len(texts), bare, full, ModelInfo.of(nlp)


# --------------------------------------------------------------------------- report

def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def _row(measure: str, value: str, target: str, met: bool | None) -> str:
    verdict = "" if met is None else ("yes" if met else "NO")
    return f"{measure:<58} {value:<34} {target:<18} {verdict}"


def stage_profile(seconds: dict, words: int) -> list[str]:
    """Where the time of one extraction goes: each stage's seconds, share and words/s."""
    from pipeline.extract import STAGES

    parts = list(STAGES) + ["read", "corpus", "write"]
    total = sum(seconds.get(part, 0.0) for part in parts)
    lines = [f"{'stage':<10} {'seconds':>8} {'share':>7} {'words/s':>10}"]
    for part in parts:
        spent = seconds.get(part, 0.0)
        rate = f"{words / spent:,.0f}" if spent > 0 else "-"
        lines.append(f"{part:<10} {spent:8.2f} {spent / total:7.1%} {rate:>10}")
    lines.append(f"{'all':<10} {total:8.2f} {1:7.1%} {words / total:10,.0f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSON-lines articles (default: PolNeAR dev)")
    parser.add_argument("--more", type=Path, nargs="*", default=None,
                        help="more JSON-lines files for the big corpus (default: train splits beside the corpus)")
    parser.add_argument("--processes", type=int, default=available_cores(), help="the N of the N-process figures")
    parser.add_argument("--batch-size", type=int, default=Settings().batch_size)
    parser.add_argument("--repeats", type=int, default=2, help="throughput runs per figure; the best is kept")
    parser.add_argument("--big", type=int, default=1000, help="articles of the big corpus (0: skip it)")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        parser.error(f"{args.corpus}: no such corpus")
    more = args.more if args.more is not None else [
        p for p in (args.corpus.parent / "train.jsonl", args.corpus.parent.parent / "timeml" / "train.jsonl")
        if p.is_file() and p.resolve() != args.corpus.resolve()]

    work = args.keep or Path(tempfile.mkdtemp(prefix="saidwhen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _bench(args, more, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def _bench(args, more: list[Path], work: Path) -> int:
    processes = sorted({1, max(args.processes, 1)})
    n = processes[-1]
    started, load_before = time.perf_counter(), load_average()
    records = list(read_records([args.corpus]))
    raw = work / "raw"
    ingest(records, work / "corpus.jsonl", raw)

    words, articles, bare, full, model = throughput(raw, work, processes, args.batch_size, args.repeats)
    wps = {k: words / v.wall for k, v in full.items()}
    bare_wps = {k: words / v.wall for k, v in bare.items()}

    # Memory, and the incremental runs, each in a fresh process as a user runs them.
    out = work / "outputs"
    extract = ["extract", "--raw", str(raw), "--out", str(out), "--processes", str(n), "--batch-size", str(args.batch_size)]
    fresh = run_measured(saidwhen(*extract, "--full"))
    again = run_measured(saidwhen(*extract))
    from_cache = run_measured(saidwhen(*extract[:4], str(work / "outputs-2"), *extract[5:], "--cache-dir", str(out / ".cache")))

    big = None
    if args.big > 0:
        pool = records + [r for r in read_records(more) if r["id"] not in {x["id"] for x in records}]
        size = min(args.big, len(pool) - 1)
        big_raw, big_out = work / "big-raw", work / "big-outputs"
        ingest_seconds = ingest(pool[:size], work / "big.jsonl", big_raw)
        big_extract = ["extract", "--raw", str(big_raw), "--out", str(big_out), "--processes", str(n),
                       "--batch-size", str(args.batch_size)]
        big_words = sum(len(r["text"].split()) for r in pool[:size])
        big_fresh = run_measured(saidwhen(*big_extract))
        ingest([pool[size]], work / "one.jsonl", big_raw)
        plus_one = run_measured(saidwhen(*big_extract))
        big_again = run_measured(saidwhen(*big_extract))
        big = (size, big_words, ingest_seconds, big_fresh, plus_one, big_again)

    cores = available_cores()
    print(f"saidwhen bench: {articles} articles, {words:,} words ({args.corpus}); model {model.name} {model.version}; "
          f"spaCy {model.spacy_version}")
    print(f"machine: {cores} cores available, {os.cpu_count()} in the machine; load average {load_before} at the "
          f"start, {load_average()} at the end; batch size {args.batch_size}; best of {args.repeats}")
    print()
    print(_row("measure", "value", "target", None) + "met")
    for k in processes:
        ratio = wps[k] / bare_wps[k]
        print(_row(f"extract words/s / nlp.pipe words/s, {k} process{'es' * (k > 1)}",
                   f"{ratio:.2f} ({wps[k]:,.0f} / {bare_wps[k]:,.0f})", ">= 1.0", ratio >= 1.0))
    if n > 1:
        speedup = wps[n] / wps[1]
        print(_row(f"extract words/s, {n} processes / 1 process", f"{speedup:.2f} (nlp.pipe alone: "
                   f"{bare_wps[n] / bare_wps[1]:.2f})", ">= 1.6", speedup >= 1.6))
    else:
        print(_row("extract words/s, 2 processes / 1 process", "n/a: 1 core", ">= 1.6", None))
    print(_row(f"peak memory of extract, {articles} articles, {n} processes", f"{fresh.peak_bytes / GB:.2f} GB "
               f"(tree RSS) in {fresh.seconds:.1f}s", "<= 1.5 GB", fresh.peak_bytes <= 1.5 * GB))
    parsed = again.counts[0] if again.counts else None
    print(_row("extract again, nothing changed", f"{again.seconds:.2f}s, {parsed} parsed", "<= 2 s, 0 parsed",
               again.seconds <= 2 and parsed == 0))
    print(_row("extract, every article from the cache, new outputs", f"{from_cache.seconds:.2f}s, "
               f"{from_cache.counts[0] if from_cache.counts else '?'} parsed", "", None))
    if big:
        size, big_words, ingest_seconds, big_fresh, plus_one, big_again = big
        added = plus_one.counts[0] if plus_one.counts else None
        print(_row(f"extract after adding 1 article to {size:,}", f"{added} parsed, {plus_one.seconds:.1f}s",
                   "parses exactly 1", added == 1))
        print(_row(f"extract again, nothing changed, {size + 1:,} articles",
                   f"{big_again.seconds:.2f}s, {big_again.counts[0] if big_again.counts else '?'} parsed",
                   "", None))
        print(_row("peak memory at two corpus sizes", f"{articles}: {fresh.peak_bytes / GB:.2f} GB; {size:,}: "
                   f"{big_fresh.peak_bytes / GB:.2f} GB", "bounded", None))
        print(_row("  of which the main process (the corpus' rows)", f"{articles}: {fresh.peak_main_bytes / GB:.2f} GB; "
                   f"{size:,}: {big_fresh.peak_main_bytes / GB:.2f} GB", "", None))
        print(_row(f"  first extract of the {size:,} articles ({big_words:,} words)",
                   f"{big_fresh.seconds:.0f}s, {big_words / big_fresh.seconds:,.0f} words/s", "", None))
        print(_row(f"  ingest of the {size:,} articles", f"{ingest_seconds:.1f}s, "
                   f"{size / ingest_seconds:,.0f} articles/s", "", None))
    print()
    print("CPU seconds per 1,000 words (all processes; steadier than wall time on a shared machine):")
    for k in processes:
        print(f"  {k} process{'es' * (k > 1)}: nlp.pipe {bare[k].cpu / words * 1000:.3f}, "
              f"extract {full[k].cpu / words * 1000:.3f} (ratio {bare[k].cpu / full[k].cpu:.2f})")
    print()
    print(f"Where the time goes: one extraction, 1 process ({words:,} words, best run):")
    for line in stage_profile(full[1].seconds or {}, words):
        print("  " + line)
    if n > 1 and full[n].seconds:
        spent = full[n].seconds
        print(f"  with {n} processes: {spent.get('parse_wall', 0):.2f}s wall for "
              f"{sum(spent.get(s, 0) for s in ('nlp', 'entities', 'dates', 'claims', 'table')):.2f}s of work "
              f"in the workers")
    print(f"\nbench: {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

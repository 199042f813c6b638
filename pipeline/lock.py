"""Folder locks, so two saidwhen runs on the same folders never interleave.

`ingest` holds raw/ exclusively; `extract` holds outputs/ exclusively and
raw/ shared (several extracts may read raw/, none while an ingest writes).
The locks are advisory `flock` locks on a hidden file in the folder: the
kernel drops them when a process ends, even by SIGKILL, so a crashed run
never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from typing import Iterator

LOCK_NAME = ".saidwhen.lock"


class FolderBusy(RuntimeError):
    """Another saidwhen run holds the folder."""


@contextlib.contextmanager
def hold(folder: Path, purpose: str, shared: bool = False, wait: float = 0.0) -> Iterator[None]:
    """Hold `folder` for the duration of the block.

    Args:
        folder: the folder to lock (created when missing).
        purpose: what this run does, shown to a run that finds the folder busy.
        shared: a reader's lock; many readers may hold it, but no writer.
        wait: seconds to wait for a busy folder before giving up (0: fail at once).

    Raises:
        FolderBusy: the folder is still held by another run after `wait` seconds.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    with open(path, "a+", encoding="utf-8") as handle:
        deadline = time.monotonic() + wait
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        while True:
            try:
                fcntl.flock(handle, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another saidwhen run"
                    raise FolderBusy(
                        f"{folder} is in use by {holder}; wait for it to finish, or pass --wait SECONDS"
                    ) from None
                time.sleep(0.1)
        if not shared:
            handle.seek(0)
            handle.truncate()
            handle.write(f"saidwhen {purpose} (pid {os.getpid()})\n")
            handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

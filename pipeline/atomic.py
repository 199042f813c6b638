"""Whole-or-nothing file writes, shared by every stage that writes to disk.

A reader (or the next run after a crash or Ctrl-C) sees either the old file
or the new one, never a half-written one: the content goes to a temporary
file in the same folder, is flushed to disk, and is renamed over the target.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def _file_mode() -> int:
    # mkstemp creates 0600 files; outputs should be as readable as any file the
    # user creates, so apply the process umask to 0666.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_text(path: Path, content: str, durable: bool = True) -> None:
    """Atomically replace `path` with `content` (UTF-8, newlines written as given).

    Args:
        path: the target file; its folder is created when missing.
        content: the text; "\\r\\n" is kept as it is, so offsets stay true.
        durable: fsync the file and its folder, so the rename survives a power
            cut. Caches that can be rebuilt pass False.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temporary, _file_mode())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    if durable:
        fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    """Make renames and deletions in `directory` durable."""
    # Makes the rename itself durable; not every platform can open a folder.
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

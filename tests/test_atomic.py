import os

import pytest

from pipeline import atomic


def test_write_text_replaces_whole_and_keeps_line_endings(tmp_path):
    target = tmp_path / "sub" / "table.csv"
    atomic.write_text(target, "a,b\r\n1,2\r\n")
    atomic.write_text(target, "a,b\r\n3,4\r\n")
    assert target.read_bytes() == b"a,b\r\n3,4\r\n"
    assert [p.name for p in target.parent.iterdir()] == ["table.csv"]  # no temporary left behind


def test_written_files_follow_the_umask_not_mkstemps_0600(tmp_path):
    old = os.umask(0o022)
    try:
        atomic.write_text(tmp_path / "t.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "t.txt").stat().st_mode & 0o777 == 0o644


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "t.txt"
    atomic.write_text(target, "old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic.write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.txt"]

"""host_tools/outfiles: outputs appear whole or not at all, and never over an input."""
import errno
import os

import pytest

from host_tools import outfiles
from host_tools.errors import UserError


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary(tmp_path):
    out = tmp_path / "lean.csv"
    out.write_text("the previous, complete result\n")
    with pytest.raises(OSError):
        with outfiles.replacing(out) as f:
            f.write("half of the new")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert out.read_text() == "the previous, complete result\n"
    assert os.listdir(tmp_path) == ["lean.csv"]


def test_a_complete_write_replaces_with_ordinary_permissions(tmp_path):
    out = tmp_path / "report.png"
    outfiles.write_bytes(out, b"\x89PNG")
    assert out.read_bytes() == b"\x89PNG" and os.listdir(tmp_path) == ["report.png"]
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_planted_symlink_at_the_output_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (tmp_path / "out.json").symlink_to(victim)
    outfiles.write_text(tmp_path / "out.json", "{}")
    assert victim.read_text() == "keep" and (tmp_path / "out.json").read_text() == "{}"


def test_an_output_that_is_an_input_by_any_path_is_refused(tmp_path):
    src = tmp_path / "d" / "session.lcl"
    src.parent.mkdir()
    src.write_bytes(b"log")
    (tmp_path / "link").symlink_to(tmp_path / "d")
    with pytest.raises(UserError, match="refusing to write .*: it is the input"):
        outfiles.refuse_inputs([tmp_path / "link" / "session.lcl"], [None, src])
    outfiles.refuse_inputs([tmp_path / "d" / "new.lcl"], [src])  # a new file is fine


def test_appending_never_writes_through_a_link_or_into_a_directory(tmp_path):
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    (tmp_path / "x.part").symlink_to(victim)
    with pytest.raises(UserError, match="x.part: a symbolic link, never followed"):
        outfiles.appending(tmp_path / "x.part")
    (tmp_path / "d.part").mkdir()
    with pytest.raises(UserError, match="d.part"):
        outfiles.appending(tmp_path / "d.part")
    assert victim.read_bytes() == b"precious"
    with outfiles.appending(tmp_path / "ok.part") as f:
        f.write(b"ab")
    with outfiles.appending(tmp_path / "ok.part") as f:
        f.write(b"c")
    assert (tmp_path / "ok.part").read_bytes() == b"abc"

"""Every file a command writes goes through here: written whole or not at all, never over an input.

Why: a full disk or an interrupted run used to leave a 0-byte report.png or a truncated lean.csv
under the real name, and `replay D/session.lcl --out D` replaced the raw log it was reading with
its own 3 KB summary. So an output is written to a temporary name in its own directory (same
filesystem, so the final `os.replace` is atomic) and renamed into place only once complete; and
a command names its inputs, so an output that IS an input (same file, by inode, through any
path or link) is refused before anything is written.

The temporary file is created with O_EXCL (a pre-planted file or symlink of that name is never
followed) and mode 0666 less the umask, so the result has the permissions a plain `open` gives.
"""
import contextlib
import errno
import os
import stat
from pathlib import Path

from .errors import UserError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows, where links need admin rights
_UNSAFE = {errno.ELOOP: "a symbolic link, never followed", errno.EISDIR: "a directory"}


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): not the same file
        return False


def refuse_inputs(outputs, inputs):
    """UserError if any path in `outputs` is the same file as one in `inputs` (None skipped).
    Call it before writing anything, so a refused command leaves every file as it was."""
    for out in outputs:
        for src in inputs:
            if src is not None and _same_file(out, src):
                raise UserError("refusing to write %s: it is the input %s (choose another "
                                "output)" % (out, src))


@contextlib.contextmanager
def replacing(path, mode="w", **open_args):
    """`with replacing(path) as f:` write f; `path` gets the contents only if the block ends
    without an exception (else the temporary file is removed and `path` is untouched).
    mode: "w" (text; open_args such as newline= pass on) or "wb"."""
    path = Path(path)
    for attempt in range(100):
        tmp = path.with_name(".%s.%d-%d.tmp" % (path.name, os.getpid(), attempt))
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError("no free temporary name next to %s" % path)
    try:
        with os.fdopen(fd, mode, **open_args) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def appending(path):
    """`path` opened to append (created if absent): for a resumable output such as a pulled
    log's NAME.part, completed elsewhere by a rename. Never through a symlink nor onto anything
    but a regular file (a planted link must not make us write into its target): UserError."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW, 0o666)
    except OSError as e:
        raise UserError("%s: %s; remove it and try again"
                        % (path, _UNSAFE.get(e.errno, e.strerror))) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UserError("%s is not a regular file: remove it and try again" % path)
    return os.fdopen(fd, "ab")


def write_bytes(path, data):
    with replacing(path, "wb") as f:
        f.write(data)


def write_text(path, text):
    with replacing(path, "w", encoding="utf-8") as f:
        f.write(text)

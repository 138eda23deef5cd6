"""The virtual board against the real mpremote command line: if mpremote cannot tell it from a
board's USB serial, neither can leanclip's transport (the same code)."""
import signal
import subprocess
import sys
import time

import serial

from host_tools.virtualboard import VirtualBoard
from serialboard import mpremote, vboard  # noqa: F401 (fixture)


def test_exec_runs_on_real_micropython_claiming_the_boards_chip(vboard):
    out = mpremote(vboard.port, "exec", "import sys; print(sys.implementation.name, "
                   "sys.implementation._mpy >> 10, sys.implementation._machine)")
    # m5stickc-plus2 is an ESP32, emulated by an x64 interpreter: native code must be x64 (arch 2)
    assert out.split() == ["micropython", "2", "LeanClip", "virtual", "board", "with", "ESP32"]


def test_fs_cp_both_ways_and_ls_with_sizes(vboard, tmp_path):
    data = bytes(range(256)) * 37 + b"\x04\x03\r\n"  # REPL control bytes inside the payload
    src = tmp_path / "blob.bin"
    src.write_bytes(data)
    mpremote(vboard.port, "fs", "mkdir", ":logs")
    mpremote(vboard.port, "fs", "cp", str(src), ":logs/blob.bin")
    assert (vboard.board_dir / "logs" / "blob.bin").read_bytes() == data
    listing = mpremote(vboard.port, "fs", "ls", ":logs")
    assert "%d blob.bin" % len(data) in " ".join(listing.split())
    back = tmp_path / "back.bin"
    mpremote(vboard.port, "fs", "cp", ":logs/blob.bin", str(back))
    assert back.read_bytes() == data


def test_run_a_local_script_that_imports_from_the_boards_lib(vboard, tmp_path):
    lib = vboard.board_dir / "lib"
    lib.mkdir()
    (lib / "helper.py").write_text("def twice(x):\n    return 2 * x\n")
    script = tmp_path / "script.py"
    script.write_text("import helper, os\nprint(helper.twice(21), sorted(os.listdir('/')))\n")
    assert mpremote(vboard.port, "run", str(script)).split() == ["42", "['lib']"]


def test_soft_reset_restarts_the_interpreter_and_runs_boot_py(vboard):
    (vboard.board_dir / "boot.py").write_text("import sys\nsys.modules['booted'] = sys\n")
    mpremote(vboard.port, "exec", "import builtins; builtins.marker = 1")
    boots = vboard.boots
    mpremote(vboard.port, "soft-reset")
    assert vboard.boots == boots + 1
    out = mpremote(vboard.port, "exec",
                   "import builtins, sys\n"
                   "print(hasattr(builtins, 'marker'), 'booted' in sys.modules)")
    assert out.split() == ["False", "True"]


def test_ctrl_c_interrupts_a_running_main_py(vboard):
    """A board busy in main.py (the app) must stop on mpremote's first Ctrl-C and answer."""
    (vboard.board_dir / "main.py").write_text(
        "open('started', 'w').close()\nimport time\nwhile True:\n    time.sleep_ms(5)\n")
    # generous timeout: on a loaded machine (2 cores, other suites) the board answers late
    with serial.Serial(vboard.port, timeout=30) as port:
        port.write(b"\r\x02")  # to the friendly REPL ...
        answer = port.read_until(b">>> ")
        # silence with main.py started: a boot ran it early (see startup.py `_boot`)
        assert answer.endswith(b">>> "), (answer, vboard.boots,
                                          (vboard.board_dir / "started").exists())
        port.write(b"\x04")  # ... where Ctrl-D soft-resets and runs main.py
        assert port.read_until(b"soft reboot\r\n").endswith(b"soft reboot\r\n")
    assert vboard.wait_booted(2, timeout_s=30)  # the boot that read main.py
    for _ in range(400):
        if (vboard.board_dir / "started").exists():
            break
        time.sleep(0.05)
    assert (vboard.board_dir / "started").exists()
    assert mpremote(vboard.port, "exec", "print(6 * 7)").strip() == "42"


def test_a_main_py_written_once_booted_waits_for_the_next_reset(tmp_path):
    """As on a board, a boot runs the main.py it found, not one written after it booted: the
    boot counts only once it has read main.py. A slow boot.py holds the boot open so that a
    boot counted any earlier would run the main.py written here (no Ctrl-C is sent: it would
    cut boot.py short, and a board skips main.py then)."""
    board_dir = tmp_path / "board"
    board_dir.mkdir()
    (board_dir / "boot.py").write_text("import time\ntime.sleep_ms(500)\n")
    with VirtualBoard(board_dir, baud=0) as board:
        assert board.wait_booted(timeout_s=30)
        (board_dir / "main.py").write_text("open('ran', 'w').close()\n")
        with serial.Serial(board.port, timeout=30) as port:
            port.write(b"\r")  # the friendly REPL answers once the boot has run its files
            assert port.read_until(b">>> ").endswith(b">>> ")
            assert not (board_dir / "ran").exists()
            port.write(b"\x04")  # Ctrl-D: a soft reset, which runs it before the prompt
            assert port.read_until(b"soft reboot\r\n").endswith(b"soft reboot\r\n")
            assert port.read_until(b">>> ").endswith(b">>> ")
        assert (board_dir / "ran").exists()


def test_simulated_machine_has_the_boards_imu_on_its_bus(vboard):
    out = mpremote(vboard.port, "exec",
                   "import machine; print(machine.I2C(0).scan())")
    assert out.strip() == "[104]"  # m5stickc-plus2: MPU6886 at 0x68


def test_a_throttled_link_counts_the_bytes_each_way(tmp_path):
    with VirtualBoard(tmp_path / "b", baud=115200) as board:
        board.wait_booted()
        mpremote(board.port, "exec", "print('x' * 2000)")
        assert board.to_host.bytes > 2000 and board.from_host.bytes > 0


def test_make_sim_runs_it_as_a_process_that_prints_its_port_and_stops_cleanly(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "host_tools.virtualboard", "--dir",
                             str(tmp_path / "board"), "--baud", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        port = first.split()[3]
        assert first.startswith("virtual board on /dev/pts/")
        assert mpremote(port, "exec", "print(1 + 1)").strip() == "2"
    finally:
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=10)[0]
    assert proc.returncode == 0 and rest.startswith("bytes to host ")

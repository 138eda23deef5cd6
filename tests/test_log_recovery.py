"""Reading back: every complete block of a cut or damaged log, and nothing that is not in it."""
import io

import pytest
from hypothesis import given, settings, strategies as st

import logsample
from firmware.core import logfmt
from host_tools import logread


def _session_bytes(raw, seconds):
    f = io.BytesIO()
    logsample.drive(logsample.writer(f, raw=raw), seconds, raw=raw)
    return f.getvalue()


SUMMARY_LOG = _session_bytes(False, 16.0)
RAW_LOG = _session_bytes(True, 2.0)


def records(s):
    """Everything a session holds, comparable: header, summary rows, events, raw blocks."""
    rows = list(zip(*[s.summary[k].tolist() for k in logread.SUMMARY_FIELDS], strict=True))
    raw = [(t, a.tobytes()) for t, a in s.raw_blocks]
    return {"header": [s.header] if s.header else [], "summary": rows,
            "events": [repr(e) for e in s.events], "raw": raw}


def block_spans(data):
    rec = logread.Recovery()
    return [(off, end + 4) for off, _, _, _, end in logread.blocks(data, rec)]


def expected(data, keep):
    """The records of the blocks whose span passes keep(start, end), each decoded alone."""
    out = {"header": [], "summary": [], "events": [], "raw": []}
    for a, b in block_spans(data):
        if keep(a, b):
            part = records(logread.decode(bytes(data[a:b])))
            for k in out:
                out[k] += part[k]
    return out


def test_the_sample_session_decodes_to_what_was_logged():
    s = logread.decode(SUMMARY_LOG)
    assert s.recovery.skipped == 0 and s.recovery.blocks == len(block_spans(SUMMARY_LOG))
    assert s.header["session"] == 7 and s.header["mode"] == "summary"
    assert s.header["meta"]["config"]["upright_below_deg"] == 4.0
    t = s.summary["t_s"]
    assert t.tolist() == list(range(17))  # across the 2**30 clock wrap: no gap, no repeat
    assert set(s.summary["state"][3:].tolist()) == {2}
    names = [e[1] for e in s.events]
    assert names[:5] == ["start", "config_error", "stand_tall", "calibrated", "battery"]
    assert "error" in names and "loop_stats" in names and names[-1] == "stop"
    stats = [e for e in s.events if e[1] == "loop_stats"][0]
    assert stats[0] == 9010 and stats[2]["fifo_overflows"] == 1
    assert stats[2]["gc_pause_max_ms"] == 4.25
    assert sum(s.summary["buzz_upright"]) == len([n for n in names if n == "buzz_upright"]) == 2


def test_raw_samples_come_back_exact_with_their_times():
    s = logread.decode(RAW_LOG)
    t, counts = s.raw()
    assert counts.shape == (200, 6)
    assert t[0] == 10 and t[-1] == 2000
    # the driver's first sample, recomputed
    seed = (12345 * 1103515245 + 12345) & 0x7FFFFFFF
    assert counts[0].tolist() == [((seed >> (j * 4)) & 0x7FFF) - 16384 for j in range(6)]


@pytest.mark.parametrize("data", [SUMMARY_LOG, RAW_LOG], ids=["summary", "raw"])
def test_a_cut_at_every_byte_keeps_exactly_the_complete_blocks(data):
    spans = block_spans(data)
    for cut in range(len(data) + 1):
        s = logread.decode(data[:cut])
        assert records(s) == expected(data, lambda a, b, cut=cut: b <= cut), cut
        at_boundary = cut == 0 or any(b == cut for _, b in spans)
        assert s.recovery.truncated == (not at_boundary), cut
        assert s.recovery.damaged == 0 and s.recovery.malformed == 0


@settings(max_examples=300, deadline=None)
@given(which=st.sampled_from(["summary", "raw"]), data=st.data())
def test_bit_flips_never_yield_a_wrong_record(which, data):
    log = SUMMARY_LOG if which == "summary" else RAW_LOG
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(log) - 1), st.integers(0, 7)),
                               min_size=1, max_size=8))
    bad = bytearray(log)
    for off, bit in flips:
        bad[off] ^= 1 << bit
    got = records(logread.decode(bytes(bad)))
    full = records(logread.decode(log))
    untouched = expected(log, lambda a, b: not any(a <= off < b for off, _ in flips))
    for k in full:
        assert _is_subsequence(got[k], full[k]), k   # nothing that was not written
        assert _is_subsequence(untouched[k], got[k]), k  # every block the flips missed


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(0, len(SUMMARY_LOG)), junk=st.binary(min_size=1, max_size=64))
def test_garbage_in_the_middle_costs_only_the_blocks_it_overwrote(cut, junk):
    bad = SUMMARY_LOG[:cut] + junk + SUMMARY_LOG[cut + len(junk):]
    got = records(logread.decode(bad))
    full = records(logread.decode(SUMMARY_LOG))
    spared = expected(SUMMARY_LOG, lambda a, b: b <= cut or a >= cut + len(junk))
    for k in full:
        assert _is_subsequence(got[k], full[k]), k
        assert _is_subsequence(spared[k], got[k]), k


def _is_subsequence(small, big):
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


def test_a_newer_format_is_named_not_taken_for_damage():
    block = bytearray(logread.frame(logfmt.EVENTS, bytes(0)))
    block[0] = (logfmt.VERSION + 1) << 4 | logfmt.EVENTS
    end = len(block) - 4
    block[end:] = logfmt.crc(block, 0, end).to_bytes(4, "little")
    with pytest.raises(logread.UserError, match="v%d" % logfmt.VERSION):
        logread.decode(SUMMARY_LOG + bytes(block))


def test_a_file_that_is_not_a_log_is_one_clear_error(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("lean,roll\n1,2\n")
    with pytest.raises(logread.UserError, match="not a LeanClip session log"):
        logread.load(p)
    cut = tmp_path / "cut.lcl"
    cut.write_bytes(SUMMARY_LOG[:5])  # a log cut inside its header is still a log
    s = logread.load(cut)
    assert s.recovery.truncated and s.recovery.blocks == 0

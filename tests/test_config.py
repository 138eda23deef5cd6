from firmware.core import config


def test_defaults_are_valid_and_match_the_issue():
    cfg, errors = config.validate({})
    assert errors == []
    bands = (cfg["arch_below_deg"], cfg["upright_below_deg"], cfg["overlean_above_deg"])
    assert bands == (-2.0, 4.0, 20.0)
    assert (cfg["fault_hold_s"], cfg["repeat_s"], cfg["overlean_alert"]) == (3.0, 15.0, True)


def test_typo_is_named_with_a_suggestion_and_ignored():
    cfg, errors = config.validate({"upright_belw_deg": 5})
    assert errors == ["unknown config key 'upright_belw_deg' (did you mean 'upright_below_deg'?)"]
    assert cfg["upright_below_deg"] == 4.0


def test_out_of_range_and_wrong_type_fall_back_to_defaults():
    cfg, errors = config.validate({"repeat_s": 0.1, "overlean_alert": "yes", "fault_hold_s": "3"})
    assert cfg["repeat_s"] == 15.0 and cfg["overlean_alert"] is True and cfg["fault_hold_s"] == 3.0
    assert len(errors) == 3
    assert any("repeat_s must be from 2.0 to 600.0" in e for e in errors)
    assert any("overlean_alert must be true or false" in e for e in errors)


def test_integer_keys_reject_fractions_and_accept_whole_floats():
    cfg, errors = config.validate({"coach_strides": 3.5})
    assert cfg["coach_strides"] == 1 and "whole number" in errors[0]
    cfg, errors = config.validate({"coach_strides": 3.0})
    assert cfg["coach_strides"] == 3 and isinstance(cfg["coach_strides"], int) and not errors


def test_bands_must_be_ordered():
    cfg, errors = config.validate({"upright_below_deg": -5.0})
    assert "arch_below_deg < upright_below_deg" in errors[0]
    assert cfg["upright_below_deg"] == 4.0


def test_nan_and_non_object_are_rejected():
    _, errors = config.validate({"repeat_s": float("nan")})
    assert errors and "repeat_s" in errors[0]
    cfg, errors = config.validate([1, 2])
    assert errors == ["config must be a JSON object of key: value"] and cfg == config.defaults()


def test_infinite_and_nan_on_integer_keys_fall_back_instead_of_raising():
    # issue 14 item 1: int(inf) raised OverflowError in _check (json.loads gives inf for 1e400)
    for bad in (float("inf"), float("-inf"), float("nan")):
        cfg, errors = config.validate({"coach_strides": bad, "log_keep_sessions": bad})
        assert cfg["coach_strides"] == 1 and cfg["log_keep_sessions"] == 0
        assert len(errors) == 2


def _load_bytes(tmp_path, data):
    from firmware.device import devconfig

    p = tmp_path / "leanclip.json"
    p.write_bytes(data)
    return devconfig.load(str(p))


def test_device_config_file_never_stops_the_device(tmp_path):
    """Issue 14 item 1: every one of these raised in devconfig.load (restart loop on the board).
    Each now runs on defaults with exactly one message for errors.log."""
    cases = [b'{"coach_strides": 1e400}', b'{"repeat_s": 20.0, "\xff\xfe": 1}',
             b"[" * 100000 + b"]" * 100000, b'{"a": "' + b"x" * (10 * 1024 * 1024) + b'"}']
    for data in cases:
        cfg, problems = _load_bytes(tmp_path, data)
        assert cfg == config.defaults()
        assert len(problems) == 1 and "default" in problems[0]


def test_a_stand_shorter_than_the_bias_measurement_is_refused(tmp_path):
    """calib_still_s below the stand the gyro's bias is measured in (1.625 s: the pipeline's
    constants, tests/test_pipeline.py) is out of range: the host refuses it, and a board whose
    stored config still says 1.0 (allowed once) stands the default 2 s and logs one line."""
    cfg, errors = config.validate({"calib_still_s": 1.0})
    assert cfg["calib_still_s"] == 2.0
    assert errors == ["calib_still_s must be from 1.625 to 10.0, got 1.0"]
    assert config.validate({"calib_still_s": 1.625}) == (dict(config.defaults(),
                                                              calib_still_s=1.625), [])
    cfg, problems = _load_bytes(tmp_path, b'{"calib_still_s": 1.0}')
    assert cfg == config.defaults() and len(problems) == 1 and "calib_still_s" in problems[0]

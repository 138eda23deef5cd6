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

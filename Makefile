# LeanClip. `make demo` and `make test` work on a fresh machine: both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BUILD := build

.PHONY: venv test demo bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/leanclip simulate --scenario demo --seed 7 --out $(BUILD)/demo
	$(BIN)/leanclip replay $(BUILD)/demo/imu.csv --out $(BUILD)/demo/replay
	$(BIN)/leanclip timeline $(BUILD)/demo/replay --truth $(BUILD)/demo/truth.csv --png $(BUILD)/demo/lean.png

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(BUILD) .pytest_cache

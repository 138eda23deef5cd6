# LeanClip. `make demo` and `make test` work on a fresh machine: both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BUILD := build

.PHONY: venv test demo bench clean esp32model

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The ESP32 model (tests/esp32model.py): MicroPython's unix port, 32-bit, float32, built from
# ../shared/micropython where that and gcc-multilib exist; cached by source hash under build/.
# Prints one line: what the MicroPython tests run on, or why not on the model.
esp32model: $(STAMP)
	$(BIN)/python -m tests.esp32model

test: $(STAMP) esp32model
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/leanclip simulate --scenario demo --seed 7 --out $(BUILD)/demo
	$(BIN)/leanclip replay $(BUILD)/demo/imu.csv --out $(BUILD)/demo/replay
	$(BIN)/leanclip timeline $(BUILD)/demo/replay --truth $(BUILD)/demo/truth.csv --png $(BUILD)/demo/lean.png
	$(BIN)/leanclip report $(BUILD)/demo/replay/session.lcl --out $(BUILD)/demo/report
	$(BIN)/leanclip plan-demo --out $(BUILD)/plan

bench: $(STAMP) esp32model
	$(BIN)/python -m bench

# A virtual board on a pseudo-terminal (real MicroPython, simulated IMU and motor): it prints the
# port to use with leanclip or mpremote. SIM_ARGS e.g. "--baud 921600 --run build/demo/imu.csv".
.PHONY: sim
sim: $(STAMP)
	$(BIN)/python -m host_tools.virtualboard --dir $(BUILD)/sim-board $(SIM_ARGS)

# hardware/: wiring tables + diagrams from the board profiles, the README's generated blocks
# (BOMs, motor driver values, battery table) and, where OpenSCAD is installed, the case renders.
.PHONY: hardware
SCAD := hardware/enclosure/leanclip_case.scad
hardware: $(STAMP)
	$(BIN)/python -m hardware.wiring
	$(BIN)/python -m hardware.readme
	@if command -v openscad >/dev/null && command -v xvfb-run >/dev/null; then \
	  for b in xiao plus2; do for m in chest waist; do \
	    xvfb-run -a openscad -q -D "build=\"$$b\"" -D "mount=\"$$m\"" --imgsize=640,480 \
	      --camera=0,0,0,115,0,35,0 --viewall --autocenter --colorscheme=Tomorrow \
	      -o hardware/enclosure/case-$$b-$$m.png $(SCAD) || exit 1; \
	  done; done; \
	else echo "openscad or xvfb-run missing: case renders not refreshed"; fi

clean:
	rm -rf $(BUILD) .pytest_cache

# LeanClip. `make demo` and `make test` work on a fresh machine: both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BUILD := build

.PHONY: venv test lint demo bench clean esp32model

venv: $(STAMP)
	@echo "leanclip is installed in $(BIN): run '. $(BIN)/activate' to put it on your PATH"

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

# ruff (pinned in pyproject.toml, rules there): real mistakes, checked before any test runs
lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) lint esp32model
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/leanclip simulate --scenario demo --seed 7 --out $(BUILD)/demo
	$(BIN)/leanclip replay $(BUILD)/demo/imu.csv --out $(BUILD)/demo/replay
	$(BIN)/leanclip timeline $(BUILD)/demo/replay --truth $(BUILD)/demo/truth.csv --png $(BUILD)/demo/lean.png
	$(BIN)/leanclip report $(BUILD)/demo/replay/session.lcl --out $(BUILD)/demo/report
	$(BIN)/leanclip plan-demo --out $(BUILD)/plan
	$(BIN)/leanclip report $(BUILD)/plan/00002.lcl --out $(BUILD)/plan/report
	$(BIN)/python tests/watchsim.py $(BUILD)/demo/watch
	$(BIN)/leanclip report $(BUILD)/demo/watch/session.lcl --activity $(BUILD)/demo/watch/watch.fit --out $(BUILD)/demo/watch/report
	$(BIN)/leanclip export $(BUILD)/demo/watch/session.lcl --activity $(BUILD)/demo/watch/watch.fit --out $(BUILD)/demo/watch/merged.csv
	@echo "done: open $(BUILD)/plan/report/00002.html, $(BUILD)/plan/report/history.html and $(BUILD)/demo/watch/report/session.html; '. $(BIN)/activate' puts leanclip on your PATH"

# docs/screenshots/: the three pages of `make demo` in headless Chromium (apt-get install
# chromium), 800 px wide like a phone turned sideways, cut at the page's end and reduced to
# 256 colours so the repository stays small.
CHROMIUM ?= chromium
SHOTS := docs/screenshots
.PHONY: screenshots
screenshots: demo
	mkdir -p $(SHOTS)
	for pair in session:$(BUILD)/plan/report/00002.html history:$(BUILD)/plan/report/history.html merged:$(BUILD)/demo/watch/report/session.html; do \
	  $(CHROMIUM) --headless --no-sandbox --disable-gpu --disable-background-networking \
	    --disable-component-update --no-first-run --hide-scrollbars --window-size=800,6000 \
	    --screenshot=$(SHOTS)/$${pair%%:*}.png file://$(abspath .)/$${pair#*:} 2>/dev/null; \
	done
	$(BIN)/python docs/screenshots/trim.py $(SHOTS)/session.png $(SHOTS)/history.png $(SHOTS)/merged.png

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
	xvfb-run -a openscad -q -D 'build="pod"' -D 'mount="waist"' --imgsize=640,480 \
	  --camera=0,0,0,115,0,35,0 --viewall --autocenter --colorscheme=Tomorrow \
	  -o hardware/enclosure/case-pod-waist.png $(SCAD) || exit 1; \
	else echo "openscad or xvfb-run missing: case renders not refreshed"; fi

clean:
	rm -rf $(BUILD) .pytest_cache

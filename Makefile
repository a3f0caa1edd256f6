# TerraPrompt developer commands. `make setup` then `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
ENV := source scripts/plugin_env.sh &&
QP := $(ENV) QT_QPA_PLATFORM=offscreen /usr/bin/qgis_process.bin

.PHONY: setup test test-core run screenshots bench bench-core bench-polygons package wheelhouse translations clean eval-landcover eval-change train-landcover train-pixel-classifier train-buildings-head train-change bench-change-network bench-change-methods bench-network eval-interactive bench-interactive train-interactive eval-prompts

setup:
	bash scripts/setup.sh

test:
	$(ENV) QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests

test-core:
	$(ENV) QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/core

run:
	@mkdir -p out
	$(QP) run terraprompt:extract_landcover --json -- INPUT=resources/sample_s2_beirut.tif \
	  PROMPT="water and vegetation" OUTPUT_RASTER=out/landcover.tif OUTPUT_VECTOR=out/landcover.gpkg > out/run.json
	@$(PY) scripts/print_run.py out/run.json

screenshots:
	$(ENV) $(PY) scripts/screenshots.py
	$(ENV) $(PY) scripts/screenshots_setup.py

bench: bench-core bench-polygons bench-network bench-change-network bench-change-methods bench-interactive
	@echo "bench: results in out/bench*.json"

bench-core:
	$(ENV) $(PY) benchmarks/run.py
	$(ENV) $(PY) benchmarks/bench_prompts.py

bench-polygons:
	$(ENV) $(PY) benchmarks/polygons.py

package:  # standard library only: works in a fresh clone, before `make setup`
	python3 scripts/package.py

wheelhouse:
	$(PY) scripts/wheelhouse.py

translations:
	bash scripts/translations.sh

train-landcover:
	$(ENV) $(PY) -m training.landcover_net

train-pixel-classifier:
	$(ENV) $(PY) -m training.pixel_classifier

train-buildings-head:
	$(ENV) $(PY) -m training.buildings_head

train-change:
	$(ENV) $(PY) -m training.change_net

V2 = training/data/promptable/v2
train-interactive:
	mkdir -p $(V2)
	for f in promptable_net_encoder.onnx promptable_net_decoder.onnx promptable_net.json; do git show 795df9c:models/$$f > $(V2)/$$f; done
	$(ENV) $(PY) -m training.promptable_net.revive --minutes 90 --init-dir $(V2)

bench-change-network:
	$(ENV) $(PY) benchmarks/change_network.py

bench-change-methods:
	$(ENV) $(PY) benchmarks/change_methods.py

bench-network:
	$(ENV) $(PY) benchmarks/network.py

eval-landcover:
	$(ENV) $(PY) -m training.eval_landcover

eval-change:
	$(ENV) $(PY) -m training.eval_change
	$(ENV) $(PY) -m training.change_maps

eval-prompts:
	$(ENV) $(PY) -m training.prompt_threshold

eval-interactive:
	$(ENV) $(PY) -m training.eval_interactive
	$(ENV) $(PY) -m training.eval_similar

bench-interactive:
	$(ENV) $(PY) benchmarks/interactive.py
	$(ENV) $(PY) benchmarks/find_similar.py

clean:
	rm -rf out dist build .qgis .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +

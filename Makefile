# Session Preflight. `make run` and `make test` each do all the set-up they need, idempotently.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PREFLIGHT := $(VENV)/bin/preflight
DEMO := assets/demo/room.mp4

.PHONY: run test setup system venv models lint pytest bench demo fmt clean

run: setup
	@# The staff preflight window; add ARGS="--demo" to try it without a camera.
	$(PY) main.py $(ARGS)

test: setup lint pytest

setup: system venv models

system:
	@bash scripts/setup_system.sh

venv: system
	@bash scripts/setup_venv.sh

models: venv
	@$(PREFLIGHT) models install >/dev/null

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy preflight ui

pytest: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) bench/run_all.py

demo: setup
	$(PY) assets/demo/make_demo_clip.py

fmt: venv
	$(VENV)/bin/ruff format preflight ui tests bench assets main.py
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

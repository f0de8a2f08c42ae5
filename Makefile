# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= data/demo
PORT ?= 8501

.PHONY: run build test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/tracker run demo/pages --out $(DATA)

run: build
	$(BIN)/tracker dashboard --data $(DATA) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check tracker tests dashboards bench
	$(BIN)/ruff format --check tracker tests dashboards bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) data

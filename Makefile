# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= data/demo
PORT ?= 8501

.PHONY: run build test check lint bench eval clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/tracker run demo/pages --positions demo/positions.yaml --out $(DATA)

run: build
	$(BIN)/tracker dashboard --data $(DATA) --positions demo/positions.yaml --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check tracker tests dashboards bench
	$(BIN)/ruff format --check tracker tests dashboards bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# The inner loop: lint, then the tests that load no model and start no browser.
check: lint
	$(BIN)/pytest -m 'not slow and not browser' -x -q

# The model card's figures, from the gold sets beside the repository (../shared).
SHARED ?= ../shared
CARD := docs/model-card.md
eval: $(STAMP)
	$(BIN)/python bench/training_coverage.py --card $(CARD) > /dev/null
	$(BIN)/tracker eval --statements $(SHARED)/gold/statements_dev.yaml --card $(CARD) --name statements_dev
	$(BIN)/tracker eval $(SHARED)/gold/real_dev/gold.yaml $(SHARED)/gold/real_dev/docs/*.txt --manifest $(SHARED)/gold/real_dev/docs/manifest.csv --by-day --out data/eval-real_dev --card $(CARD) --name real_dev
	$(BIN)/tracker eval $(SHARED)/gold/seeds.yaml $(SHARED)/seeds/*.txt --out data/eval-seeds --card $(CARD) --name seeds
	$(BIN)/python bench/learning_curve.py data/eval-real_dev $(SHARED)/gold/real_dev/gold.yaml --cache data/eval-cache.npz --card $(CARD)

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) data

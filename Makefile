# Every target bootstraps .venv from pyproject.toml when it is missing or stale.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test eval bench clean-venv

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)  ## regenerate outputs/ from raw/
	$(BIN)/saidwhen extract --raw raw --out outputs
	$(BIN)/saidwhen audit --raw raw --out outputs

test: $(STAMP)
	$(BIN)/python -m pytest -q

CORPUS ?= ../shared/data/polnear/dev.jsonl
bench: $(STAMP)  ## speed, scaling, memory and incremental runs against issue 5's targets (a few minutes)
	$(BIN)/python -m pipeline.bench --corpus $(CORPUS)

eval: $(STAMP)  ## score statements on PolNeAR dev and dates on TempEval-3 train (needs ../shared/data)
	$(BIN)/saidwhen evaluate --gold ../shared/data/polnear/dev.jsonl --subset both
	$(BIN)/saidwhen evaluate timeml --gold ../shared/data/timeml/train.jsonl

clean-venv:
	rm -rf $(VENV)

# Two entry points: `make run` (the main job on the seed corpus) and `make test`.
# Both create the virtual environment in .venv and install everything on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= outputs
STAMP := $(VENV)/.installed

.PHONY: run test install clean annotations us-batch

run: $(STAMP)
	$(BIN)/stance corpus --out $(OUT)/seed_sentences.csv

test: $(STAMP)
	$(BIN)/python -m pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev,embeddings]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis

# Rebuild the seed gold, its agreement report and label statistics from the stored passes.
annotations: $(STAMP)
	$(BIN)/stance annotations build annotations/seed --corpus seeds --name "seed corpus" \
		--gold stance/data/seed_gold.csv --report docs/annotation_agreement.md --stats docs/label_statistics.md

# The annotation batch of the U.S. government corpus: 260 random + 260 targeted sentences, seed 2026.
us-batch: $(STAMP)
	$(BIN)/stance sample us-government-2022 --random 260 --targeted 260 --seed 2026 \
		--out annotations/us-government-2022/batch.csv

# Two entry points: `make run` (the main job on the seed corpus) and `make test`.
# Both create the virtual environment in .venv and install everything on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= outputs
STAMP := $(VENV)/.installed

.PHONY: run test install clean annotations default-model benchmark benchmark-dask us-batch critical-voices-batch \
	readme-results gold-predictions quantification describe

# The main job: split the seed corpus, label every sentence and article with the shipped model,
# and run the default experiment suite (a new run folder in experiments/results/).
run: $(STAMP)
	$(BIN)/stance corpus --out $(OUT)/seed_sentences.csv
	$(BIN)/stance label --level sentence --out $(OUT)/seed_sentence_labels.csv
	$(BIN)/stance label --level article --out $(OUT)/seed_article_labels.csv
	$(BIN)/stance experiment run experiments/default.toml

test: $(STAMP)
	$(BIN)/python -m pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev,embeddings,notebooks,dask]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis

# Rebuild the gold sets, their agreement reports and label statistics from the stored passes.
annotations: $(STAMP)
	$(BIN)/stance annotations build annotations/seed --corpus seeds --name "seed corpus" \
		--gold stance/data/seed_gold.csv --report docs/annotation_agreement.md --stats docs/label_statistics.md
	$(BIN)/stance annotations build annotations/us-government-2022 --corpus us-government-2022 \
		--name "U.S. government corpus" --gold stance/data/gold/us-government-2022.csv \
		--report docs/annotation_agreement_us.md --stats docs/label_statistics_us.md
	$(BIN)/stance annotations build annotations/critical-voices annotations/critical-voices-2 annotations/critical-voices-3 --name "critical voices and new genres" \
		--gold 'stance/data/gold/{corpus}.csv' \
		--report docs/annotation_agreement_critical_voices.md --stats docs/label_statistics_critical_voices.md

# Ship the best trained model of an experiment run (RUN=experiments/results/<run>), trained on
# that run's gold (stance/data/default_model.skops, docs/model_selection.md).
default-model: $(STAMP)
	$(BIN)/python experiments/select_default_model.py $(RUN)

# Labelling speed, load time and peak memory over a million sentences (prints numbers).
benchmark: $(STAMP)
	$(BIN)/python experiments/benchmark.py $(BENCHMARK_ARGS)

# Labelling on a local Dask cluster against the single process in the same run (prints numbers):
# 1,000,000 sentences with the lexical model and 100,000 with the default; smaller with
# BENCHMARK_ARGS="--lexical-sentences 100000 --default-sentences 10000".
benchmark-dask: $(STAMP)
	$(BIN)/python experiments/benchmark_dask.py $(BENCHMARK_ARGS)

# The annotation batches: U.S. government corpus (260 random + 260 targeted sentences, seed 2026) and the
# critical-voices batch over five corpora of the data home (plan.toml: 2,600 sentences, seed 2027).
us-batch: $(STAMP)
	$(BIN)/stance sample us-government-2022 --random 260 --targeted 260 --seed 2026 \
		--out annotations/us-government-2022/batch.csv

critical-voices-batch: $(STAMP)
	$(BIN)/stance sample --plan annotations/critical-voices/plan.toml --out annotations/critical-voices/batch.csv
	$(BIN)/stance sample --plan annotations/critical-voices-2/plan.toml --out annotations/critical-voices-2/batch.csv
	$(BIN)/stance sample --plan annotations/critical-voices-3/plan.toml --out annotations/critical-voices-3/batch.csv

# Put the main table and two figures of a run (RUN=experiments/results/<run>) into the README.
readme-results: $(STAMP)
	$(BIN)/stance experiment readme $(RUN)

# Out-of-fold predictions of every gold sentence for the shipped model (or MODEL=DIR), beside it: the error rates
# of `stance measure` (stance/data/default_model_gold_predictions.csv). Needs the data home; takes a while.
gold-predictions: $(STAMP)
	$(BIN)/python experiments/gold_predictions.py $(if $(MODEL),--model $(MODEL))

# Validation of the quantification methods by simulation on gold (a new run in experiments/results/).
quantification: $(STAMP)
	$(BIN)/stance experiment run experiments/quantification.toml

# Military aid and critical stance by source and quarter over every corpus (docs/figures/prevalence_over_time.png).
describe: $(STAMP)
	$(BIN)/python experiments/describe_corpora.py

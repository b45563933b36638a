"""Leave-one-corpus-out of estimators that are not in the catalogue, for the experiment scripts beside this file.

``stance experiment run`` compares catalogue names; the scripts that try an estimator built in Python
(``context_neighbours.py``, ``two_stage_stance.py``) use the same design, gold and seed, from
``experiments/leave_one_corpus_out.toml``, and write their run folder here: ``corpora.csv`` and
``corpora_targeted.csv`` (scores per held-out corpus, as ``stance experiment run`` writes them), ``summary.md``
(the means over corpora and the command) and ``environment.json`` (versions and git commit).
"""

import json
import sys

from stance.evaluate.splitters import splitter_for
from stance.evaluate.validation import compare_models
from stance.experiments import load_config
from stance.experiments.environment import environment
from stance.annotate.annotations import load_gold
from stance.experiments.registry import new_run_folder
from stance.experiments.run import corpus_scores
from stance.io import write_table, write_text
from stance.models.training_data import load_priors
from stance.report.tables import markdown_table

CONFIG = "experiments/leave_one_corpus_out.toml"
SAMPLES = (("corpora.csv", ("random", "census"), "Random samples (the seeds: census)"),
           ("corpora_targeted.csv", ("targeted",), "Targeted samples (enriched for rare classes)"))
MEAN_COLUMNS = ["group", "model", "sentences", "topics_macro_f1", "tone_macro_f1", "stance_macro_f1", "critical_f1"]


def script_command(script, argv=None):
    """The command that reproduces a run: ``python <script> <arguments>`` (``argv`` None: ``sys.argv[1:]``)."""
    return " ".join(["python", script, *(sys.argv[1:] if argv is None else argv)])


def finish_run(folder, summary):
    """Write ``summary`` (lines of Markdown) and the environment (versions, git commit) into the run folder,
    print the summary and where it went."""
    write_text("\n".join(summary), folder / "summary.md")
    write_text(json.dumps(environment(), indent=2), folder / "environment.json")
    print("\n".join(summary))
    print(f"written to {folder}")


def design():
    """The leave-one-corpus-out config and its gold (every annotation set of the config)."""
    config = load_config(CONFIG)
    return config, load_gold(list(config.annotations))


def compare_held_out(gold, models, config, results, name, heading, script, argv=None):
    """Predict every corpus of ``gold`` with ``models`` (``{name: estimator or catalogue name}``) trained on
    the others plus the synthetic priors; write the run folder ``<results>/<stamp>-<name>`` and print its
    summary. ``script`` (its path from the repository) and ``argv`` (its arguments; None: ``sys.argv[1:]``)
    make the summary's command.
    Returns the folder."""
    cv, groups = splitter_for("leave-one-corpus-out", None, config.seed)
    _, every = compare_models(gold, models, priors=load_priors(), n_boot=0, cv=cv, groups=groups, seed=config.seed)
    folder = new_run_folder(results, name)
    summary = [f"# {heading}, leave-one-corpus-out", "", f"`{script_command(script, argv)}`",
               f"(the gold sets and seed of `{CONFIG}`; each held-out corpus scored by a model trained on the others plus "
               "the synthetic priors). Means over held-out corpora; per corpus in the CSV files.", ""]
    for file_name, samples, title in SAMPLES:
        table = corpus_scores({m: p[p["sample"].isin(samples)] for m, p in every.items()}, config.bootstrap, config.seed)
        write_table(table, folder / file_name)
        summary += [f"{title}:", "", markdown_table(table.loc[table["group"] == "mean", MEAN_COLUMNS]), ""]
    finish_run(folder, summary)
    return folder

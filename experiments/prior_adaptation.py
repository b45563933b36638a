"""Would adapting the decisions to a held-out corpus's own class prevalence help leave-one-corpus-out?

Under prior shift (a corpus with more supportive sentences than the training gold), the posteriors of a
calibrated classifier can be re-weighted by ``p'(c) / p(c)``, the corpus's prevalence over the training
prevalence (Saerens, Latinne and Decaestecker 2002). The corpus's prevalence is unknown at labelling time;
their EM estimates it from the unlabelled posteriors (``stance.quantify.quantifiers.expectation_maximisation``).
This script scores, per held-out corpus and task, the decisions of the shipped spec as they are, re-weighted
by the EM estimate, and re-weighted by the corpus's true prevalence (a reference no user has).

It reads the leave-one-corpus-out rows of the shipped model's out-of-fold gold predictions
(``stance/data/default_model_gold_predictions.csv``, ``make gold-predictions``), the gold labels and the
synthetic priors (training prevalence: the other gold sets plus the priors); it needs no corpus text and
trains nothing. Writes ``<results>/<stamp>-prior-adaptation/prior_adaptation.csv`` and ``summary.md``.

Usage: python experiments/prior_adaptation.py [--results experiments/results]
"""

import argparse

import numpy as np
import pandas as pd

from stance.annotate.annotations import bundled_annotations, read_labels
from stance.experiments.registry import new_run_folder
from stance.io import write_table, write_text
from stance.labels import SCHEME
from stance.metrics import task_scores
from stance.models.training_data import load_priors
from stance.quantify.gold_predictions import gold_predictions_path
from stance.quantify.predictions import read_predictions
from stance.quantify.quantifiers import expectation_maximisation
from stance.report.tables import markdown_table

DESIGN = "leave-one-corpus-out"
SCORED = ("random", "census")
RULES = ("as calibrated", "EM-estimated prevalence", "true prevalence (reference)")


def shares(labels, classes):
    """The share of each class (in ``classes`` order) among ``labels``."""
    labels = np.asarray(labels)
    return np.array([np.mean(labels == c) for c in classes])


def reweighted_decisions(posteriors, classes, train_prevalence, prevalence):
    """The most probable class after re-weighting the posteriors by ``prevalence / train_prevalence``."""
    return classes[np.argmax(posteriors * (prevalence / train_prevalence), axis=1)]


def corpus_rows(predictions, gold, priors, corpus):
    """Score the three decision rules on one held-out corpus's scored sample; one row per task and rule."""
    test = predictions[(predictions["gold_set"] == corpus) & predictions["sample"].isin(SCORED)]
    test = test.merge(gold[["sentence_id", *(t.name for t in SCHEME.single)]], on="sentence_id")
    training = pd.concat([gold[gold["gold_set"] != corpus], priors], ignore_index=True)
    rows = []
    for task in SCHEME.single:
        classes = np.asarray(task.classes, dtype=object)
        posteriors = test[[f"p_{task.name}_{c}" for c in classes]].to_numpy()
        train_prevalence = np.clip(shares(training[task.name], classes), 1e-6, None)
        estimated = expectation_maximisation(posteriors, train_prevalence)
        true = np.clip(shares(test[task.name], classes), 1e-6, None)
        decisions = {RULES[0]: test[f"pred_{task.name}"].to_numpy(dtype=object),
                     RULES[1]: reweighted_decisions(posteriors, classes, train_prevalence, estimated),
                     RULES[2]: reweighted_decisions(posteriors, classes, train_prevalence, true)}
        for rule, decided in decisions.items():
            frame = pd.DataFrame({"topics": [[]] * len(test), "pred_topics": [[]] * len(test),
                                  **{t.name: test[t.name].to_numpy() for t in SCHEME.single},
                                  **{f"pred_{t.name}": test[f"pred_{t.name}"].to_numpy() for t in SCHEME.single}})
            frame[f"pred_{task.name}"] = decided
            critical = (test[task.name] == "critical").to_numpy()
            predicted_critical = decided == "critical"
            rows.append({"corpus": corpus, "task": task.name, "rule": rule, "sentences": len(test),
                         "macro_f1": task_scores(frame)[f"{task.name}_macro_f1"],
                         "critical_predicted": int(predicted_critical.sum()) if task.name == "stance" else None,
                         "critical_found": int((critical & predicted_critical).sum()) if task.name == "stance" else None,
                         **{f"true_{c}": s for c, s in zip(classes, shares(test[task.name], classes))},
                         **{f"estimated_{c}": s for c, s in zip(classes, estimated)},
                         **{f"training_{c}": s for c, s in zip(classes, train_prevalence)}})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default="experiments/results", help="where the run folder goes (default: %(default)s)")
    args = parser.parse_args(argv)
    predictions = read_predictions(gold_predictions_path(None), required=["sentence_id", "design"])
    predictions = predictions[predictions["design"] == DESIGN]
    gold = pd.concat([read_labels(path).assign(gold_set=name) for name, (path, _) in bundled_annotations().items()],
                     ignore_index=True)
    priors = load_priors()
    rows = [row for corpus in dict.fromkeys(predictions["gold_set"]) for row in corpus_rows(predictions, gold, priors, corpus)]
    table = pd.DataFrame(rows)
    means = table.groupby(["task", "rule"], sort=False)["macro_f1"].mean().unstack("task").reset_index()
    folder = new_run_folder(args.results, "prior-adaptation")
    write_table(table, folder / "prior_adaptation.csv")
    pivot = table.pivot_table(index="corpus", columns=["task", "rule"], values="macro_f1", sort=False)
    pivot.columns = [f"{task}: {rule}" for task, rule in pivot.columns]
    summary = ["# Prior adaptation of the decisions, leave-one-corpus-out", "",
               "`python experiments/prior_adaptation.py`: the shipped spec's leave-one-corpus-out posteriors "
               f"({gold_predictions_path(None).name}), each held-out corpus's random sample (the seeds: all); "
               "macro-F1 per corpus, then the mean over corpora.", "",
               markdown_table(pivot.reset_index()), "", "Mean over held-out corpora:", "", markdown_table(means), ""]
    write_text("\n".join(summary), folder / "summary.md")
    print("\n".join(summary))
    print(f"written to {folder}")


if __name__ == "__main__":
    main()

"""Out-of-fold predictions of every gold sentence for a model, the data quantification's error rates come from.

Trains the model's spec per fold (grouped 10-fold by article over the gold sets the model was trained on)
and per held-out corpus (leave-one-corpus-out), predicts the held-out gold, and writes
``<model>_gold_predictions.csv`` (sentence ids, probabilities, decisions; no text) and a ``.json``
saying how they were made, beside the model (``stance/data/`` for the shipped one). Needs the
corpora of the data home (the gold stores hashes, the training needs the text). Takes an hour
for the default ``combined`` model on two busy cores; ``stance measure`` then only reads the file.
A second run for the same model reuses what the first covers (after the gold was extended, only the
new sentences of the sets the model never saw are predicted).

Usage: python experiments/gold_predictions.py [--model DIR]   (make gold-predictions)
"""

import argparse
import json

from tqdm import tqdm

from stance.errors import StanceInputError
from stance.quantify.predictions import read_predictions
from stance.quantify.gold_predictions import N_FOLDS, build_gold_predictions, gold_predictions_path, save_gold_predictions
from stance.models.persistence import load_classifier, model_metadata


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None, help="a model folder or file (default: the shipped model)")
    parser.add_argument("--folds", type=int, default=N_FOLDS, help="grouped folds of the k-fold design (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fresh", action="store_true", help="recompute everything (default: reuse what an earlier "
                        "run for the same model covers, e.g. after the gold was extended)")
    args = parser.parse_args(argv)
    classifier = load_classifier(args.model)
    path = gold_predictions_path(args.model)
    previous = None
    if path.is_file() and not args.fresh:
        try:  # the same model's earlier predictions: reused where they cover a held-out part whole
            previous = read_predictions(path, required=["sentence_id", "design"])
            about = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            if about["training_data_sha256"] != model_metadata(classifier).get("training_data_sha256"):
                previous = None
            elif (about["n_folds"], about["seed"]) != (args.folds, args.seed):  # other folds: only the corpora carry over
                previous = previous[previous["design"] != "k-fold"]
        except (StanceInputError, OSError, KeyError, ValueError):
            previous = None
    frame = build_gold_predictions(classifier, n_folds=args.folds, seed=args.seed, previous=previous,
                                   progress=lambda jobs: tqdm(jobs, desc="held-out parts", unit="part"))
    for written in save_gold_predictions(frame, classifier, path, n_folds=args.folds, seed=args.seed):
        print(f"wrote {written}")


if __name__ == "__main__":
    main()

"""Out-of-fold predictions of every gold sentence for a model, the data quantification's error rates come from.

Trains the model's spec per fold (grouped 10-fold by article over the gold sets the model was trained on)
and per held-out corpus (leave-one-corpus-out), predicts the held-out gold, and writes
``<model>_gold_predictions.csv`` (sentence ids, probabilities, decisions; no text) and a ``.json``
saying how they were made, beside the model (``stance/data/`` for the shipped one). Needs the
corpora of the data home (the gold stores hashes, the training needs the text). Takes minutes
for the default ``combined`` model; ``stance measure`` then only reads the file.

Usage: python experiments/gold_predictions.py [--model DIR]   (make gold-predictions)
"""

import argparse

from tqdm import tqdm

from stance.gold_predictions import N_FOLDS, SEED, build_gold_predictions, gold_predictions_path, save_gold_predictions
from stance.models.persistence import load_classifier


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None, help="a model folder or file (default: the shipped model)")
    parser.add_argument("--folds", type=int, default=N_FOLDS, help="grouped folds of the k-fold design (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    classifier = load_classifier(args.model)
    frame = build_gold_predictions(classifier, n_folds=args.folds, seed=args.seed,
                                   progress=lambda jobs: tqdm(jobs, desc="trainings", unit="fold"))
    for path in save_gold_predictions(frame, classifier, gold_predictions_path(args.model), n_folds=args.folds, seed=args.seed):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()

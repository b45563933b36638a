"""How much gold of their own corpus does a researcher need? Leave-one-corpus-out plus k labelled sentences of
the held-out corpus.

With a corpus held out, the shipped spec misses its register (the Kremlin's critical sentences, the Ukrainian
releases' supportive ones). A researcher can label a batch of their own corpus (``stance sample``, two passes,
``stance annotations build``) and train on the shipped gold plus it (``stance train --annotations``). This script
measures what that buys: for each held-out corpus, the shipped spec is trained on the gold of every other corpus,
the synthetic priors and ``k`` sentences drawn (seeded) from the held-out corpus's targeted sample, and scored on
its random sample, as in ``experiments/leave_one_corpus_out.toml``. The added sentences come only from articles
that hold no scored sentence, so no article is on both sides; ``k = 0`` is the leave-one-corpus-out run itself.
The targeted samples are enriched for rare classes (as a researcher's ``stance sample --targeted`` batch is), so
the curve says what a labelled batch of that kind gives, not a random one.

Writes ``<results>/<stamp>-in-domain-gold/`` (``scores.csv``: one row per corpus, k and draw; ``summary.md``;
``environment.json``). Needs the corpora of the data home; about 2 minutes per fit on two cores.

Usage: python experiments/in_domain_gold.py [--corpora NAME,...] [--sizes 0,50,100,250] [--draws 1]
    [--results experiments/results]
"""

import argparse

import numpy as np
import pandas as pd

from held_out_corpora import design, finish_run, script_command
from stance.evaluate.validation import group_scores, train_test
from stance.experiments.registry import new_run_folder
from stance.io import write_table
from stance.models.training_data import load_priors
from stance.report.tables import markdown_table

MODEL = "combined_targeted"
CORPORA = ("kremlin-2021-2022", "zelensky-office-2021-2022", "congress-tweets-2021-2022")
SIZES = (0, 50, 100, 250)
SCORES = ["topics_macro_f1", "tone_macro_f1", "stance_macro_f1", "critical_f1", "critical_support", "critical_predicted"]


def in_domain_rows(gold, corpus, k, draw, seed):
    """The training gold (every other corpus plus ``k`` in-domain sentences) and the scored rows of ``corpus``.

    The ``k`` sentences are drawn without replacement from the corpus's targeted rows in articles with no
    random-sample sentence, with a generator seeded by ``seed``, the corpus and the draw. Raises ValueError
    when the pool holds fewer than ``k``.
    """
    own = gold[gold["gold_set"] == corpus]
    test = own[own["sample"] == "random"]
    pool = own[(own["sample"] == "targeted") & ~own["article_id"].isin(set(test["article_id"]))]
    if k > len(pool):
        raise ValueError(f"{corpus}: {k} in-domain sentences asked, {len(pool)} in the pool")
    rng = np.random.default_rng([seed, draw, *corpus.encode("utf-8")])
    added = pool.iloc[np.sort(rng.choice(len(pool), k, replace=False))]
    return pd.concat([gold[gold["gold_set"] != corpus], added]), test, len(pool)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default=",".join(CORPORA), help="held-out corpora (default: %(default)s)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="in-domain sentences added (default: %(default)s)")
    parser.add_argument("--draws", type=int, default=1, help="independent draws per size above 0 (default: %(default)s)")
    parser.add_argument("--results", default="experiments/results", help="where the run folder goes (default: %(default)s)")
    args = parser.parse_args(argv)
    config, gold = design()
    priors = load_priors()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for corpus in args.corpora.split(","):
        for k in sizes:
            for draw in range(args.draws if k else 1):
                train, test, pool = in_domain_rows(gold, corpus, k, draw, config.seed)
                predicted = train_test(train, test, MODEL, priors, random_state=config.seed)
                scores = group_scores(predicted, n_boot=config.bootstrap, seed=config.seed).iloc[0]
                rows.append({"corpus": corpus, "in_domain": k, "draw": draw, "pool": pool, "sentences": len(test),
                             **scores.drop(["group", "sentences"]).to_dict()})
                print(f"{corpus} +{k} (draw {draw}): " + ", ".join(f"{m} {rows[-1][m]:.3f}" for m in SCORES[:4]), flush=True)
    table = pd.DataFrame(rows)
    folder = new_run_folder(args.results, "in-domain-gold")
    write_table(table, folder / "scores.csv")
    means = table.groupby(["corpus", "in_domain"], sort=False)[SCORES].mean().reset_index()
    command = script_command("experiments/in_domain_gold.py", argv)
    summary = [f"# {MODEL} on a held-out corpus, trained with k labelled sentences of that corpus", "", f"`{command}`",
               f"(the gold sets and seed of `experiments/leave_one_corpus_out.toml`; scored on each corpus's random "
               f"sample; k sentences of its targeted sample from articles with no scored sentence; mean over "
               f"{args.draws} draw(s) per k; CIs per draw in scores.csv).", "",
               markdown_table(means.round(3)), ""]
    finish_run(folder, summary)


if __name__ == "__main__":
    main()

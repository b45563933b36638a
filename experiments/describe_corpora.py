"""Topic shares, tone and stance over time by source, labelled by the shipped classifier.

Labels every sentence of the seed corpus and the U.S. government corpus with
``stance.load_classifier()`` and plots quarterly topic shares and mean tone and
stance scores per source (White House, Defense, State, Treasury, and the UK seed
outlets). The gold of the U.S. random sample and of the seeds, aggregated the same
way, is drawn as markers: a check of the classifier where gold exists.

Writes ``docs/figures/sources_over_time.png`` and ``docs/sources_over_time.csv``.
Usage: python experiments/describe_corpora.py
"""

from pathlib import Path

import pandas as pd
from tqdm import tqdm

import stance
from stance import figures
from stance.io import write_table
from stance.labels import gold_scores
from stance.summary import labels_by_source_and_period

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ("us-government-2022", "seeds")
CHUNK = 20


def main():
    classifier = stance.load_classifier()
    articles = pd.concat([stance.load_corpus(name) for name in CORPORA], ignore_index=True)
    labelled = []
    for start in tqdm(range(0, len(articles), CHUNK), desc="labelling", unit="chunk"):
        labelled.append(classifier.label_sentences(stance.split_sentences(articles.iloc[start:start + CHUNK])))
    table = labels_by_source_and_period(pd.concat(labelled, ignore_index=True), articles)
    gold = pd.concat([stance.load_annotations("us-government-2022").query("sample == 'random'"),
                      stance.load_annotations("seeds")], ignore_index=True)
    checked = labels_by_source_and_period(gold_scores(gold), articles)
    write_table(pd.concat([table.assign(labels="shipped classifier"), checked.assign(labels="gold")]),
                ROOT / "docs" / "sources_over_time.csv")
    path = figures.sources_over_time(table, ROOT / "docs" / "figures" / "sources_over_time.png", gold=checked,
                                     title="Topics, tone and stance by source and quarter (shipped classifier; "
                                     "markers: gold)")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

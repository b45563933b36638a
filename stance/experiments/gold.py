"""The gold of an experiment: annotation sets in, one frame of scored sentences out."""

import pandas as pd

from ..annotate.annotations import load_annotations
from ..ingest.corpus import load_corpus
from ..errors import StanceInputError

CENSUS = "census"


def load_gold(names):
    """Concatenate annotation sets (bundled names or files), each row marked with its ``gold_set``
    and its ``sample`` (``census`` for a set that annotates every sentence, like the seeds).

    ``text_public`` says whether the text may be written into a run folder (text of a corpus from
    the data home is third-party and never is; see :func:`public_text`).
    """
    frames = []
    for name in names:
        gold = load_annotations(name)
        gold["text_public"] = "text_sha256" not in gold.columns
        if "sample" not in gold:
            gold = gold.assign(sample=CENSUS, stratum=CENSUS)
        frames.append(gold.assign(gold_set=name))
    gold = pd.concat(frames, ignore_index=True)
    duplicated = gold["sentence_id"].duplicated()
    if duplicated.any():
        raise StanceInputError(names[0], f"sentence {gold.loc[duplicated, 'sentence_id'].iloc[0]} is in two annotation sets")
    return gold


def load_articles(config):
    """The article metadata (``article_id``, ``title``, ``date``, ``source``, ...) of the config's
    ``corpus`` or, by default, of the corpora of its bundled annotation sets; None when there is none."""
    from ..annotate.annotations import bundled_annotations

    bundled = bundled_annotations()
    names = config.corpus or [bundled[n][1] for n in config.annotations + (config.train_annotations or ()) if n in bundled]
    return pd.concat([load_corpus(n) for n in dict.fromkeys(names)], ignore_index=True) if names else None


def public_titles(articles, predictions):
    """The article table with ``title`` emptied for the articles of a third-party corpus (those whose
    sentences in ``predictions`` carry no public text): a title is the corpus's text too."""
    if "text_public" not in predictions or "title" not in articles:
        return articles
    public = set(predictions.loc[predictions["text_public"].astype(bool), "article_id"])
    return articles.assign(title=articles["title"].where(articles["article_id"].isin(public), ""))


def public_text(predictions):
    """The rows with ``text`` emptied where it comes from a third-party corpus (see :func:`load_gold`):
    the sentence id and its corpus find it again."""
    if "text_public" not in predictions:
        return predictions
    return predictions.assign(text=predictions["text"].where(predictions["text_public"].astype(bool), ""))

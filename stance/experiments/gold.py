"""What a run folder may show of its gold: article metadata, and third-party text and titles emptied.

The gold itself is read by :func:`stance.annotate.annotations.load_gold`.
"""

import pandas as pd

from ..ingest.corpus import load_corpus


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
    """The rows with ``text`` emptied where it comes from a third-party corpus (see :func:`stance.annotate.annotations.load_gold`):
    the sentence id and its corpus find it again."""
    if "text_public" not in predictions:
        return predictions
    return predictions.assign(text=predictions["text"].where(predictions["text_public"].astype(bool), ""))

"""Corpus summaries: one row per article, as a table and as text."""

import pandas as pd


def corpus_summary(articles, sentences):
    """Return one row per article with its sentence and boilerplate counts, plus a total row.

    Parameters
    ----------
    articles : pandas.DataFrame
        The article table.
    sentences : pandas.DataFrame
        The sentence table of the same articles (from :func:`stance.split_sentences`).

    Returns
    -------
    pandas.DataFrame
        Columns ``article_id, title, source, date, sentences, boilerplate``.
    """
    counts = sentences.groupby("article_id", sort=False).agg(
        sentences=("sentence_id", "size"), boilerplate=("boilerplate", "sum")
    )
    table = articles[["article_id", "title", "source", "date"]].merge(
        counts, left_on="article_id", right_index=True, how="left"
    )
    table[["sentences", "boilerplate"]] = table[["sentences", "boilerplate"]].fillna(0).astype(int)
    total = pd.DataFrame([{
        "article_id": f"total ({len(table)} articles)", "title": "", "source": "", "date": "",
        "sentences": int(table["sentences"].sum()), "boilerplate": int(table["boilerplate"].sum()),
    }])
    return pd.concat([table, total], ignore_index=True)


def labels_by_source_and_period(sentences, articles, period="Q"):
    """Topic shares and mean tone and stance scores per source and period.

    Parameters
    ----------
    sentences : pandas.DataFrame
        Labelled sentences (``article_id, topics, tone_score, stance_score``);
        boilerplate rows, when flagged, are left out.
    articles : pandas.DataFrame
        The article table (``article_id, source, date``).
    period : str
        A pandas period frequency for the dates (``Q`` quarters, ``M`` months).

    Returns
    -------
    pandas.DataFrame
        ``source, period, sentences, share_<topic>..., tone_score, stance_score``.
    """
    from .labels import TOPICS

    if "boilerplate" in sentences:
        sentences = sentences[~sentences["boilerplate"].astype(bool)]
    meta = articles.set_index("article_id")
    dates = pd.to_datetime(sentences["article_id"].map(meta["date"]), errors="coerce", format="mixed")
    frame = sentences.assign(source=sentences["article_id"].map(meta["source"]).replace("", "unknown"),
                             period=dates.dt.to_period(period).astype(str),
                             **{f"share_{t}": sentences["topics"].map(lambda ts, t=t: t in ts) for t in TOPICS})
    grouped = frame.groupby(["source", "period"])
    table = grouped[[f"share_{t}" for t in TOPICS] + ["tone_score", "stance_score"]].mean()
    return table.assign(sentences=grouped.size()).reset_index()

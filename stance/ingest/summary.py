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


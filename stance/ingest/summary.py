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


def boilerplate_reasons(sentences):
    """The flagged sentences counted by reason, most frequent first, as one line of text
    (``flagged 241 of 31,583 sentences: no_words 132, pasted_headline 84, ...``)."""
    flagged = sentences.loc[sentences["boilerplate"].astype(bool), "boilerplate_reason"]
    counts = flagged.value_counts()
    reasons = ", ".join(f"{reason} {n:,}" for reason, n in counts.items())
    return f"flagged {len(flagged):,} of {len(sentences):,} sentences" + (f": {reasons}" if reasons else "")

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


def format_table(table, max_width=48):
    """Render a DataFrame as aligned plain text, cutting long cells to ``max_width`` characters."""
    def cut(value):
        text = str(value)
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[cut(c) for c in table.columns]] + [[cut(v) for v in row] for row in table.itertuples(index=False)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.columns))]
    numeric = [pd.api.types.is_numeric_dtype(table[c]) for c in table.columns]

    def line(row):
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(row, widths, numeric)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])

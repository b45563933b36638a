"""Rendering tables as text: aligned plain text for the terminal, Markdown for reports."""

import pandas as pd


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


def markdown_table(table, float_format="{:.3f}"):
    """Render a DataFrame (index dropped) as a GitHub Markdown table."""
    def cell(value):
        if isinstance(value, float):
            return "n/a" if value != value else float_format.format(value)
        if isinstance(value, (list, tuple)):
            value = "; ".join(map(str, value))
        return str(value).replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(map(str, table.columns)) + " |"
    rule = "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(table[c]) else "---" for c in table.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *body])

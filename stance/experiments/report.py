"""Rendering a run: a :class:`~stance.experiments.run.RunResult` in, Markdown and figures out.

Every table here is built from the result's data (``metrics.json`` and the CSVs when the run
comes from :func:`stance.experiments.registry.load_run`); no Markdown is ever read back.

- :func:`main_table`: one row per model, the headline macro-F1 scores with their intervals;
- :func:`design_sentence`: the design, the scored sentences and the bootstrap, in one paragraph;
- :func:`overview`: title, description, design sentence and main table (what ``stance experiment run`` prints);
- :func:`summary`: the whole ``summary.md``;
- :func:`render_figures`: the figures of a run (titles name the run's design);
- :func:`readme_results`: the README block between the results markers.
"""

import os
from pathlib import Path

import pandas as pd

from ..errors import StanceInputError
from ..evaluate.validation import headline_table
from ..metrics import HEADLINE
from ..io import write_text
from ..labels import SCHEME
from ..report.tables import markdown_table

MAIN_TABLE = "## Main table"
RESULTS_START, RESULTS_END = "<!-- results:start -->", "<!-- results:end -->"


def main_table(result):
    """The main table of a run (DataFrame): per model, each headline macro-F1 as ``value [low, high]``
    and their mean (``mean_macro_f1``), from ``result.scores``."""
    return headline_table(result.scores)


def design_sentence(result):
    """One paragraph: the design, what was scored, the priors, the bootstrap and the baselines."""
    from ..models.catalogue import BASELINES

    config, metrics = result.config, result.metrics
    annotations = ", ".join(config.annotations)
    if result.scheme == "train-test":
        design = f"Trained on `{', '.join(config.train_annotations)}`, tested on `{annotations}`"
    elif result.scheme == "grouped-k-fold":
        design = f"Grouped {config.cv.folds}-fold cross-validation (whole articles per fold) on `{annotations}`"
    elif result.scheme == "leave-one-corpus-out":
        design = (f"Leave-one-corpus-out over `{annotations}` (each corpus scored by a model trained "
                  "on the gold of all the others)")
    else:
        design = f"Leave-one-article-out on `{annotations}`"
    support = metrics.get("support")
    support = f" ({', '.join(f'{n} {s}' for s, n in support.items())})" if support else ""
    return (f"{design}; scored: {metrics['sentences']} gold sentences{support} in {metrics['articles']} articles; "
            f"training adds the synthetic priors: {config.priors}. "
            f"Cells: macro-F1 [bootstrap 95% CI, {config.bootstrap} resamples of articles then sentences]. "
            f"Baselines: {', '.join(m for m in config.models if m in BASELINES)}.")


def overview(result):
    """Title, description, design sentence and main table (Markdown)."""
    return "\n".join([f"# Experiment `{result.config.name}`", "", result.config.description, "",
                      design_sentence(result), "", MAIN_TABLE, "", markdown_table(main_table(result))])


def summary(result, figure_paths=()):
    """The run's ``summary.md``: the main table, the main model per label, article level, per corpus
    (leave-one-corpus-out), the analyses and links to ``figure_paths`` (relative to ``figures/``)."""
    main, metrics = result.main_model, result.metrics
    main_labels = result.per_label[main]
    lines = [overview(result), "",
             f"## Per label, `{main}`", "",
             markdown_table(main_labels[["task", "label", "precision", "recall", "f1", "f1_low", "f1_high", "support",
                                         "predicted"]].round(3)), "",
             f"## Article level, `{main}` (aggregates of the predicted sentence labels against the gold aggregates)", "",
             markdown_table(pd.DataFrame([metrics["article_level"]]).round(3)), ""]
    if result.corpora is not None:
        lines += [f"## Per corpus, `{main}` (held out in turn; macro-F1 [95% CI]; `mean` weighs every corpus once)", "",
                  markdown_table(corpus_rows(result.corpora[result.corpora["model"] == main])), "",
                  "## Mean over held-out corpora, every model", "", markdown_table(corpus_means(result.corpora)), ""]
    if result.corpora_targeted is not None:
        targeted = result.corpora_targeted
        lines += [f"## Per corpus, targeted samples, `{main}` (enriched for rare classes: per-label evidence, not a "
                  "corpus estimate)", "", markdown_table(corpus_rows(targeted[targeted["model"] == main])), "",
                  "## Mean over held-out corpora, targeted samples, every model", "",
                  markdown_table(corpus_means(targeted)), ""]
    if result.learning_curve is not None:
        table = result.learning_curve.groupby(["fraction", "train_sentences"])[list(HEADLINE)].mean().reset_index().round(3)
        lines += [f"## Learning curve, `{main}` (mean over repeats)", "", markdown_table(table), ""]
    if result.ablation is not None:
        lines += [f"## Ablation, `{main}`", "", markdown_table(result.ablation[["variant", *HEADLINE]].round(3)), ""]
    lines += ["## Figures", ""] + [f"![{Path(p).stem}](figures/{Path(p).name})" for p in figure_paths] + [""]
    return "\n".join(lines)


def corpus_rows(table):
    """A per-corpus table for reading: each score with its interval in one cell."""
    def cell(row, metric):
        low, high = row.get(f"{metric}_low"), row.get(f"{metric}_high")
        if pd.isna(row[metric]):
            return "n/a"
        return f"{row[metric]:.3f}" + ("" if pd.isna(low) else f" [{low:.2f}, {high:.2f}]")

    rows = [{"corpus": r["group"], "sentences": int(r["sentences"]), **{m.replace("_macro_f1", ""): cell(r, m) for m in HEADLINE},
             "critical F1": cell(r, "critical_f1"),
             "critical support / predicted": "" if pd.isna(r.get("critical_support")) else f"{int(r['critical_support'])} / {int(r['critical_predicted'])}"}
            for r in table.to_dict(orient="records")]
    return pd.DataFrame(rows)


def corpus_means(table):
    """Per model, the headline scores and critical F1 averaged over the held-out corpora (row ``mean``)."""
    return table[table["group"] == "mean"].set_index("model")[[*HEADLINE, "critical_f1"]].round(3).reset_index()


def render_figures(result, folder):
    """Draw the figures of ``result`` into ``folder`` (PNG); return their paths.

    Confusion matrices, per-label F1, learning curve and ablation (when run), topic shares and
    labels per article, and scores by month and by outlet (from ``result.article_meta``; ``unknown``
    without it). Titles name the main model and ``result.design``.
    """
    from ..report import figures

    folder = Path(folder)
    main, design = result.main_model, result.design
    main_predictions = result.predictions[main]
    meta = result.article_meta.set_index("article_id") if result.article_meta is not None else pd.DataFrame(
        columns=["date", "source"])
    months = main_predictions["article_id"].map(meta["date"]).fillna("").astype(str).str[:7].replace("", "unknown")
    outlets = main_predictions["article_id"].map(meta["source"]).fillna("").replace("", "unknown")
    with_meta = main_predictions.assign(month=months, outlet=outlets)
    paths = [figures.confusion(main_predictions, task, folder / f"confusion_{task}.png", main, design)
             for task in SCHEME.tasks]
    paths.append(figures.per_label_f1(result.per_label, folder / "per_label_f1.png", design))
    if result.learning_curve is not None:
        paths.append(figures.learning_curve(result.learning_curve, folder / "learning_curve.png", main, design))
    if result.ablation is not None:
        paths.append(figures.ablation(result.ablation, folder / "ablation.png", main, design))
    paths.append(figures.topic_share_heatmap(result.articles, folder / "topic_share_per_article.png"))
    paths.append(figures.label_distribution(main_predictions, folder / "tone_stance_per_article.png"))
    paths.append(figures.scores_by_group(with_meta, "month", folder / "scores_by_month.png",
                                         f"Tone and stance by month ({main}, {design})"))
    paths.append(figures.scores_by_group(with_meta, "outlet", folder / "scores_by_outlet.png",
                                         f"Tone and stance by outlet ({main}, {design})"))
    return paths


def readme_block(result, run, relative):
    """The README results block of a run (``result``, e.g. :func:`~stance.experiments.registry.load_run` of
    the folder ``run``), its links relative to the README's folder via ``relative`` (the run folder's path
    from there)."""
    return "\n".join([RESULTS_START,
                      f"From run [`{Path(run).name}`]({relative}/summary.md) (`stance experiment run` of its `config.toml`):", "",
                      markdown_table(main_table(result)), "",
                      f"![per-label F1]({relative}/figures/per_label_f1.png)", "",
                      f"![learning curve]({relative}/figures/learning_curve.png)", RESULTS_END])


def readme_results(result, run, readme):
    """Replace the README block between the results markers with the main table of ``result`` (the run in
    the folder ``run``) and two of its figures; return the README's path."""
    run, readme = Path(run), Path(readme)
    text = readme.read_text(encoding="utf-8")
    if RESULTS_START not in text or RESULTS_END not in text:
        raise StanceInputError(readme, f"no {RESULTS_START} ... {RESULTS_END} block to fill")
    block = readme_block(result, run, os.path.relpath(run, readme.parent))
    head, rest = text.split(RESULTS_START, 1)
    return write_text(head + block + rest.split(RESULTS_END, 1)[1], readme)

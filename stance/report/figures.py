"""Figures of an experiment run, each written to a PNG by one function.

Every function takes tables (as :mod:`stance.evaluate` and :mod:`stance.evaluate.analyses`
return them) and a path, draws one figure with a title, axis labels and a legend
where there is more than one series, writes it atomically and returns the path.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..io import atomic_path  # noqa: E402
from ..labels import SCHEME, TOPIC_CLASSES, TOPICS, gold_scores, topic_matrix  # noqa: E402

plt.rcParams.update({"font.size": 11, "axes.titlesize": 13, "figure.dpi": 110, "savefig.bbox": "tight"})
TASK_TITLES = {f"{task}_macro_f1": task for task in SCHEME.tasks}
# Classes in polarity order (stance.labels.Task.classes): lowest red, middle grey, highest blue.
POLARITY_COLORS = ("#d7301f", "#bdbdbd", "#2b8cbe")


def _save(fig, path):
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
    return path


def _matrix(ax, counts, rows, columns, title, xlabel="predicted", ylabel="gold", vmax=None):
    ax.imshow(counts, cmap="Blues", vmin=0, vmax=vmax)
    ax.set_xticks(range(len(columns)), columns, rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    high = vmax if vmax is not None else (counts.max() if counts.size else 0)
    for (i, j), value in np.ndenumerate(counts):
        ax.text(j, i, f"{value:g}" if isinstance(value, (int, np.integer)) or float(value).is_integer() else f"{value:.2f}",
                ha="center", va="center", color="white" if value > high / 2 else "black")


def confusion(predictions, task, path, model="", design=None):
    """Confusion matrix of one task (topics: one 2x2 matrix per topic); ``design`` (the run's evaluation
    design in words, e.g. ``grouped 10-fold by article``) goes into the title."""
    if task == "topics":
        gold, pred = topic_matrix(predictions["topics"]), topic_matrix(predictions["pred_topics"])
        fig, axes = plt.subplots(1, len(TOPICS), figsize=(4.2 * len(TOPICS), 4))
        for i, (ax, topic) in enumerate(zip(axes, TOPICS)):
            counts = np.array([[np.sum((gold[:, i] == g) & (pred[:, i] == p)) for p in (0, 1)] for g in (0, 1)])
            _matrix(ax, counts, TOPIC_CLASSES, TOPIC_CLASSES, topic.replace("_", " "))
    else:
        labels = SCHEME.task(task).classes
        counts = np.array([[np.sum((predictions[task] == g) & (predictions[f"pred_{task}"] == p)) for p in labels] for g in labels])
        fig, ax = plt.subplots(figsize=(5, 4.5))
        _matrix(ax, counts, labels, labels, task)
    fig.suptitle(f"Confusion matrix, {task} ({model}; sentences{', ' + design if design else ''})", y=1.02)
    return _save(fig, path)


def per_label_f1(tables, path, design=None):
    """Per-label F1 with bootstrap 95% intervals, one bar per model; ``tables`` is ``{model: per_label_table}``,
    ``design`` the run's evaluation design in words (in the title)."""
    tasks = SCHEME.tasks
    fig, axes = plt.subplots(1, len(tasks), figsize=(17 * len(tasks) / 3, 5), sharey=True)
    width = 0.8 / max(1, len(tables))
    colors = plt.get_cmap("tab10")
    for ax, task in zip(axes, tasks):
        for k, (model, table) in enumerate(tables.items()):
            rows = table[table["task"] == task]
            x = np.arange(len(rows)) + (k - (len(tables) - 1) / 2) * width
            errors = np.vstack([rows["f1"] - rows["f1_low"], rows["f1_high"] - rows["f1"]]).clip(min=0)
            ax.bar(x, rows["f1"], width, yerr=np.nan_to_num(errors), capsize=2, color=colors(k % 10), label=model)
        labels = table[table["task"] == task]
        ax.set_xticks(range(len(labels)), [f"{lab}\n(n={n})" for lab, n in zip(labels["label"].str.replace("_", "\n"), labels["support"])])
        ax.set_title(task)
        ax.set_ylim(0, 1.05)
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("F1 (bootstrap 95% CI)")
    axes[-1].legend(title="model", bbox_to_anchor=(1.02, 1), loc="upper left")
    fig.suptitle("Per-label F1 by model" + (f" ({design})" if design else ""))
    return _save(fig, path)


def learning_curve(curve, path, model="", design=None):
    """Macro-F1 per task against gold training sentences: mean over repeats, with min-max band; ``design``
    (the run's evaluation design in words) goes into the title."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for metric, task in TASK_TITLES.items():
        stats = curve.groupby("train_sentences")[metric].agg(["mean", "min", "max"]).reset_index()
        ax.plot(stats["train_sentences"], stats["mean"], marker="o", label=task)
        ax.fill_between(stats["train_sentences"], stats["min"], stats["max"], alpha=0.15)
    ax.set_xlabel("gold training sentences per fold")
    ax.set_ylabel("macro-F1")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(title="task")
    ax.set_title(f"Learning curve ({model}{'; ' + design if design else ''})")
    return _save(fig, path)


def ablation(table, path, model="", design=None):
    """Macro-F1 per task for each feature-family ablation (``design``, when given, goes into the title)."""
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(table) + 1.5))
    y = np.arange(len(table))
    height = 0.8 / len(TASK_TITLES)
    for k, (metric, task) in enumerate(TASK_TITLES.items()):
        ax.barh(y + (k - 1) * height, table[metric], height, label=task)
    ax.set_yticks(y, table["variant"])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("macro-F1")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(title="task", bbox_to_anchor=(1.02, 1), loc="upper left")
    ax.set_title(f"Feature-family ablation ({model}{'; ' + design if design else ''})")
    return _save(fig, path)


def topic_share_heatmap(articles, path):
    """Share of each article's sentences per topic: gold and predicted side by side."""
    names = [a[:10] for a in articles["article_id"]]
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.45 * len(articles) + 2.5))
    for ax, suffix, title in ((axes[0], "", "gold"), (axes[1], "_pred", "predicted")):
        shares = articles[[f"share_{t}{suffix}" for t in TOPICS]].to_numpy(dtype=float)
        _matrix(ax, shares, names, [t.replace("_", " ") for t in TOPICS], title, xlabel="topic", ylabel="article", vmax=1)
    fig.suptitle("Topic share per article (share of its sentences)")
    return _save(fig, path)


def label_distribution(predictions, path):
    """Share of tone and stance labels per article (predicted), as stacked bars."""
    fig, axes = plt.subplots(1, len(SCHEME.single), figsize=(6 * len(SCHEME.single), 0.45 * predictions["article_id"].nunique() + 2.5),
                             sharey=True)
    for ax, task in zip(axes, SCHEME.single):
        shares = predictions.groupby("article_id")[f"pred_{task.name}"].value_counts(normalize=True).unstack(fill_value=0)
        shares = shares.reindex(columns=task.classes, fill_value=0)
        left = np.zeros(len(shares))
        for label, color in zip(task.classes, POLARITY_COLORS):
            ax.barh([a[:10] for a in shares.index], shares[label], left=left, color=color, label=label)
            left += shares[label].to_numpy()
        ax.set_xlabel("share of sentences")
        ax.set_title(task.name)
        ax.legend(bbox_to_anchor=(0.5, -0.18), loc="upper center", ncol=3)
    axes[0].set_ylabel("article")
    fig.suptitle("Predicted tone and stance per article")
    return _save(fig, path)


def scores_by_group(predictions, group, path, title):
    """Mean predicted and gold tone and stance scores per ``group`` (a column: month or outlet)."""
    scored = gold_scores(predictions)
    frame = scored.assign(gold_tone=scored["tone_score"], gold_stance=scored["stance_score"])
    means = frame.groupby(group)[["pred_tone_score", "gold_tone", "pred_stance_score", "gold_stance"]].mean()
    counts = frame.groupby(group).size()
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(means) + 3), 4.5))
    x = np.arange(len(means))
    ax.bar(x - 0.2, means["pred_tone_score"], 0.4, label="tone score (predicted)", color="#2b8cbe")
    ax.bar(x + 0.2, means["pred_stance_score"], 0.4, label="stance score (predicted)", color="#fdae61")
    ax.scatter(x - 0.2, means["gold_tone"], marker="D", color="black", zorder=3, label="gold mean")
    ax.scatter(x + 0.2, means["gold_stance"], marker="D", color="black", zorder=3)
    ax.set_xticks(x, [f"{g}\n(n={counts[g]})" for g in means.index], rotation=0)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_ylim(-1, 1)
    ax.set_ylabel("mean score (-1 to 1)")
    ax.set_xlabel(group)
    ax.legend(bbox_to_anchor=(1.02, 1), loc="upper left")
    ax.set_title(title)
    return _save(fig, path)


def quantification_validation(samples, path, validation, confidence=0.95):
    """Estimates against the true share, and interval coverage, per method and shifted class.

    ``samples`` is :func:`stance.experiments.quantification.simulate`'s table; one column per shifted class,
    top: the mean estimate (lines) and the mean raw share (classify and count, grey) against the
    target prevalence; bottom: the share of intervals that cover the true share.
    """
    rows = samples[(samples["validation"] == validation) & samples["shifted"]]
    panels = list(dict.fromkeys(zip(rows["task"], rows["class"])))
    fig, axes = plt.subplots(2, len(panels), figsize=(3.6 * len(panels) + 1.5, 7.5), squeeze=False, sharey="row",
                             gridspec_kw={"hspace": 0.45})
    colors = plt.get_cmap("tab10")
    methods = list(dict.fromkeys(rows["method"]))
    for j, (task, label) in enumerate(panels):
        part = rows[(rows["task"] == task) & (rows["class"] == label)]
        top, bottom = axes[0, j], axes[1, j]
        for k, method in enumerate(methods):
            stats = part[part["method"] == method].groupby("target_prevalence").agg(
                estimate=("estimate", "mean"), true=("true", "mean"), covered=("covered", "mean"))
            top.plot(stats["true"], stats["estimate"], marker="o", ms=3, color=colors(k % 10), label=method)
            bottom.plot(stats.index, stats["covered"], marker="o", ms=3, color=colors(k % 10), label=method)
        high = max(part["true"].max(), part["estimate"].max()) * 1.05 + 0.01
        top.plot([0, high], [0, high], color="grey", ls="--", lw=0.8, label="true share")
        top.set_title(task.replace("_", " ") if label == "present" else f"{task}: {label}")
        top.set_xlabel("true share")
        bottom.axhline(confidence, color="grey", lw=0.8)
        bottom.axhline(0.9, color="grey", lw=0.8, ls=":")
        bottom.set_xlabel("target share")
        bottom.set_ylim(-0.02, 1.02)
        for ax in (top, bottom):
            ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("mean estimate")
    axes[1, 0].set_ylabel(f"coverage of {confidence:.0%} intervals")
    axes[0, -1].legend(title="method", bbox_to_anchor=(1.02, 1), loc="upper left")
    fig.suptitle(f"Quantification on gold samples with shifted prevalence ({validation})")
    return _save(fig, path)


def prevalence_over_time(table, path, series, group="source", period="quarter", facet=None, title=None):
    """Corrected prevalence over time per group, with interval bands and the raw share drawn faintly.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`stance.measure` output grouped by ``group`` and ``period``. Corrected estimates are drawn
        for rows of status ``ok``; raw shares also where the gold was too little to correct them.
    series : list of (task, class)
        One column of panels each, e.g. ``[("topics", "military_aid"), ("stance", "critical")]``.
    facet : str, optional
        A column (e.g. ``corpus``) with one row of panels per value; one row without it.
    """
    shown = table["status"].eq("ok") | table["status"].str.startswith("too little gold")
    rows = table[shown]
    periods = sorted(set(rows[period].astype(str)))
    position = {p: i for i, p in enumerate(periods)}
    facets = list(dict.fromkeys(rows[facet])) if facet else [None]
    height = 2.4 * len(facets) + 1
    fig, axes = plt.subplots(len(facets), len(series), figsize=(max(5, 0.3 * len(periods) + 2.5) * len(series), height),
                             sharex=True, squeeze=False)
    fig.subplots_adjust(top=1 - 0.55 / height, hspace=0.25)
    colors = plt.get_cmap("tab10")
    for i, name in enumerate(facets):
        part = rows if facet is None else rows[rows[facet] == name]
        for j, (task, label) in enumerate(series):
            ax = axes[i, j]
            cells = part[(part["task"] == task) & (part["class"] == label)]
            for k, value in enumerate(sorted(set(part[group]))):
                line = cells[cells[group] == value].sort_values(period)
                if line.empty:
                    continue
                color = colors(k % 10)
                x = [position[str(p)] for p in line[period]]
                ax.plot(x, line["raw_share"], ls=":", marker=".", ms=3, color=color, alpha=0.45)
                ok = line[line["status"] == "ok"]
                if len(ok):
                    x = [position[str(p)] for p in ok[period]]
                    ax.fill_between(x, ok["ci_low"], ok["ci_high"], color=color, alpha=0.18, lw=0)
                    ax.plot(x, ok["prevalence"], marker="o", ms=3, color=color, label=value)
                else:
                    ax.plot([], [], marker="o", ms=3, color=color, label=value)
            if len(cells) and not cells["status"].eq("ok").any():
                ax.text(0.02, 0.95, "no corrected estimate: too little gold", transform=ax.transAxes, fontsize=7,
                        va="top", color="grey")
            ax.set_ylim(bottom=0)
            ax.grid(alpha=0.3)
            if i == 0:
                ax.set_title(f"share: {label.replace('_', ' ')}" if task == "topics" else f"{task}: {label}")
            if j == 0 and facet:
                ax.set_ylabel(str(name), fontsize=8)
            if j == len(series) - 1 and part[group].nunique() > 1:
                ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    for ax in axes[-1]:
        ax.set_xticks(range(len(periods)), periods, rotation=60, ha="right", fontsize=8)
        ax.set_xlabel(period)
    handles = [plt.Line2D([], [], color="black", marker="o", ms=3), plt.Line2D([], [], color="black", ls=":", alpha=0.45),
               plt.Rectangle((0, 0), 1, 1, color="black", alpha=0.18)]
    fig.legend(handles, ["corrected estimate", "raw share (classify and count)", "95% interval (group and gold)"],
               loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=9)
    fig.suptitle(title or "Prevalence over time, corrected for classifier error", y=1.0 + 0.3 / height)
    return _save(fig, path)

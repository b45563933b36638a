"""Measuring, not just labelling: corrected prevalence by group with intervals (``stance.measure``).

For every group of a corpus (by outlet, speaker, party, period, ...) and every task, the share
of each class: a topic's share of sentences, and the three-class distributions of tone and
stance. Counting the classifier's labels (``raw_share``) is biased where the classifier errs,
so the estimate corrects it with the classifier's error rates measured on gold sentences it was
not trained on (:mod:`stance.quantify.gold_predictions`), by a quantification method
(:mod:`stance.quantify.quantifiers`). The 95% interval is a bootstrap over both the group's articles
(sampling variation) and the gold's articles (uncertainty of the error rates).

Which gold: the out-of-fold predictions of the design that matches the use
(``k-fold`` when the model was trained on the corpus's own gold, ``leave-one-corpus-out``
otherwise, and always for a corpus without gold), restricted to the corpus's own gold when
it holds at least ``min_gold`` sentences of every class of the task, else pooled over every
gold set of that design. Each output row records the design, the gold sets and how many
gold sentences were used; a task whose gold still holds fewer than ``min_gold`` sentences of
a class is reported without a corrected estimate.
"""

import zlib
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from ..errors import StanceInputError
from .gold_predictions import DESIGNS, KFOLD, LOCO
from .groups import article_groups, date_period_names, date_report, parse_by
from ..labels import TOPICS
from ..models.persistence import model_metadata
from .predictions import TASK_CLASSES, TASKS, article_mean_scores, from_labels, task_labels, task_scores
from .quantifiers import DEFAULT_METHOD, METHODS, Sample, bootstrap_prevalence, fit_replicates, percentile_interval

LEVELS = ("sentence", "article")
ENGINES = ("local", "dask")
MIN_SIZE = 30
MIN_GOLD = 10
N_BOOT = 1000
OK = "ok"
TOO_SMALL = "below min_size"
TOO_LITTLE_GOLD = "too little gold"
GOLD_CHOICES = ("auto", "own", "pooled")
RESAMPLING = ("articles", "corpora")
GOLD_SAMPLES = ("all", "random")
AT_BOUNDARY = "the correction removed the whole raw share in every replicate (error rates may not carry over)"


def output_task(task):
    """The task name of the output: ``topics`` for each topic, else the task."""
    return "topics" if task in TOPICS else task


def output_classes(task):
    """The (class index, class name) pairs reported for ``task``: a topic's presence, or every class."""
    if task in TOPICS:
        return [(1, task)]
    return list(enumerate(TASK_CLASSES[task]))


def weighted_share(weights, decisions):
    """The share of each class among a group's decided labels (rows one-hot, or a topic's 0/1), each
    row counted by its weight: the uncorrected ("raw") prevalence beside the corrected one."""
    return weights @ decisions / weights.sum()


def _seed(random_state, *keys):
    """A generator seeded by ``random_state`` and the keys (stable across runs and group orders); with
    ``random_state=None``, fresh entropy from the operating system (not reproducible)."""
    words = [zlib.crc32(str(k).encode("utf-8")) for k in keys]
    base = np.random.SeedSequence().entropy if random_state is None else int(random_state)
    return np.random.default_rng(np.random.SeedSequence([base, *words]))


class PrevalenceEstimator(BaseEstimator):
    """Corrected prevalence of one task's classes in groups, with bootstrap intervals.

    Parameters
    ----------
    task : str
        One of :data:`stance.quantify.predictions.TASKS` (a topic, ``tone`` or ``stance``).
    method : str
        A quantification method (:data:`stance.quantify.quantifiers.METHODS`).
    n_boot : int
        Bootstrap replicates: each resamples the gold's articles and the group's articles.
    confidence : float
        Level of the percentile intervals.
    random_state : int or None
        Seeds the gold resamples and, with the group's name, each group's resamples (None: fresh
        entropy, not reproducible).
    resampling : {"articles", "corpora"}
        How replicates resample the gold: its articles, or its gold sets (corpora) and then the
        articles of each (when the measured corpus has no gold of its own, the error rates it
        meets are those of another corpus: the spread between corpora is part of their uncertainty).

    ``fit`` takes gold predictions with labels (:func:`stance.quantify.gold_predictions.load_gold_predictions`);
    ``estimate`` takes a group's predictions and returns the estimate, interval and raw share.
    """

    def __init__(self, task, method=DEFAULT_METHOD, n_boot=N_BOOT, confidence=0.95, random_state=0,
                 resampling="articles"):
        self.task = task
        self.resampling = resampling
        self.method = method
        self.n_boot = n_boot
        self.confidence = confidence
        self.random_state = random_state

    def fit(self, gold):
        """Fit the method on ``gold`` (rows with ``article_id``, the prediction columns and the gold
        labels) and on ``n_boot`` resamples of its articles; return self."""
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; choose from {', '.join(METHODS)}")
        soft = METHODS[self.method].soft
        if self.resampling not in RESAMPLING:
            raise ValueError(f"resampling must be one of {', '.join(RESAMPLING)}, not {self.resampling!r}")
        sample = Sample(task_scores(gold, self.task, soft), gold["article_id"].to_numpy(), labels=task_labels(gold, self.task),
                        strata=gold["gold_set"].to_numpy() if "gold_set" in gold else None)
        counts = sample.bootstrap_counts(self.n_boot, _seed(self.random_state, "gold", self.task),
                                         nested=self.resampling == "corpora")
        self.quantifiers_ = fit_replicates(self.method, sample, counts)
        return self

    def estimate(self, scores, decisions, clusters, weights=None, key=""):
        """The task's prevalence in one group.

        Parameters
        ----------
        scores : array (n, k)
            The group's scores of the method's kind (:func:`stance.quantify.predictions.task_scores`).
        decisions : array (n, k)
            The one-hot decisions (for the raw share).
        clusters : array (n,)
            The article of each row; replicates resample articles.
        weights : array (n,), optional
            A weight per row. A row may stand for a whole article (its mean scores, weighted by its
            sentences, or 1 at article level): the linear methods give the numbers of its sentences.
        key : str
            The group's name, which seeds its resamples.

        Returns
        -------
        dict
            ``estimate, low, high, raw`` (arrays over the task's classes).
        """
        group = Sample(scores, clusters, weights=weights)
        estimate, replicates = bootstrap_prevalence(self.method, None, group, n_boot=self.n_boot,
                                                    random_state=_seed(self.random_state, "group", self.task, key),
                                                    fitted=self.quantifiers_)
        low, high = percentile_interval(replicates, self.confidence)
        raw = weighted_share(group.weights, decisions)
        return {"estimate": estimate, "low": low, "high": high, "raw": raw}


def choose_gold(gold, task, corpus=None, trained_on=(), design="auto", choice="auto", min_gold=MIN_GOLD, sample="random"):
    """The gold rows that measure the error rates for ``task`` on ``corpus``.

    Parameters
    ----------
    gold : pandas.DataFrame
        Gold predictions with labels, both designs (:func:`stance.quantify.gold_predictions.load_gold_predictions`).
    corpus : str, optional
        The measured corpus's name (its gold set, when it has one).
    trained_on : sequence of str
        The gold sets the model was trained on.
    design : {"auto", "k-fold", "leave-one-corpus-out"}
        ``auto``: ``k-fold`` when the model was trained on the corpus's gold, else leave-one-corpus-out.
    choice : {"auto", "own", "pooled"}
        ``own``: the corpus's gold only; ``pooled``: every gold set of the design (in leave-one-corpus-out,
        for a corpus the model was not trained on, every set the model was not trained on either, when
        there is one: those the model itself predicted); ``auto``: own when it holds ``min_gold``
        sentences of every class, else pooled.
    min_gold : int
    sample : {"random", "all"}
        ``random`` (the default): only the gold sentences drawn at random (and census gold), which
        represent their corpus within each class; ``all`` adds the targeted samples, selected by cues:
        more sentences of the rare classes, but not typical of them (their negatives are hard cases,
        which makes the false-positive rates too high for a corpus and the correction remove too much).

    Returns
    -------
    rows : pandas.DataFrame or None
        None when even the chosen gold holds fewer than ``min_gold`` sentences of a class.
    record : dict
        ``design``, ``gold_sets``, ``gold_sentences``, ``resampling`` (``corpora`` for leave-one-corpus-out
        gold pooled over several sets, else ``articles``) and, without rows, ``status``.
    """
    if design == "auto":
        design = KFOLD if corpus in trained_on else LOCO
    if design not in DESIGNS:
        raise ValueError(f"unknown design {design!r}; choose from auto, {', '.join(DESIGNS)}")
    if choice not in GOLD_CHOICES:
        raise ValueError(f"unknown gold choice {choice!r}; choose from {', '.join(GOLD_CHOICES)}")
    if sample not in GOLD_SAMPLES:
        raise ValueError(f"unknown gold sample {sample!r}; choose from {', '.join(GOLD_SAMPLES)}")
    rows = gold[gold["design"] == design]
    if sample == "random":
        rows = rows[rows["sample"].isin(["random", "census"])]
    if design == LOCO and (~rows["gold_set"].isin(trained_on)).any() and corpus not in trained_on:
        # Sets the model never saw are predicted by the model itself; a set it was trained on only by a
        # model trained without it (smaller). For a corpus the model never saw, the first are the match.
        rows = rows[~rows["gold_set"].isin(trained_on)]
    classes = TASK_CLASSES[task]

    def shortfall(part):
        counts = np.bincount(task_labels(part, task), minlength=len(classes)) if len(part) else np.zeros(len(classes), int)
        return [f"{c}: {n} < {min_gold}" for c, n in zip(classes, counts) if n < min_gold]

    own = rows[rows["gold_set"] == corpus] if corpus is not None else rows.iloc[0:0]
    if choice == "own" and own.empty:
        raise StanceInputError(corpus or "corpus", f"has no gold of its own in the {design} design; use gold='pooled'")
    chosen = own if choice == "own" or (choice == "auto" and len(own) and not shortfall(own)) else rows
    sets = list(dict.fromkeys(chosen["gold_set"]))
    # A corpus measured with other corpora's error rates: their spread between corpora is uncertainty too.
    resampling = "corpora" if design == LOCO and len(sets) > 1 else "articles"
    record = {"design": design, "gold_sets": ";".join(sets), "gold_sentences": len(chosen), "gold_sample": sample,
              "resampling": resampling}
    missing = shortfall(chosen)
    if missing:
        return None, {**record, "status": f"{TOO_LITTLE_GOLD} ({', '.join(missing)})"}
    return chosen, record


def _group_scores(part, task, soft):
    """The probabilities (``soft``) or one-hot decisions (n, k) of a group's rows (sentences or article sums)."""
    if "n_sentences" in part:
        return article_mean_scores(part, task, soft)
    return task_scores(part, task, soft)


def _labelled(labels, corpus, by, engine, scheduler, summed, source):
    """The prediction rows, article table and ``by`` of labels written by ``stance label``.

    With a corpus, its articles give the groups, and every labelled article must be one of them.
    Without, the labels must carry the ``by`` columns themselves (a dataset of
    ``stance label --partition-on source,year``), and the article table is read from them.
    The rows are sentences, or (dask engine and a linear method) per-article score sums.
    """
    from ..ingest.corpus import load_corpus
    from .predictions import label_article_columns, read_labels

    name = "labels" if not isinstance(labels, (str, Path)) else str(labels)
    is_pandas = isinstance(labels, pd.DataFrame)
    if engine == "dask":
        from ..distributed import labelled_predictions, read_labels_dask

        if is_pandas:
            raise StanceInputError(name, "the dask engine takes a path or a dask DataFrame of labels, not a pandas one")
        frame = read_labels_dask(labels)
    elif is_pandas or isinstance(labels, (str, Path)):
        frame = labels if is_pandas else read_labels(labels)
    else:
        raise StanceInputError(name, "a dask DataFrame of labels needs engine='dask'")
    if corpus is None:
        carried = label_article_columns(frame.columns)
        if not carried:
            raise StanceInputError(name, "the labels carry no article column to group by: give the corpus they label "
                                   "(stance measure CORPUS --labels ...), or label with --partition-on source,year")
        by = parse_by(by, pd.DataFrame(columns=["article_id", *carried]), name)
        keep = [c for c in dict.fromkeys([*by, *(["date"] if "date" in carried else [])]) if c in carried]
    else:
        keep = []
    if engine == "dask":
        rows = labelled_predictions(frame, scheduler=scheduler, summed=summed, keep=keep, source=name)
    else:
        rows = from_labels(frame, name, keep)
    if corpus is None:
        articles = rows.drop_duplicates("article_id")[["article_id", *keep]].reset_index(drop=True)
        return rows, articles, by
    articles = corpus if isinstance(corpus, pd.DataFrame) else load_corpus(corpus)
    by = parse_by(by, articles, source)
    foreign = ~rows["article_id"].isin(articles["article_id"])
    if foreign.any():
        raise StanceInputError(name, f"{rows.loc[foreign, 'article_id'].nunique()} labelled article(s) are not in "
                               f"{source} (e.g. {rows.loc[foreign, 'article_id'].iloc[0]!r}): labels of another corpus?")
    return rows, articles, by


def _corpus_name(corpus):
    """The name of a corpus given by name (a bundled gold set or a corpus of the data home), else None."""
    from ..ingest.corpus import DEFAULT_CORPUS, _looks_like_name

    if corpus is None:
        return DEFAULT_CORPUS
    if isinstance(corpus, str) and _looks_like_name(corpus):
        return corpus
    return None


def measure(corpus=None, by=("source",), level="sentence", method=None, min_size=MIN_SIZE, model=None,
            predictions=None, gold_predictions=None, design="auto", gold="auto", min_gold=MIN_GOLD, gold_sample="random",
            n_boot=N_BOOT, confidence=0.95, random_state=0, progress=None, corpus_name=None, labels=None,
            engine="local", scheduler=None):
    """Prevalence of every topic, tone and stance class per group, corrected for classifier error.

    Parameters
    ----------
    corpus : str, Path or pandas.DataFrame, optional
        What :func:`stance.load_corpus` reads (default: the seeds), or an article table.
    by : str or list of str
        Columns of the article table and periods of its date (``year``, ``quarter``, ``month``);
        a comma-separated string is split.
    level : {"sentence", "article"}
        ``sentence``: shares of sentences. ``article``: every article weighs once (the mean over
        the group's articles of each article's share); counts are articles.
    method : str, optional
        ``cc``, ``pcc``, ``acc``, ``pacc`` or ``sld`` (default: :data:`stance.quantify.quantifiers.DEFAULT_METHOD`).
    min_size : int
        Groups with fewer units (sentences or articles) are reported with their count and no estimate.
    model : str or Path, optional
        A model folder or file (default: the shipped model); its gold predictions must be beside it.
    predictions : pandas.DataFrame or str or Path, optional
        The corpus's sentence predictions (:func:`stance.quantify.predictions.predict_corpus`), or a file to
        reuse them from (written there when absent or made by another model).
    gold_predictions : str or Path, optional
        The model's out-of-fold gold predictions (default: beside the model).
    design, gold, min_gold, gold_sample
        Which gold measures the error rates (:func:`choose_gold`).
    n_boot, confidence, random_state
        The bootstrap; the same arguments give the same numbers.
    progress : callable, optional
        Wraps the labelling chunks (e.g. ``tqdm``).
    corpus_name : str, optional
        The corpus's name when ``corpus`` is a table (to find its own gold).
    labels : str, Path, pandas.DataFrame or dask DataFrame, optional
        The corpus's sentence labels written by ``stance label`` with the same model (a CSV, JSONL
        or Parquet file, a Parquet dataset folder, or a frame), used instead of labelling again.
    engine : {"local", "dask"}
        ``dask`` reduces ``labels`` to one row per article on a Dask cluster (:mod:`stance.distributed`)
        and corrects on the client; the linear methods (cc, pcc, acc, pacc) give the numbers of the
        local engine, ``sld`` brings the sentence probabilities to the client.
    scheduler : str, optional
        The Dask scheduler's address (default: a local cluster).

    Returns
    -------
    pandas.DataFrame
        One row per group, task and class: the ``by`` columns, ``level, task, class, prevalence,
        ci_low, ci_high, raw_share, n`` (sentences or articles), ``sentences, articles, method,
        status, warning, design, gold_sets, gold_sentences, gold_sample, resampling``. ``status`` is ``ok``,
        ``below min_size``, ``too little gold (...)`` or a date problem; only ``ok`` rows have estimates.
        ``warning`` flags an estimate whose every replicate is 0 while the raw share is not.
        ``table.attrs`` holds ``dates`` (articles with a missing or unparseable date).

    Raises
    ------
    StanceInputError
        For an unknown ``by`` column, level or method, or gold predictions of another model.
    """
    from ..ingest.corpus import load_corpus
    from .gold_predictions import gold_predictions_path, load_gold_predictions
    from ..models.persistence import load_classifier
    from .predictions import load_or_predict

    source = "corpus" if isinstance(corpus, pd.DataFrame) else str(corpus or ("labels" if labels is not None else "seeds"))
    method = method or DEFAULT_METHOD
    if method not in METHODS:
        raise StanceInputError(source, f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    if level not in LEVELS:
        raise StanceInputError(source, f"unknown level {level!r}; choose from {', '.join(LEVELS)}")
    if int(min_size) < 1:
        raise StanceInputError(source, f"min_size must be at least 1, not {min_size}")
    if int(n_boot) < 1:
        raise StanceInputError(source, f"the bootstrap needs at least 1 replicate, not {n_boot}")
    if random_state is not None and int(random_state) < 0:
        raise StanceInputError(source, f"the seed must be a whole number >= 0, not {random_state}")
    if engine not in ENGINES:
        raise StanceInputError(source, f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    if engine == "dask" and labels is None:
        raise StanceInputError(source, "the dask engine measures labels written by `stance label`: "
                               "pass them as labels (--labels PATH)")
    classifier = load_classifier(model)
    gold_path = gold_predictions if gold_predictions is not None else gold_predictions_path(model)
    gold_rows, about = load_gold_predictions(gold_path, classifier)

    if labels is not None:
        sentences, articles, by = _labelled(labels, corpus, by, engine, scheduler, METHODS[method].linear, source)
    else:
        articles = corpus if isinstance(corpus, pd.DataFrame) else load_corpus(corpus)
        by = parse_by(by, articles, source)
        if isinstance(predictions, pd.DataFrame):
            sentences = predictions
        else:
            sentences = load_or_predict(articles, classifier, predictions, progress=progress)
    name = corpus_name or (None if isinstance(corpus, pd.DataFrame) or (corpus is None and labels is not None)
                           else _corpus_name(corpus))
    trained_on = about.get("trained_on") or model_metadata(classifier).get("gold_sets") or []

    groups = article_groups(articles, by)
    sentences = sentences.drop(columns=[c for c in by if c in sentences.columns]).merge(groups, on="article_id", how="inner")
    if "n_sentences" in sentences:  # one row per article (score sums): it weighs its sentences, or once
        sentences = sentences.assign(_weight=sentences["n_sentences"].to_numpy(float) if level == "sentence" else 1.0)
    else:
        per_article = sentences.groupby("article_id")["article_id"].transform("size").to_numpy(float)
        sentences = sentences.assign(_weight=1.0 / per_article if level == "article" else 1.0)

    estimators = {}
    for task in TASKS:
        rows, record = choose_gold(gold_rows, task, name, trained_on, design, gold, min_gold, gold_sample)
        fitted = None if rows is None else PrevalenceEstimator(task, method, n_boot, confidence, random_state,
                                                               record["resampling"]).fit(rows)
        estimators[task] = (fitted, record)

    # Every group of the corpus gets its rows, also one whose articles have no labelled sentence (n = 0).
    keys = groups.drop_duplicates(by)[by].sort_values(by).itertuples(index=False, name=None)
    parts = {k if isinstance(k, tuple) else (k,): g for k, g in sentences.groupby(by, sort=True, dropna=False)}
    empty = sentences.iloc[0:0]
    dated = date_period_names(by, articles)
    out = []
    for values in keys:
        part = parts.get(tuple(values), empty)
        key = "\x1f".join(map(str, values))
        n_articles = part["article_id"].nunique()
        n_sentences = int(part["n_sentences"].sum()) if "n_sentences" in part else len(part)
        n = n_sentences if level == "sentence" else n_articles
        base = {**dict(zip(by, values)), "level": level, "n": n, "sentences": n_sentences, "articles": n_articles,
                "method": method}
        problems = [v for b, v in zip(by, values) if b in dated and str(v).startswith("(")]
        if problems:
            group_status = problems[0]
        elif n < min_size:
            group_status = TOO_SMALL
        else:
            group_status = OK
        for task in TASKS:
            fitted, record = estimators[task]
            status = record.get("status", OK) if group_status == OK else group_status
            result, raw = None, None
            weights = part["_weight"].to_numpy()
            if status == OK:
                result = fitted.estimate(_group_scores(part, task, METHODS[method].soft), _group_scores(part, task, False),
                                         part["article_id"].to_numpy(), weights, key)
            elif status.startswith(TOO_LITTLE_GOLD) and len(part):
                raw = weighted_share(weights, _group_scores(part, task, False))
            for index, label in output_classes(task):
                row = {**base, "task": output_task(task), "class": label, "prevalence": np.nan, "ci_low": np.nan,
                       "ci_high": np.nan, "raw_share": np.nan, "status": status, "warning": "",
                       **{k: record[k] for k in ("design", "gold_sets", "gold_sentences", "gold_sample", "resampling")}}
                if result is not None:
                    row.update(prevalence=result["estimate"][index], ci_low=result["low"][index],
                               ci_high=result["high"][index], raw_share=result["raw"][index])
                    if row["raw_share"] > 0 and row["ci_high"] <= 0:
                        row["warning"] = AT_BOUNDARY
                elif raw is not None:
                    row["raw_share"] = float(raw[index])
                out.append(row)
    columns = [*by, "level", "task", "class", "prevalence", "ci_low", "ci_high", "raw_share", "n", "sentences",
               "articles", "method", "status", "warning", "design", "gold_sets", "gold_sentences", "gold_sample", "resampling"]
    table = pd.DataFrame(out, columns=columns)
    table.attrs["dates"] = date_report(articles, [p for p in dated if p != "year"]) if dated else {}
    table.attrs["gold"] = {"model": about.get("model"), "without_prediction": about.get("without_prediction", {})}
    return table


def summary_lines(table):
    """A table to print (estimate and interval in one cell) and the notes that go with it.

    Returns
    -------
    shown : pandas.DataFrame
        The ``by`` columns, ``task, class, estimate`` (``0.123 [0.101, 0.150]``), ``raw, n, status``.
    notes : list of str
        Which gold and design measured each task's error rates, the groups left without an estimate,
        and the articles whose date is missing or cannot be parsed.
    """
    by = list(table.columns[:table.columns.get_loc("level")])

    def cell(row):
        if pd.isna(row["prevalence"]):
            return ""
        return f"{row['prevalence']:.3f} [{row['ci_low']:.3f}, {row['ci_high']:.3f}]" + ("*" if row.get("warning") else "")

    shown = table[by + ["task", "class"]].copy()
    shown["estimate"] = [cell(r) for r in table.to_dict(orient="records")]
    shown["raw"] = table["raw_share"].map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
    shown["n"] = table["n"]
    shown["status"] = table["status"]
    notes = []
    if len(table):
        level, method = table["level"].iloc[0], table["method"].iloc[0]
        notes.append(f"method: {method}; level: {level} (n counts {'sentences' if level == 'sentence' else 'articles'})")
        keys = table["class"].where(table["task"] == "topics", table["task"])
        for key, part in table.groupby(keys, sort=False):
            row = part.iloc[0]
            notes.append(f"error rates of {key}: {row['design']} predictions of {row['gold_sentences']} "
                         f"gold sentences ({row['gold_sets'].replace(';', ', ')}; bootstrap over {row['resampling']})")
    flagged = table[table["warning"] != ""] if "warning" in table else table.iloc[0:0]
    if len(flagged):
        notes.append(f"{len(flagged)} estimate(s) at 0 in every replicate while the raw share is not (marked *): "
                     "the correction removed the whole raw share; the gold's error rates may not carry over to this corpus")
    groups = table.drop_duplicates(by)
    small = groups[groups["status"] == TOO_SMALL]
    if len(small):
        notes.append(f"{len(small)} group(s) below min_size, reported with their count and no estimate: "
                     + ", ".join(f"{'/'.join(map(str, r[by]))} (n={r['n']})" for _, r in small.head(8).iterrows())
                     + (" ..." if len(small) > 8 else ""))
    for group, info in table.attrs.get("dates", {}).items():
        notes.append(f"{info['articles']} article(s) under {group} (e.g. {info['example']!r}), without an estimate")
    missing = table.attrs.get("gold", {}).get("without_prediction") or {}
    if missing:
        notes.append("gold sentences without a stored out-of-fold prediction (not used; rebuild with make gold-predictions): "
                     + ", ".join(f"{s} {n}" for s, n in missing.items()))
    return shown, notes

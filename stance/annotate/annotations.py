"""Annotations: reading passes, agreement, adjudicated gold, alignment and statistics.

An annotation set is a folder with ``pass_a.csv`` and ``pass_b.csv`` (columns
``sentence_id, topics, tone, stance``, optional ``note``) from two independent
annotators, and ``adjudication.csv`` (``sentence_id, topics, tone, stance,
reason``) that resolves every sentence on which the passes disagree.
:func:`build_gold` turns a set into the gold table, :func:`agreement_report`
measures the passes' reliability, :func:`load_annotations` reads a gold table
back and checks it against the current sentence split.
"""

from importlib import resources
from pathlib import Path

import pandas as pd

from ..ingest.corpus import load_corpus, read_csv_frame
from ..errors import StanceInputError
from ..labels import SCHEME, LabelError
from ..metrics import cohen_kappa
from ..ingest.segment import split_sentences
from ..report.tables import markdown_table

LABEL_COLUMNS = ["sentence_id", "topics", "tone", "stance"]
GOLD_COLUMNS = [
    "article_id", "sentence_id", "start", "end", "text", "topics", "tone", "stance",
    "topics_a", "tone_a", "stance_a", "topics_b", "tone_b", "stance_b", "adjudication",
]
PASSES = ("a", "b")
DIMENSIONS = SCHEME.tasks


# Gold of third-party corpora: one file per corpus, named after it, holding spans and a hash, no text.
GOLD_FOLDER = "gold"


def bundled_annotations():
    """Return ``{name: (gold file, corpus name)}`` for the gold sets that ship with the package.

    The seed gold (with its text) comes first, then every ``data/gold/<corpus>.csv``
    (third-party corpora: spans and a SHA-256 of each sentence, the text joined from
    the corpus in the data home when loaded).
    """
    root = resources.files("stance") / "data"
    sets = {"seeds": (Path(str(root / "seed_gold.csv")), "seeds")}
    folder = Path(str(root / GOLD_FOLDER))
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        sets[path.stem] = (path, path.stem)
    return sets


def without_text(gold):
    """Return the gold table as stored for a third-party corpus: ``text`` replaced by ``text_sha256``."""
    from .sampling import text_hash

    stored = gold.copy()
    stored.insert(stored.columns.get_loc("text"), "text_sha256", stored["text"].map(text_hash))
    return stored.drop(columns="text")


def read_table(path, required):
    """Read a CSV of labels; every column as text. Raise StanceInputError naming the file."""
    frame = read_csv_frame(path)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise StanceInputError(path, f"missing column(s) {', '.join(missing)}")
    if frame["sentence_id"].duplicated().any():
        raise StanceInputError(path, f"duplicate sentence_id {frame['sentence_id'][frame['sentence_id'].duplicated()].iloc[0]!r}")
    return frame


def validate_labels(frame, path, suffix="", scheme=SCHEME):
    """Parse ``topics`` into lists and check the labels of the other tasks of ``scheme`` (tone, stance).

    Returns a copy of ``frame`` with ``topics`` as lists; a label outside the scheme raises a
    StanceInputError naming the file, line and sentence."""
    frame = frame.copy()
    topics = []
    for line, row in enumerate(frame.to_dict(orient="records"), start=2):
        try:
            topics.append(scheme.parse_topics(row["topics" + suffix]))
            for task in scheme.single:
                task.check(row[task.name + suffix])
        except LabelError as err:
            raise StanceInputError(path, f"line {line} ({row['sentence_id']}): {err}") from None
    frame["topics" + suffix] = topics
    return frame


def read_labels(path, extra=()):
    """Read one annotation pass (or, with ``extra=("reason",)``, an adjudication file) with validated labels."""
    return validate_labels(read_table(path, LABEL_COLUMNS + list(extra)), path)


def _kappa(a, b, labels):
    codes = {label: i for i, label in enumerate(labels)}
    return cohen_kappa([codes[x] for x in a], [codes[x] for x in b], len(codes))


def _dimension_agreement(a, b, labels, names=("pass A", "pass B")):
    confusion = pd.crosstab(pd.Categorical(a, categories=labels), pd.Categorical(b, categories=labels), dropna=False)
    confusion.index.name, confusion.columns.name = names
    return {
        "n": len(a),
        "agreement": float((pd.Series(a).values == pd.Series(b).values).mean()),
        "kappa": _kappa(list(a), list(b), labels),
        "confusion": confusion,
    }


def agreement(pass_a, pass_b):
    """Measure agreement between two passes over the same sentences.

    Returns
    -------
    dict
        ``{"n": int, "topics": {topic: stats}, "topic_sets": stats, "tone": stats,
        "stance": stats}``; each ``stats`` has ``n``, ``agreement`` (share of
        sentences with the same label), ``kappa`` (Cohen's kappa; NaN when both
        passes used a single class) and ``confusion`` (DataFrame, rows pass A).
    """
    merged = pass_a.merge(pass_b, on="sentence_id", suffixes=("_a", "_b"), validate="one_to_one")
    if len(merged) != len(pass_a) or len(merged) != len(pass_b):
        raise ValueError("the two passes do not cover the same sentences")
    result = {"n": len(merged), "topics": {}}
    for topic in SCHEME.topics:
        a = ["yes" if topic in t else "no" for t in merged["topics_a"]]
        b = ["yes" if topic in t else "no" for t in merged["topics_b"]]
        result["topics"][topic] = _dimension_agreement(a, b, ["no", "yes"])
    same_set = [set(x) == set(y) for x, y in zip(merged["topics_a"], merged["topics_b"])]
    result["topic_sets"] = {"n": len(merged), "agreement": float(sum(same_set) / len(merged))}
    for task in SCHEME.single:
        result[task.name] = _dimension_agreement(merged[f"{task.name}_a"], merged[f"{task.name}_b"], task.classes)
    return result


def agreement_table(result):
    """One row per label dimension: sentences, percentage agreement, Cohen's kappa."""
    rows = [{"dimension": f"topic: {t}", "sentences": s["n"], "agreement_%": 100 * s["agreement"], "cohen_kappa": s["kappa"]}
            for t, s in result["topics"].items()]
    rows.append({"dimension": "topic set (exact)", "sentences": result["n"],
                 "agreement_%": 100 * result["topic_sets"]["agreement"], "cohen_kappa": float("nan")})
    for dim in (t.name for t in SCHEME.single):
        s = result[dim]
        rows.append({"dimension": dim, "sentences": s["n"], "agreement_%": 100 * s["agreement"], "cohen_kappa": s["kappa"]})
    return pd.DataFrame(rows)


def agreement_report(pass_a, pass_b, name):
    """Return a Markdown report of the agreement between two passes (see :func:`agreement`)."""
    result = agreement(pass_a, pass_b)
    parts = [
        f"# Annotation agreement: {name}",
        "",
        "Generated by `stance annotations build` from the two stored passes; do not edit by hand.",
        "Cohen's kappa per topic (binary: present or not), for tone and for stance; `n/a` where both",
        "passes used a single class (kappa is undefined there). Confusion tables: rows pass A, columns pass B.",
        "",
        markdown_table(agreement_table(result), float_format="{:.3f}"),
    ]
    confusions = [(f"topic `{t}`", s) for t, s in result["topics"].items()] + [(t.name, result[t.name]) for t in SCHEME.single]
    for title, stats in confusions:
        table = stats["confusion"].reset_index()
        table.columns = ["A \\ B", *map(str, stats["confusion"].columns)]
        parts += ["", f"## Confusion: {title}", "", markdown_table(table)]
    return "\n".join(parts) + "\n"


def _label_key(row, suffix):
    return (tuple(row["topics" + suffix]), row["tone" + suffix], row["stance" + suffix])


def build_gold(sentences, pass_a, pass_b, adjudication, source="adjudication.csv", batch=None):
    """Combine two passes and an adjudication into the gold table.

    Parameters
    ----------
    sentences : pandas.DataFrame
        The current sentence table of the annotated corpus.
    pass_a, pass_b : pandas.DataFrame
        The passes (from :func:`read_labels`), over the same sentences.
    adjudication : pandas.DataFrame
        Final labels and a ``reason`` for every sentence on which the passes
        disagree in any dimension.
    batch : pandas.DataFrame, optional
        The annotation batch; when it records how each sentence was sampled
        (``sample``: random or targeted, ``stratum``), the gold keeps those columns
        so that metrics never mix the samples.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GOLD_COLUMNS` (plus ``sample, stratum`` from the batch);
        ``topics`` as lists, ``adjudication`` is the reason ('' where the passes agreed).
    """
    merged = pass_a[LABEL_COLUMNS].merge(pass_b[LABEL_COLUMNS], on="sentence_id", suffixes=("_a", "_b"), validate="one_to_one")
    decided = adjudication.set_index("sentence_id")
    current = sentences.set_index("sentence_id")
    rows = []
    for row in merged.to_dict(orient="records"):
        sid = row["sentence_id"]
        if sid not in current.index:
            raise StanceInputError(source, f"sentence {sid} is not in the current sentence split")
        if current.at[sid, "boilerplate"]:
            raise StanceInputError(source, f"sentence {sid} is now flagged as boilerplate")
        if _label_key(row, "_a") == _label_key(row, "_b"):
            final, reason = _label_key(row, "_a"), ""
        elif sid in decided.index and str(decided.at[sid, "reason"]).strip():
            d = decided.loc[sid]
            final, reason = (tuple(d["topics"]), d["tone"], d["stance"]), str(d["reason"]).strip()
        else:
            raise StanceInputError(source, f"sentence {sid}: the passes disagree and there is no adjudication with a reason")
        s = current.loc[sid]
        rows.append({
            "article_id": s["article_id"], "sentence_id": sid, "start": int(s["start"]), "end": int(s["end"]),
            "text": s["text"], "topics": list(final[0]), "tone": final[1], "stance": final[2],
            **{f"{dim}_{p}": (list(row[f"{dim}_{p}"]) if dim == "topics" else row[f"{dim}_{p}"]) for p in PASSES for dim in DIMENSIONS},
            "adjudication": reason,
        })
    gold = pd.DataFrame(rows, columns=GOLD_COLUMNS)
    if batch is not None and "sample" in batch:
        sampling = batch.set_index("sentence_id")[["sample", "stratum"]]
        missing = sorted(set(gold["sentence_id"]) - set(sampling.index))
        if missing:
            raise StanceInputError(source, f"sentence {missing[0]} is annotated but not in the batch")
        gold = gold.join(sampling, on="sentence_id")
    return gold


def _as_articles(corpus):
    return corpus if isinstance(corpus, pd.DataFrame) else load_corpus(corpus)


def load_annotations(path=None, corpus=None):
    """Load gold annotations, checked against the current sentence split.

    Parameters
    ----------
    path : str, Path or None
        None (the seed gold), the name of a bundled gold set (see
        :func:`bundled_annotations`; a name wins over a file of that name, use
        ``./name`` for the file), or a CSV in the gold format (at least
        ``article_id, sentence_id, start, end, text, topics, tone, stance``; a
        third-party gold has ``text_sha256`` instead of ``text`` and needs its corpus).
    corpus : optional
        The corpus the annotations belong to (an article table, or anything
        :func:`stance.load_corpus` accepts). Bundled sets know their corpus. When
        given, every annotation must match a current non-boilerplate sentence by
        article, span and text; without it, only the labels are checked.

    Returns
    -------
    pandas.DataFrame
        The gold rows with ``topics`` as lists and ``tone_score``/``stance_score``
        from the labels; with a corpus, also the current ``role`` (and the ``text``
        joined from the corpus, for a gold that stores a hash).

    Raises
    ------
    StanceInputError
        Naming the file and the sentence, for a label outside the scheme or an
        annotation that no longer aligns with the sentence split.
    """
    bundled = bundled_annotations()
    key = "seeds" if path is None else str(path)
    if key in bundled:
        path, corpus = bundled[key][0], (corpus if corpus is not None else bundled[key][1])
    required = ["article_id", "sentence_id", "start", "end", "topics", "tone", "stance"]
    gold = validate_labels(read_table(path, required), path)
    if "text" not in gold and "text_sha256" not in gold:
        raise StanceInputError(path, "missing column text (or text_sha256 for a corpus read from the data home)")
    for column in ("start", "end"):
        if not gold[column].str.fullmatch(r"\d+").all():
            raise StanceInputError(path, f"column {column!r} must hold character offsets (whole numbers)")
        gold[column] = gold[column].astype(int)
    if corpus is None and "text" not in gold:
        raise StanceInputError(path, "this gold stores hashes, not text: load it with its corpus")
    if corpus is not None:
        articles = _as_articles(corpus)
        # Only the annotated articles need splitting (a large corpus takes a minute to split whole).
        articles = articles[articles["article_id"].isin(set(gold["article_id"]))]
        gold = _align(gold, split_sentences(articles), path)
    return SCHEME.gold_scores(gold)


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


def _align(gold, sentences, path):
    """Match every gold row to a current sentence by article and span, and check its text or hash."""
    from .sampling import text_hash

    by_span = sentences.set_index(["article_id", "start", "end"])
    hashed = "text" not in gold
    by_text = sentences.groupby(sentences["text"].map(text_hash) if hashed else "text")["sentence_id"].apply(list)
    roles, ids, texts = [], [], []
    for row in gold.to_dict(orient="records"):
        key = (row["article_id"], row["start"], row["end"])
        stored = row["text_sha256"] if hashed else row["text"]
        where = f"sentence {row['sentence_id']} ({row['article_id']} {row['start']}-{row['end']})"
        if key not in by_span.index:
            hint = f"; its text is now sentence {by_text[stored][0]}" if stored in by_text.index else ""
            raise StanceInputError(path, f"{where} no longer aligns with the sentence split: no sentence has that span{hint}")
        current = by_span.loc[key]
        if (text_hash(current["text"]) if hashed else current["text"]) != stored:
            raise StanceInputError(path, f"{where} no longer aligns: its text differs from the corpus ({current['text'][:60]!r})")
        if current["boilerplate"]:
            raise StanceInputError(path, f"{where} is now flagged as boilerplate ({current['boilerplate_reason']})")
        roles.append(current["role"])
        ids.append(current["sentence_id"])
        texts.append(current["text"])
    aligned = gold.assign(sentence_id=ids, role=roles)
    if hashed:
        aligned.insert(aligned.columns.get_loc("text_sha256"), "text", texts)
    return aligned


def label_statistics(gold, name):
    """Return Markdown tables of label counts: per label, per article, topic co-occurrence, tone x stance."""
    n = len(gold)
    counts = [{"dimension": "topic", "label": t, "sentences": int(sum(t in ts for ts in gold["topics"]))} for t in SCHEME.topics]
    counts.append({"dimension": "topic", "label": "(none)", "sentences": int(sum(not ts for ts in gold["topics"]))})
    for task in SCHEME.single:
        counts += [{"dimension": task.name, "label": lab, "sentences": int((gold[task.name] == lab).sum())} for lab in task.classes]
    counts = pd.DataFrame(counts).assign(share_pct=lambda f: 100 * f["sentences"] / n)

    per_article = gold.groupby("article_id", sort=True).apply(
        lambda g: pd.Series({
            "sentences": len(g),
            **{t: int(sum(t in ts for ts in g["topics"])) for t in SCHEME.topics},
            **{f"{task.name}={lab}": int((g[task.name] == lab).sum()) for task in SCHEME.single for lab in task.classes},
        }), include_groups=False,
    ).reset_index()

    co = pd.DataFrame(0, index=list(SCHEME.topics), columns=list(SCHEME.topics))
    for topics in gold["topics"]:
        for t in topics:
            for u in topics:
                co.loc[t, u] += 1
    co = co.reset_index().rename(columns={"index": "topic"})

    tone, stance = SCHEME.task("tone"), SCHEME.task("stance")
    cross = pd.crosstab(pd.Categorical(gold["tone"], categories=tone.classes), pd.Categorical(gold["stance"], categories=stance.classes),
                        dropna=False)
    cross = cross.reset_index()
    cross.columns = ["tone \\ stance", *stance.classes]

    articles = SCHEME.aggregate_articles(SCHEME.gold_scores(gold))
    articles = articles[["article_id", "n_sentences", *SCHEME.article_columns()[1:]]]
    return "\n".join([
        f"# Label statistics: {name}",
        "",
        f"Generated by `stance annotations build` from the adjudicated gold ({n} sentences); do not edit by hand.",
        "",
        "## Counts per label", "", markdown_table(counts, "{:.1f}"),
        "", "## Per article", "", markdown_table(per_article),
        "", "## Topic co-occurrence (sentences carrying both)", "", markdown_table(co),
        "", "## Tone x stance", "", markdown_table(cross),
        "", "## Article aggregates of the gold (docs/annotation_guideline.md, Article level)", "", markdown_table(articles, "{:.2f}"),
    ]) + "\n"

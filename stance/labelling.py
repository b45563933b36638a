"""Labelling with a fitted classifier: sentences, articles, a corpus in chunks, and why.

The CLI (``stance label``), the Dask workers (:mod:`stance.distributed`), the corpus
predictions behind ``stance measure`` (:mod:`stance.quantify.predictions`) and the scripts call these;
``StanceClassifier.label_sentences`` / ``label_articles`` / ``explain`` are shortcuts to them.
"""

# numpy, pandas and the label scheme are imported where used: the CLI reads CHUNK_ARTICLES for
# its --help, which must not import them.

# Articles split and labelled at a time when streaming a corpus: bounds memory on large corpora.
CHUNK_ARTICLES = 200


def deciding(classifier, stance_decision, source="--stance-decision"):
    """``classifier``, or a copy that decides stance by ``stance_decision`` when it is not None
    (:func:`stance.models.decision.with_decision`); a bad decision raises StanceInputError naming ``source``."""
    if stance_decision is None:
        return classifier
    from .errors import StanceInputError
    from .models.decision import with_decision

    try:
        return with_decision(classifier, stance_decision)
    except ValueError as err:
        raise StanceInputError(source, str(err)) from None


def label_sentences(classifier, sentences):
    """Label sentences with a fitted classifier.

    Parameters
    ----------
    classifier : StanceClassifier
        Fitted (``stance.load_classifier()`` or ``fit``).
    sentences : list of str or pandas.DataFrame
        Strings, or the sentence table (from :func:`stance.split_sentences`);
        boilerplate rows of a table are kept but get no labels.

    Returns
    -------
    pandas.DataFrame
        The input columns (or ``text``) plus ``p_military_aid,
        p_nato_membership, p_reconstruction, topics, tone, tone_score, stance,
        stance_score`` and the tone and stance distributions ``p_tone_<class>,
        p_stance_<class>`` (what ``stance measure --labels`` corrects).
    """
    import pandas as pd

    from .features.texts import as_texts
    from .labels import SCHEME

    if not isinstance(sentences, pd.DataFrame):
        texts = as_texts(sentences)
        return pd.concat([pd.DataFrame({"text": texts}), classifier.predict(texts, proba=True)], axis=1)
    frame = sentences.reset_index(drop=True)
    mask = ~frame["boilerplate"].astype(bool) if "boilerplate" in frame else pd.Series(True, index=frame.index)
    labels = classifier.predict(frame.loc[mask, "text"].tolist(), proba=True)
    labels.index = frame.index[mask]
    labels = labels.reindex(frame.index)
    labels["topics"] = [ts if isinstance(ts, list) else [] for ts in labels["topics"]]
    single = [t.name for t in SCHEME.single]
    labels[single] = labels[single].fillna("")
    return pd.concat([frame, labels], axis=1)


def label_articles(classifier, articles, sentences=None):
    """Label articles: split, label the sentences and aggregate them (docs/annotation_guideline.md, "Article level").

    Returns
    -------
    pandas.DataFrame
        One row per article: ``article_id, title, n_sentences, topics,
        main_topic, share_<topic>..., tone, tone_score, stance, stance_score,
        sentence_ids``.
    """
    from .labels import aggregate_articles
    from .ingest.segment import split_sentences

    if sentences is None:
        sentences = split_sentences(articles)
    return aggregate_articles(label_sentences(classifier, sentences), articles)


def split_in_chunks(articles, chunk=CHUNK_ARTICLES, progress=None):
    """Yield ``(articles, sentences)`` for consecutive chunks of ``chunk`` articles: a corpus
    split a part at a time, so that memory stays bounded. ``progress`` wraps the chunk starts."""
    from .ingest.segment import split_sentences

    if chunk < 1:
        raise ValueError(f"chunk must be at least 1 article, got {chunk}")
    starts = range(0, len(articles), chunk)
    for start in (progress(starts) if progress else starts):
        part = articles.iloc[start:start + chunk]
        yield part, split_sentences(part)


def label_chunks(classifier, articles, level="sentence", chunk=CHUNK_ARTICLES, progress=None):
    """Yield label tables of consecutive chunks of a corpus: sentence rows (:func:`label_sentences`)
    or article rows (``level="article"``, :func:`stance.labels.aggregate_articles`)."""
    if level not in ("sentence", "article"):
        raise ValueError(f"level must be 'sentence' or 'article', got {level!r}")
    from .labels import aggregate_articles

    for part, sentences in split_in_chunks(articles, chunk, progress):
        labelled = label_sentences(classifier, sentences)
        yield labelled if level == "sentence" else aggregate_articles(labelled, part)


def label_corpus(classifier, articles, level="sentence", chunk=CHUNK_ARTICLES, progress=None):
    """All of :func:`label_chunks` as one table."""
    import pandas as pd

    tables = list(label_chunks(classifier, articles, level, chunk, progress))
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()


def explain(classifier, text, top=5):
    """Say which words and features drove each label of one sentence.

    Returns
    -------
    dict
        ``labels`` (the prediction), ``lexicon`` (topic terms and stance cues matched with the
        lexicon the model was fitted with; the packaged lexicon for a model without lexicon
        features) and, for linear models, ``features``: per task and label, the ``top``
        features that pushed hardest toward it.
    """
    import numpy as np

    from .labels import TOPICS
    from .models.estimators import CalibratedLinear, MultiLabelThresholds

    labels = classifier.predict([text]).iloc[0].to_dict()
    lexicon = {}
    for counts in _lexicon_counts(classifier):
        lexicon.update(counts.matches(text))
    features = {}
    if classifier.features_ is not None:
        row = classifier.features_.transform([text])
        row = row.toarray()[0] if hasattr(row, "toarray") else np.asarray(row)[0]
        names = classifier.features_.get_feature_names_out()
        for task, model in classifier.estimators_.items():
            if isinstance(model, MultiLabelThresholds):
                for topic, estimator in zip(TOPICS, model.estimators_):
                    if hasattr(estimator, "linear_models"):  # not a topic kept constant (no training row had it)
                        features[f"topic:{topic}"] = _contributions(estimator, row, names, 1, top)
            elif isinstance(model, CalibratedLinear):
                features[f"{task}:{labels[task]}"] = _contributions(model, row, names, labels[task], top)
    return {"text": text, "labels": labels, "lexicon": {k: v for k, v in lexicon.items() if v}, "features": features}


def _lexicon_counts(classifier):
    """The fitted topic and cue lexicons of a classifier's features (packaged ones where it has none)."""
    from .features.lexicon import SECTIONS, LexiconCounts

    fitted = {}
    for _, transformer in getattr(classifier.features_, "transformer_list", ()):
        if isinstance(transformer, LexiconCounts):
            fitted[transformer.section] = transformer
    return [fitted.get(section) or LexiconCounts(section).fit() for section in SECTIONS]


def _contributions(model, row, names, target, top):
    """Top features by contribution (value x coefficient) toward ``target``, averaged over calibration folds."""
    import numpy as np

    linears = model.linear_models()
    totals = np.zeros(len(row))
    for linear in linears:
        classes = list(linear.classes_)
        if target not in classes:
            continue
        if len(classes) == 2:
            coef = linear.coef_[0] * (1 if target == classes[1] else -1)
        else:
            coef = linear.coef_[classes.index(target)]
        totals += row * coef / len(linears)
    ranked = np.argsort(-totals)[:top]
    return [(str(names[i]), round(float(totals[i]), 4)) for i in ranked if totals[i] > 0]

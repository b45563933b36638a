"""Measuring prevalence: quantifiers, their intervals, groups and periods, gold predictions, the command."""

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import stance
from stance.quantify import quantifiers as Q
from stance.cli import main
from stance.errors import StanceInputError
from stance.quantify.groups import BAD_DATE, COARSE_DATE, NO_DATE, article_groups, date_periods, parse_by
from stance.quantify.predictions import PREDICTION_COLUMNS, TASKS, one_hot
from stance.quantify.prevalence import choose_gold, measure

# --- synthetic predictions with known error rates ------------------------------------------------

MEANS = np.array([-1.5, 0.0, 1.5])  # one feature per sentence, class-conditional N(mean, 1)
GOLD_PREVALENCE = np.array([0.2, 0.5, 0.3])


def _posteriors(x, prior):
    """Exact posteriors of the generative model, calibrated to ``prior``."""
    likelihood = np.exp(-0.5 * (x[:, None] - MEANS[None, :]) ** 2) * prior[None, :]
    return likelihood / likelihood.sum(axis=1, keepdims=True)


def _draw(n, prevalence, rng):
    labels = rng.choice(3, size=n, p=prevalence)
    x = rng.normal(MEANS[labels], 1.0)
    proba = _posteriors(x, GOLD_PREVALENCE)
    return labels, proba, one_hot(proba.argmax(axis=1), 3)


def _gold_and_group(n_gold, n_group, target, seed=0):
    rng = np.random.default_rng(seed)
    labels, proba, crisp = _draw(n_gold, GOLD_PREVALENCE, rng)
    group_labels, group_proba, group_crisp = _draw(n_group, target, rng)
    return (labels, proba, crisp), (group_labels, group_proba, group_crisp)


@pytest.mark.parametrize("method", ["acc", "pacc", "sld", "emq"])
def test_corrected_methods_recover_a_shifted_prevalence_that_counting_misses(method):
    target = np.array([0.05, 0.35, 0.60])
    (labels, proba, crisp), (_, group_proba, group_crisp) = _gold_and_group(6000, 20000, target)
    soft = Q.METHODS[method].soft
    quantifier = Q.make_quantifier(method).fit(proba if soft else crisp, labels)
    estimate = quantifier.predict(group_proba if soft else group_crisp)
    assert np.abs(estimate - target).max() < 0.02
    assert estimate.sum() == pytest.approx(1.0)
    counted = Q.CC().predict(group_crisp)
    assert np.abs(counted - target).max() > 0.05  # the bias the correction removes


def test_acc_recovers_the_prevalence_from_known_misclassification_rates():
    rates = np.array([[0.6, 0.1], [0.4, 0.9]])  # P(predicted i | true j): half the positives are missed... 40%
    truth = np.array([0.7, 0.3])
    shares = rates @ truth
    assert Q.simplex_least_squares(rates, shares) == pytest.approx(truth)
    # built from decisions: gold with those rates, and a group at the target prevalence
    rng = np.random.default_rng(3)
    gold_labels = rng.choice(2, 40000, p=[0.5, 0.5])
    gold_pred = (rng.random(40000) < rates[1, gold_labels]).astype(int)
    group_labels = rng.choice(2, 40000, p=truth)
    group_pred = (rng.random(40000) < rates[1, group_labels]).astype(int)
    acc = Q.ACC().fit(one_hot(gold_pred, 2), gold_labels)
    assert acc.rates_ == pytest.approx(rates, abs=0.01)
    assert acc.predict(one_hot(group_pred, 2)) == pytest.approx(truth, abs=0.015)
    assert Q.CC().predict(one_hot(group_pred, 2))[1] == pytest.approx(shares[1], abs=0.01)


def test_each_method_equals_quapy_on_the_same_predictions():
    from sklearn.base import BaseEstimator, ClassifierMixin

    warnings.simplefilter("ignore")
    from quapy.method.aggregative import ACC, CC, EMQ, PACC, PCC

    class Precomputed(ClassifierMixin, BaseEstimator):
        """A fitted 'classifier' whose inputs are its own probabilities."""

        def __init__(self):
            self.classes_ = np.arange(3)

        def fit(self, X, y):
            return self

        def predict_proba(self, X):
            return X

        def predict(self, X):
            return X.argmax(axis=1)

    (labels, proba, crisp), (_, group_proba, group_crisp) = _gold_and_group(800, 500, np.array([0.1, 0.3, 0.6]), seed=5)
    ours = {m: Q.make_quantifier(m).fit(proba if Q.METHODS[m].soft else crisp, labels) for m in Q.METHODS}
    # sld recalibrates first: these probabilities are calibrated to GOLD_PREVALENCE, which it finds back
    assert ours["sld"].train_prevalence_ == pytest.approx(GOLD_PREVALENCE, abs=0.05)
    theirs = {"cc": CC(Precomputed(), fit_classifier=False), "pcc": PCC(Precomputed(), fit_classifier=False),
              "acc": ACC(Precomputed(), fit_classifier=False, val_split=None),
              "pacc": PACC(Precomputed(), fit_classifier=False, val_split=None),
              "emq": EMQ(Precomputed(), fit_classifier=False)}
    for method, quapy_method in theirs.items():
        quapy_method.fit(proba, labels)
        expected = quapy_method.predict(group_proba)
        got = ours[method].predict(group_proba if Q.METHODS[method].soft else group_crisp)
        assert got == pytest.approx(expected, abs=2e-4), method


def test_weighted_batch_em_equals_em_on_repeated_rows():
    from quapy.method.aggregative import EMQ

    rng = np.random.default_rng(2)
    posteriors = rng.dirichlet(np.ones(3), size=150)
    prior = np.array([0.2, 0.5, 0.3])
    weights = rng.integers(0, 3, size=(4, 150)).astype(float)
    batch = Q.expectation_maximisation(posteriors, prior, weights)
    for b in range(4):
        expected, _ = EMQ.EM(prior, np.repeat(posteriors, weights[b].astype(int), axis=0))
        assert batch[b] == pytest.approx(expected, abs=1e-9)


def test_recalibrated_prior_makes_em_return_the_gold_shares_on_the_gold():
    rng = np.random.default_rng(4)
    labels, proba, _ = _draw(3000, GOLD_PREVALENCE, rng)
    skewed = proba * np.array([3.0, 1.0, 0.5])  # probabilities calibrated to another prevalence
    skewed /= skewed.sum(axis=1, keepdims=True)
    shares = np.bincount(labels, minlength=3) / len(labels)
    prior = Q.recalibrated_prior(skewed, shares)
    assert Q.expectation_maximisation(skewed, prior) == pytest.approx(shares, abs=2e-3)
    assert np.abs(Q.expectation_maximisation(skewed, shares) - shares).max() > 0.05


def test_simplex_least_squares_stays_on_the_simplex_and_matches_quapy():
    from quapy.method.aggregative import ACC

    rng = np.random.default_rng(7)
    for _ in range(25):
        rates = 0.5 * rng.dirichlet(np.ones(3), size=3).T + 0.5 * np.eye(3)
        shares = rng.dirichlet(np.ones(3) * 0.5)
        ours = Q.simplex_least_squares(rates, shares)
        theirs = ACC.solve_adjustment(rates, shares, method="inversion", solver="minimize")
        assert ours.min() >= 0 and ours.sum() == pytest.approx(1.0)
        assert ours == pytest.approx(np.clip(theirs, 0, 1) / np.clip(theirs, 0, 1).sum(), abs=1e-3)


def _interval(method, n_gold, seed=0):
    target = np.array([0.1, 0.3, 0.6])
    (labels, proba, crisp), (_, group_proba, group_crisp) = _gold_and_group(n_gold, 2000, target, seed=seed)
    soft = Q.METHODS[method].soft
    articles = np.arange(n_gold) // 2  # two gold sentences per article
    gold = Q.Sample(proba if soft else crisp, articles, labels=labels)
    group = Q.Sample(group_proba if soft else group_crisp, np.arange(2000) // 4)
    estimate, replicates = Q.bootstrap_prevalence(method, gold, group, n_boot=300, random_state=1)
    low, high = Q.percentile_interval(replicates)
    return estimate, low, high, target


@pytest.mark.parametrize("method", ["acc", "pacc"])
def test_intervals_widen_when_the_gold_is_smaller_and_cover_the_truth(method):
    _, low_small, high_small, _ = _interval(method, 150)
    estimate, low_large, high_large, target = _interval(method, 3000)
    assert ((high_small - low_small) > (high_large - low_large)).all()
    assert ((low_large <= target) & (target <= high_large)).all()
    assert ((low_large <= estimate) & (estimate <= high_large)).all()


def test_bootstrap_is_reproducible_with_a_seed():
    first = _interval("pacc", 300)
    second = _interval("pacc", 300)
    for a, b in zip(first, second):
        assert np.array_equal(a, b)


def test_cluster_counts_resample_whole_clusters():
    counts = Q.cluster_counts(5, 100, np.random.default_rng(0))
    assert counts.shape == (100, 5) and (counts.sum(axis=1) == 5).all()
    sample = Q.Sample(np.eye(2)[[0, 0, 1, 1, 1]], ["a", "a", "b", "b", "b"])
    weights = sample.replicate_weights(np.array([[2, 0], [0, 2]]))
    assert weights.tolist() == [[2, 2, 0, 0, 0], [0, 0, 2, 2, 2]]


# --- groups and periods --------------------------------------------------------------------------

def _articles():
    return pd.DataFrame({
        "article_id": ["a", "b", "c", "d", "e", "f"],
        "title": [""] * 6,
        "text": ["x"] * 6,
        "source": ["WH", "WH", "Kremlin", "Kremlin", "", "WH"],
        "date": ["2022-03-30", "2022-05-01", "2022-09", "2023", "", "spring 2022"],
        "party": ["D", "R", "", "", "D", "R"],
    })


def test_a_date_with_a_time_zone_is_in_the_period_it_was_written_in():
    periods = date_periods(["2022-03-31T23:00-05:00", "2022-12-31 23:30:00+09:00"])
    assert list(periods["quarter"]) == ["2022Q1", "2022Q4"] and list(periods["year"]) == ["2022", "2022"]


def test_the_date_report_names_the_group_each_problem_date_is_reported_under():
    from stance.quantify.groups import date_report

    articles = pd.DataFrame({"date": ["2022-03-01", "2023", "", "sometime", "2021"]})
    report = date_report(articles, ["quarter"])
    assert report == {NO_DATE: {"articles": 1, "example": ""}, BAD_DATE: {"articles": 1, "example": "sometime"},
                      COARSE_DATE.format(period="quarter"): {"articles": 2, "example": "2023"}}


def test_periods_of_full_dates_months_and_bare_years():
    periods = date_periods(_articles()["date"])
    assert periods["year"].tolist() == ["2022", "2022", "2022", "2023", NO_DATE, BAD_DATE]
    assert periods["quarter"].tolist()[:4] == ["2022Q1", "2022Q2", "2022Q3", COARSE_DATE.format(period="quarter")]
    assert periods["month"].tolist()[:3] == ["2022-03", "2022-05", "2022-09"]
    assert periods["date_problem"].tolist() == ["", "", "", "", "missing", "unparseable"]


def test_article_groups_by_column_and_period():
    groups = article_groups(_articles(), ["source", "quarter"])
    assert groups["source"].tolist() == ["WH", "WH", "Kremlin", "Kremlin", "(none)", "WH"]
    assert groups["usable"].tolist() == [True, True, True, False, False, False]


def test_an_unknown_by_column_gets_one_line_naming_the_columns():
    with pytest.raises(StanceInputError) as err:
        parse_by("source,speaker", _articles(), "my.csv")
    message = str(err.value)
    assert "\n" not in message and "my.csv" in message and "'speaker'" in message
    assert "source, date, party, year, quarter, month" in message


# --- the whole measurement on a small model ------------------------------------------------------

@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    """A fast model (lexicon features) trained on the seed gold as two gold sets, with its gold predictions."""
    from stance.quantify.gold_predictions import build_gold_predictions, gold_predictions_path, save_gold_predictions
    from stance.models.persistence import load_classifier, save_classifier
    from stance.training import train_classifier

    gold = stance.load_annotations()
    first = set(gold["article_id"].unique()[:2])
    gold = gold.assign(gold_set=np.where(gold["article_id"].isin(first), "seeds-a", "seeds-b"), sample="census")
    gold = pd.concat([gold[gold["gold_set"] == "seeds-a"], gold[gold["gold_set"] == "seeds-b"]])
    classifier, metadata = train_classifier(gold, "lexicon", priors=True, evaluate=False)
    folder = tmp_path_factory.mktemp("model")
    save_classifier(classifier, folder / "model.skops", {**metadata, "gold_sets": ["seeds-a", "seeds-b"]})
    classifier = load_classifier(folder)
    predictions = build_gold_predictions(classifier, gold=gold, n_folds=3)
    save_gold_predictions(predictions, classifier, gold_predictions_path(folder), n_folds=3)
    return folder, predictions


def test_gold_predictions_are_out_of_fold_in_both_designs(small_model):
    _, predictions = small_model
    assert set(predictions["design"]) == {"k-fold", "leave-one-corpus-out"}
    for design, part in predictions.groupby("design"):
        assert part["sentence_id"].is_unique and len(part) == 101
    assert set(PREDICTION_COLUMNS) <= set(predictions.columns) and "text" not in predictions.columns
    kfold = predictions[predictions["design"] == "k-fold"]
    # grouped folds: every article is predicted by a single fold
    assert (kfold.groupby("article_id")["fold"].nunique() == 1).all() and kfold["fold"].nunique() == 3


def test_gold_predictions_reuse_what_an_earlier_run_covers(small_model, monkeypatch):
    from stance.quantify import gold_predictions as G
    from stance.quantify.gold_predictions import gold_predictions_path
    from stance.models.persistence import load_classifier

    folder, predictions = small_model
    classifier = load_classifier(folder)
    gold = stance.load_annotations()
    first = set(gold["article_id"].unique()[:2])
    gold = gold.assign(gold_set=np.where(gold["article_id"].isin(first), "seeds-a", "seeds-b"), sample="census")
    gold = pd.concat([gold[gold["gold_set"] == "seeds-a"], gold[gold["gold_set"] == "seeds-b"]])
    trained = []
    fit_predict = G._fit_predict
    monkeypatch.setattr(G, "_fit_predict", lambda *args: trained.append(1) or fit_predict(*args))
    dropped = predictions[predictions["design"] == "k-fold"]["sentence_id"].iloc[:3]
    previous = predictions[~((predictions["design"] == "k-fold") & predictions["sentence_id"].isin(dropped))]
    again = G.build_gold_predictions(classifier, gold=gold, n_folds=3, previous=previous)
    assert len(trained) == 1  # only the fold that lost sentences is trained again
    pd.testing.assert_frame_equal(again.round(6), predictions.round(6), check_dtype=False)
    assert gold_predictions_path(folder).with_suffix(".json").is_file()


def test_gold_predictions_of_another_model_are_refused(small_model):
    from stance.quantify.gold_predictions import gold_predictions_path, load_gold_predictions

    folder, _ = small_model
    with pytest.raises(StanceInputError, match="made for model"):
        load_gold_predictions(gold_predictions_path(folder), stance.load_classifier())


def test_measure_forms_groups_and_periods_and_reports_what_it_cannot_estimate(small_model, seed_articles):
    folder, _ = small_model
    articles = seed_articles.copy()
    articles.loc[0, "date"] = "sometime"  # cannot be parsed
    table = measure(articles, by=["source", "year"], model=folder, min_size=25, n_boot=50, min_gold=3,
                    corpus_name="seeds-b")
    assert table.groupby(["source", "year"]).ngroups == 5
    assert set(table["task"]) == {"topics", "tone", "stance"}
    rows_per_group = table.groupby(["source", "year"]).size()
    assert (rows_per_group == 3 + 3 + 3).all()
    bad = table[table["year"] == BAD_DATE]
    assert len(bad) == 9 and bad["prevalence"].isna().all() and (bad["status"] == BAD_DATE).all()
    assert table.attrs["dates"][BAD_DATE] == {"articles": 1, "example": "sometime"}
    small = table[table["status"] == "below min_size"]
    assert len(small) and small["prevalence"].isna().all() and (small["n"] < 25).all()
    ok = table[table["status"] == "ok"]
    assert len(ok) and ok["prevalence"].between(0, 1).all() and (ok["ci_low"] <= ok["prevalence"] + 1e-9).all()
    sums = ok[ok["task"] != "topics"].groupby(["source", "year", "task"])["prevalence"].sum()
    assert np.allclose(sums, 1.0)
    # the counts: every non-boilerplate sentence of a group, each article once at article level
    assert table.drop_duplicates(["source", "year"])["sentences"].sum() == 101
    assert ok["design"].eq("k-fold").all() and ok["gold_sets"].eq("seeds-b").any()


def test_measure_is_reproducible_and_the_article_level_counts_articles(small_model, seed_articles):
    folder, _ = small_model
    first = measure(seed_articles, by="source", model=folder, n_boot=40, min_size=1, min_gold=3)
    second = measure(seed_articles, by="source", model=folder, n_boot=40, min_size=1, min_gold=3)
    pd.testing.assert_frame_equal(first, second)
    articles = measure(seed_articles, by="source", level="article", model=folder, n_boot=40, min_size=1, min_gold=3)
    assert articles["n"].max() <= 2 and (articles["n"] == articles["articles"]).all()
    # a corpus without gold of its own: error rates from every gold set, leave-one-corpus-out
    assert set(first["design"]) == {"leave-one-corpus-out"}
    # random_state=None (fresh entropy) gives the same estimates; only the intervals may move
    unseeded = measure(seed_articles, by="source", model=folder, n_boot=40, min_size=1, min_gold=3, random_state=None)
    pd.testing.assert_series_equal(unseeded["prevalence"], first["prevalence"])


def test_choose_gold_falls_back_to_pooled_gold_and_reports_too_little(small_model):
    from stance.quantify.gold_predictions import gold_predictions_path, load_gold_predictions

    folder, _ = small_model
    gold, _ = load_gold_predictions(gold_predictions_path(folder))
    rows, record = choose_gold(gold, "stance", "seeds-a", ["seeds-a", "seeds-b"], min_gold=3)
    assert rows is None and record["status"].startswith("too little gold (critical: 0 < 3")
    rows, record = choose_gold(gold, "tone", "seeds-a", ["seeds-a", "seeds-b"], min_gold=3)
    assert record["design"] == "k-fold" and len(rows) == record["gold_sentences"]


# --- the command ---------------------------------------------------------------------------------

def test_measure_command_on_a_users_csv_writes_the_table(small_model, tmp_path, capsys):
    folder, _ = small_model
    texts = ["The UK will send tanks to Ukraine. Allies pledged more artillery.",
             "Russia condemned the weapons deliveries. The talks failed.",
             "The World Bank will fund rebuilding Ukraine. NATO leaders met in Vilnius."]
    csv = tmp_path / "mine.csv"
    pd.DataFrame({"id": ["x", "y", "z"], "text": texts, "source": ["A", "B", "A"],
                  "date": ["2022-01-05", "2022-02-01", "2023-07-09"]}).to_csv(csv, index=False)
    out = tmp_path / "prevalence.csv"
    assert main(["measure", str(csv), "--by", "source,year", "--model", str(folder), "--min-size", "1",
                 "--min-gold", "3", "--bootstrap", "30", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    table = pd.read_csv(out)
    assert set(table["source"]) == {"A", "B"} and set(table["year"]) == {2022, 2023}
    assert {"prevalence", "ci_low", "ci_high", "raw_share", "n", "method", "design", "gold_sets"} <= set(table.columns)
    assert "error rates of stance: leave-one-corpus-out" in captured.err
    assert f"wrote {len(table)} rows" in captured.out


def test_measure_command_reuses_predictions(small_model, tmp_path, capsys):
    folder, _ = small_model
    stored = tmp_path / "predictions.csv"
    args = ["measure", "--model", str(folder), "--min-size", "1", "--min-gold", "3", "--bootstrap", "20",
            "--predictions", str(stored)]
    assert main(args) == 0 and stored.exists()
    assert "text" not in pd.read_csv(stored).columns
    first = capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == first


@pytest.mark.parametrize("method", ["pacc", "sld"])
def test_measure_labels_written_by_stance_label_gives_the_numbers_of_labelling_here(small_model, tmp_path, method):
    folder, _ = small_model
    options = dict(by="source", model=folder, n_boot=40, min_size=1, min_gold=3, method=method)
    direct = measure(**options)
    for name in ("labels.csv", "labels.jsonl", "labels.parquet"):
        path = tmp_path / name
        assert main(["label", "--model", str(folder), "--out", str(path)]) == 0
        again = measure("seeds", labels=path, **options)
        pd.testing.assert_frame_equal(again, direct, check_exact=False, rtol=1e-9)


def test_measure_labels_on_a_dask_cluster_equals_the_local_result(small_model, tmp_path):
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    folder, _ = small_model
    options = dict(by=["source", "year"], model=folder, n_boot=40, min_size=1, min_gold=3)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dataset = tmp_path / "labels.parquet"
        stance.label_dask(None, dataset, model=folder, partitions=3, partition_on=["source", "year"],
                          scheduler=cluster.scheduler_address)
        local = measure("seeds", labels=dataset, **options)
        assert (local["n"] > 0).all() and local["status"].eq("ok").any()
        for method in ("pacc", "sld"):  # pacc from per-article sums on the workers, sld from the sentences
            expected = local if method == "pacc" else measure("seeds", labels=dataset, **{**options, "method": method})
            on_dask = measure("seeds", labels=dataset, engine="dask", scheduler=cluster.scheduler_address,
                              **{**options, "method": method})
            pd.testing.assert_frame_equal(on_dask, expected, check_exact=False, rtol=1e-9)
        # without the corpus: the groups from the labels' own partition columns, reduced on the cluster
        alone = measure(labels=dataset, engine="dask", scheduler=cluster.scheduler_address, **options)
        pd.testing.assert_frame_equal(alone, local, check_exact=False, rtol=1e-9)
        article = measure("seeds", labels=dataset, engine="dask", scheduler=cluster.scheduler_address, level="article",
                          **options)
        pd.testing.assert_frame_equal(article, measure(level="article", **options), check_exact=False, rtol=1e-9)


def test_measure_labels_reports_bad_labels_in_one_line_and_keeps_groups_without_labels(small_model, seed_articles, tmp_path):
    folder, _ = small_model
    labels = tmp_path / "labels.csv"
    assert main(["label", "--model", str(folder), "--out", str(labels)]) == 0
    options = dict(model=folder, min_gold=3, n_boot=20, min_size=1)
    # an article of the corpus without labels (not labelled yet): its group is reported with n = 0
    extra = seed_articles.iloc[:1].assign(article_id="unlabelled", source="Nobody")
    table = measure(pd.concat([seed_articles, extra], ignore_index=True), labels=labels, by="source", **options)
    empty = table[table["source"] == "Nobody"]
    assert len(empty) == 9 and (empty["n"] == 0).all() and empty["status"].eq("below min_size").all()
    with pytest.raises(StanceInputError, match="labelled article.* not in corpus.*another corpus"):
        measure(seed_articles.iloc[1:], labels=labels, **options)
    frame = pd.read_csv(labels, dtype=str, keep_default_na=False)
    row = frame.index[frame["tone"] != ""][0]
    for column, value, problem in (("tone", "angry", "unknown tone 'angry'"), ("p_tone_negative", "high", "not a probability"),
                                   ("p_stance_critical", "", "not a probability"), ("topics", "weather", "unknown topic 'weather'")):
        bad = frame.copy()
        bad.loc[row, column] = value
        path = tmp_path / f"bad_{column}.csv"
        bad.to_csv(path, index=False)
        with pytest.raises(StanceInputError, match=f"bad_{column}.csv.*sentence {frame.loc[row, 'sentence_id']}.*{problem}"):
            measure("seeds", labels=path, **options)
    with pytest.raises(StanceInputError, match="labels.csv: the labels carry no article column to group by"):
        measure(labels=labels, by="speaker", **options)
    with pytest.raises(StanceInputError, match="at least 1 replicate"):
        measure(labels=labels, model=folder, n_boot=0)


def test_measure_labels_without_the_distributions_are_refused_in_one_line(small_model, tmp_path):
    folder, _ = small_model
    old = tmp_path / "old_labels.csv"
    assert main(["label", "--model", str(folder), "--out", str(old)]) == 0
    pd.read_csv(old).drop(columns=["p_stance_critical"]).to_csv(old, index=False)
    with pytest.raises(StanceInputError, match="old_labels.csv.*missing column.*p_stance_critical"):
        measure("seeds", labels=old, model=folder, min_gold=3)
    with pytest.raises(StanceInputError, match="pass them as labels"):
        measure(engine="dask", model=folder)


@pytest.mark.parametrize("argv, problem", [
    (["--by", "speaker"], "no column 'speaker' to group by; columns: source, date, year, quarter, month"),
    (["--method", "magic"], "unknown method 'magic'"),
])
def test_measure_bad_input_exits_2_with_one_line_and_no_output(tmp_path, argv, problem):
    out = tmp_path / "out.csv"
    result = subprocess.run([sys.executable, "-m", "stance", "measure", "seeds", *argv, "--out", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr and problem in lines[0]
    assert not out.exists()


def test_measure_the_seeds_with_the_shipped_model(capsys):
    assert main(["measure", "--by", "source", "--bootstrap", "50"]) == 0
    captured = capsys.readouterr()
    assert "Daily Mirror" in captured.out and "military_aid" in captured.out
    assert "error rates of military_aid: k-fold" in captured.err


def test_the_default_method_is_the_one_the_committed_validation_chose():
    import json
    from pathlib import Path

    runs = sorted(Path(__file__).resolve().parents[1].glob("experiments/results/*-quantification/validation.json"))
    assert runs, "no committed quantification validation run"
    chosen = json.loads(runs[-1].read_text(encoding="utf-8"))["chosen"]
    assert chosen["method"] == Q.DEFAULT_METHOD


def test_choose_method_prefers_methods_that_qualify_everywhere():
    from stance.experiments.quantification import choose_method

    rows = [("split", "cc", 0.10, 0.20), ("split", "acc", 0.05, 0.93), ("split", "pacc", 0.04, 0.95),
            ("across-corpora", "cc", 0.12, 0.20), ("across-corpora", "acc", 0.08, 0.91), ("across-corpora", "pacc", 0.07, 0.80)]
    methods = pd.DataFrame(rows, columns=["validation", "method", "mae", "coverage"])
    assert choose_method(methods)["method"] == "acc"  # pacc is better but does not cover across corpora
    methods.loc[4, "coverage"] = 0.5
    chosen = choose_method(methods)
    assert (chosen["method"], chosen["rule"]) == ("pacc", "split only") and "too narrow" in chosen["reason"]


def test_measure_is_a_lazy_public_attribute():
    assert callable(stance.measure) and "measure" in stance.__all__
    assert set(TASKS) == {"military_aid", "nato_membership", "reconstruction", "tone", "stance"}

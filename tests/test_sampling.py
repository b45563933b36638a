import pandas as pd
import pytest

import stance
from stance.cli import main
from stance.annotate.sampling import (BATCH_COLUMNS, PLAN_STRATA, STRATA, draw_batch, draw_corpus_batch, eligible_sentences,
                             stored_batch, stratum_signals)


@pytest.fixture(scope="module")
def batch(us_sentences):
    return draw_batch(us_sentences, 260, 260, seed=2026)


def test_batch_columns_and_sizes(batch):
    assert list(batch.columns) == BATCH_COLUMNS
    assert (batch["sample"] == "random").sum() == 260 and (batch["sample"] == "targeted").sum() == 260
    assert set(batch.loc[batch["sample"] == "targeted", "stratum"]) <= set(STRATA) | {"fill"}
    assert (batch["seed"] == 2026).all()


def test_same_seed_same_rows_other_seed_other_rows(us_sentences, batch):
    pd.testing.assert_frame_equal(draw_batch(us_sentences, 260, 260, seed=2026), batch)
    other = draw_batch(us_sentences, 260, 260, seed=7)
    assert set(other["sentence_id"]) != set(batch["sentence_id"])


def test_random_and_targeted_samples_are_disjoint(batch):
    random = set(batch.loc[batch["sample"] == "random", "sentence_id"])
    targeted = set(batch.loc[batch["sample"] == "targeted", "sentence_id"])
    assert not random & targeted and batch["sentence_id"].is_unique


def test_no_boilerplate_or_ineligible_sentence_is_sampled(us_sentences, batch):
    eligible = set(eligible_sentences(us_sentences)["sentence_id"])
    flagged = set(us_sentences.loc[us_sentences["boilerplate"], "sentence_id"])
    assert set(batch["sentence_id"]) <= eligible and not set(batch["sentence_id"]) & flagged


def test_every_targeted_sentence_carries_its_stratum_signal(batch):
    for name in STRATA:
        texts = batch.loc[batch["stratum"] == name, "text"]
        assert len(texts) > 0 and stratum_signals(texts)[name].all(), name
    assert "critical_cues" in STRATA and "negative_vader" in STRATA


def test_too_large_a_sample_is_an_error(us_sentences):
    with pytest.raises(ValueError, match="eligible"):
        draw_batch(us_sentences.head(50), 40, 40, seed=1)


def test_sample_command_writes_the_batch(tmp_path, capsys):
    out = tmp_path / "batch.csv"
    assert main(["sample", "us-government-2022", "--random", "20", "--targeted", "12", "--seed", "3", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    # a corpus of the data home: spans and a hash are stored, never the sentence
    assert "text" not in table.columns and {"start", "end", "text_sha256"} <= set(table.columns) and len(table) == 32
    assert set(table["sample"]) == {"random", "targeted"}
    assert "wrote 32 sentences (seed 3)" in capsys.readouterr().out


def test_sample_command_too_large_exits_2(tmp_path, capsys):
    out = tmp_path / "batch.csv"
    assert main(["sample", "--random", "500", "--targeted", "0", "--out", str(out)]) == 2
    assert "eligible" in capsys.readouterr().err and not out.exists()


def test_stored_batch_is_reproducible(batch, us_sentences):
    from pathlib import Path

    stored = pd.read_csv(Path(__file__).resolve().parents[1] / "annotations" / "us-government-2022" / "batch.csv",
                         dtype={"seed": int}, keep_default_na=False)
    fresh = stored_batch(batch, us_sentences)
    pd.testing.assert_frame_equal(stored, fresh.reset_index(drop=True), check_dtype=False)


@pytest.fixture(scope="module")
def kremlin():
    articles = stance.load_corpus("kremlin-2021-2022")
    articles = articles[articles["date"] >= "2022-02-20"].head(60)
    return articles, stance.split_sentences(articles)


def test_plan_batch_is_reproducible_disjoint_and_uses_its_voices(kremlin):
    articles, sentences = kremlin
    weights = {"critical_voice": 3, "strong_tone": 0.5}
    first = draw_corpus_batch(articles, sentences, 40, 80, seed=11, voices="all", weights=weights)
    again = draw_corpus_batch(articles, sentences, 40, 80, seed=11, voices="all", weights=weights)
    pd.testing.assert_frame_equal(first, again)
    assert first["sentence_id"].is_unique and len(first) == 120
    assert set(first["stratum"]) <= set(PLAN_STRATA) | {"random", "fill"}
    # the critical-voice stratum takes the largest share when its weight is the largest
    counts = first.loc[first["sample"] == "targeted", "stratum"].value_counts()
    assert counts.idxmax() == "critical_voice"
    none = draw_corpus_batch(articles, sentences, 40, 80, seed=11, voices="", weights=weights)
    assert "critical_voice" not in set(none["stratum"])
    other = draw_corpus_batch(articles, sentences, 40, 80, seed=12, voices="all", weights=weights)
    assert set(other["sentence_id"]) != set(first["sentence_id"])


def test_plan_rejects_an_unknown_stratum_and_a_bad_query(kremlin):
    articles, sentences = kremlin
    with pytest.raises(ValueError, match="unknown stratum"):
        draw_corpus_batch(articles, sentences, 5, 5, seed=1, weights={"critical": 1})
    with pytest.raises(ValueError, match="voices query"):
        draw_corpus_batch(articles, sentences, 5, 5, seed=1, voices="no_such_column == 1")


def test_stored_plan_batch_has_no_text_and_matches_the_corpora():
    from pathlib import Path

    from stance.annotate.sampling import text_hash

    stored = pd.read_csv(Path(__file__).resolve().parents[1] / "annotations" / "critical-voices" / "batch.csv",
                         dtype=str, keep_default_na=False)
    assert "text" not in stored.columns and len(stored) >= 2500
    random = stored[stored["sample"] == "random"].groupby("corpus").size()
    assert (random >= 150).all() and len(random) == 5
    part = stored[stored["corpus"] == "kremlin-2021-2022"].head(30)
    articles = stance.load_corpus("kremlin-2021-2022").set_index("article_id")
    for row in part.itertuples():
        text = articles.loc[row.article_id, "text"][int(row.start):int(row.end)]
        assert text_hash(text) == row.text_sha256


def test_plan_never_draws_an_excluded_sentence(kremlin):
    articles, sentences = kremlin
    first = draw_corpus_batch(articles, sentences, 30, 30, seed=5, voices="all")
    second = draw_corpus_batch(articles, sentences, 30, 30, seed=5, voices="all", exclude=set(first["sentence_id"]))
    assert not set(first["sentence_id"]) & set(second["sentence_id"])


def test_second_batch_is_disjoint_from_the_first():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "annotations"
    first = pd.read_csv(folder / "critical-voices" / "batch.csv", dtype=str)
    second = pd.read_csv(folder / "critical-voices-2" / "batch.csv", dtype=str)
    assert not set(first["sentence_id"]) & set(second["sentence_id"])
    assert (second["sample"] == "targeted").all()


def test_a_plan_can_exclude_only_an_earlier_batch_s_random_sample(tmp_path):
    from stance.annotate.sampling import read_plan

    pd.DataFrame({"sentence_id": ["r1", "r2", "t1"], "sample": ["random", "random", "targeted"]}).to_csv(tmp_path / "earlier.csv", index=False)
    plan = tmp_path / "plan.toml"
    plan.write_text('seed = 1\nexclude = [{ batch = "earlier.csv", sample = "random" }]\n'
                    '[corpora.kremlin-2021-2022]\nrandom = 5\ntargeted = 0\n')
    assert read_plan(plan)["exclude_ids"] == {"r1", "r2"}
    plan.write_text('seed = 1\nexclude = ["earlier.csv"]\n[corpora.kremlin-2021-2022]\nrandom = 5\ntargeted = 0\n')
    assert read_plan(plan)["exclude_ids"] == {"r1", "r2", "t1"}


def test_third_batch_extends_the_first_random_sample():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "annotations"
    first = pd.read_csv(folder / "critical-voices" / "batch.csv", dtype=str)
    third = pd.read_csv(folder / "critical-voices-3" / "batch.csv", dtype=str)
    assert (third["sample"] == "random").all() and (third.groupby("corpus").size() == 150).all()
    assert not set(first.loc[first["sample"] == "random", "sentence_id"]) & set(third["sentence_id"])

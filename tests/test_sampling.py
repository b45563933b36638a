import pandas as pd
import pytest

import stance
from stance.cli import main
from stance.sampling import BATCH_COLUMNS, STRATA, draw_batch, eligible_sentences, stratum_signals


@pytest.fixture(scope="module")
def us_sentences():
    return stance.split_sentences(stance.load_corpus("us-government-2022"))


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
    assert list(table.columns) == BATCH_COLUMNS and len(table) == 32
    assert set(table["sample"]) == {"random", "targeted"}
    assert "wrote 32 sentences (seed 3)" in capsys.readouterr().out


def test_sample_command_too_large_exits_2(tmp_path, capsys):
    out = tmp_path / "batch.csv"
    assert main(["sample", "--random", "500", "--targeted", "0", "--out", str(out)]) == 2
    assert "eligible" in capsys.readouterr().err and not out.exists()


def test_stored_batch_is_reproducible(batch):
    from pathlib import Path

    stored = pd.read_csv(Path(__file__).resolve().parents[1] / "annotations" / "us-government-2022" / "batch.csv",
                         dtype={"seed": int}, keep_default_na=False)
    pd.testing.assert_frame_equal(stored, batch, check_dtype=False)

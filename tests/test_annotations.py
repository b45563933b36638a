from pathlib import Path

import pandas as pd
import pytest

import stance
from stance.annotate.annotations import GOLD_COLUMNS, agreement, build_gold, read_labels
from stance.cli import main
from stance.labels import STANCES, TONES, TOPICS

REPO = Path(__file__).resolve().parents[1]
SEED_SET = REPO / "annotations" / "seed"
GOLD_FILE = Path(stance.__file__).parent / "data" / "seed_gold.csv"


@pytest.fixture(scope="module")
def gold():
    return stance.load_annotations()


def test_gold_schema_and_labels(gold):
    raw = pd.read_csv(GOLD_FILE, dtype=str, keep_default_na=False)
    assert list(raw.columns) == GOLD_COLUMNS
    assert all(set(t) <= set(TOPICS) for t in gold["topics"])
    assert set(gold["tone"]) <= set(TONES) and set(gold["stance"]) <= set(STANCES)
    disagree = raw[(raw.tone_a != raw.tone_b) | (raw.stance_a != raw.stance_b) | (raw.topics_a != raw.topics_b)]
    assert len(disagree) > 0 and (disagree["adjudication"].str.len() > 10).all()


def test_every_non_boilerplate_seed_sentence_has_gold(gold, seed_sentences):
    reporting = seed_sentences[~seed_sentences["boilerplate"]]
    assert sorted(gold["sentence_id"]) == sorted(reporting["sentence_id"])
    assert set(gold["role"]) == {"title", "standfirst", "body"}


def _gold_of(gold, prefix):
    rows = gold[gold["text"].str.contains(prefix, regex=False)]
    assert len(rows) == 1, prefix
    return rows.iloc[0]


@pytest.mark.parametrize("prefix, topics", [
    ("Britain will send 14 Challenger 2 main battle tanks", ["military_aid"]),
    ("Poland has offered to provide a company of German-built Leopard 2", ["military_aid"]),
    ("The UK has also trained more than 27,000 members", ["military_aid"]),
    ("from the battlefield to banking guarantees", ["military_aid", "reconstruction"]),
    ("Kyiv has long called for Ukraine to be admitted to Nato", ["nato_membership"]),
    ("Both agreed the arrangements will not be a substitute for NATO membership", ["nato_membership"]),
    ("The UK is preparing to host a conference focused on Ukraine’s economic recovery", ["reconstruction"]),
    ("allocating frozen assets for Ukraine's reconstruction", ["reconstruction"]),
    ("Ukraine can count on the UK’s support, James Cleverly told", []),
    ("Mr Cleverly will meet US Secretary of State Antony Blinken on Tuesday", []),
])
def test_gold_agrees_with_the_topic_examples_of_the_scheme(gold, prefix, topics):
    assert _gold_of(gold, prefix)["topics"] == topics


@pytest.mark.parametrize("prefix, tone, stance", [
    ("We are very grateful for the support that the UK has provided", "positive", None),
    ("What your soldiers are doing on the front line, it is inspiring", "positive", None),
    ("Their stories of suffering were a painful reminder", "negative", None),
    ("angrily blasted the alliance", "negative", None),
    ("Mr Cleverly will meet US Secretary of State Antony Blinken on Tuesday", "neutral", None),
    ("I was able to see for myself the true horrors", "negative", "supportive"),
    ("Britain will send 14 Challenger 2 main battle tanks", "neutral", "neutral"),
    ("When we made the commitment publicly that we will continue backing you", "positive", "supportive"),
])
def test_gold_agrees_with_the_tone_and_stance_examples_of_the_scheme(gold, prefix, tone, stance):
    row = _gold_of(gold, prefix)
    assert row["tone"] == tone
    if stance:
        assert row["stance"] == stance


def test_agreement_is_computed_from_the_stored_passes():
    a, b = read_labels(SEED_SET / "pass_a.csv"), read_labels(SEED_SET / "pass_b.csv")
    result = agreement(a, b)
    assert result["n"] == 101
    assert 0 < result["tone"]["kappa"] <= 1 and result["tone"]["confusion"].to_numpy().sum() == 101
    disagreements = int((a.sort_values("sentence_id")["tone"].values != b.sort_values("sentence_id")["tone"].values).sum())
    assert result["tone"]["agreement"] == pytest.approx(1 - disagreements / 101)


def test_agreement_kappa_on_a_known_case():
    a = pd.DataFrame({"sentence_id": list("abcd"), "topics": [[]] * 4, "tone": ["positive", "positive", "neutral", "neutral"], "stance": ["neutral"] * 4})
    b = a.assign(tone=["positive", "neutral", "neutral", "neutral"])
    result = agreement(a, b)
    assert result["tone"]["kappa"] == pytest.approx(0.5)  # po = .75, pe = .5
    assert result["tone"]["agreement"] == pytest.approx(0.75)


@pytest.mark.parametrize("folder, corpus, name, gold, suffix", [
    ("seed", "seeds", "seed corpus", "seed_gold.csv", ""),
    ("us-government-2022", "us-government-2022", "U.S. government corpus", "gold/us-government-2022.csv", "_us"),
])
def test_build_reproduces_the_committed_gold_and_reports(tmp_path, folder, corpus, name, gold, suffix):
    args = ["annotations", "build", str(REPO / "annotations" / folder), "--corpus", corpus, "--name", name,
            "--gold", str(tmp_path / "gold.csv"), "--report", str(tmp_path / "agree.md"), "--stats", str(tmp_path / "stats.md")]
    assert main(args) == 0
    assert (tmp_path / "gold.csv").read_bytes() == (REPO / "stance" / "data" / gold).read_bytes()
    assert (tmp_path / "agree.md").read_text() == (REPO / "docs" / f"annotation_agreement{suffix}.md").read_text()
    assert (tmp_path / "stats.md").read_text() == (REPO / "docs" / f"label_statistics{suffix}.md").read_text()


def test_us_gold_loads_by_name_and_keeps_the_two_samples_apart(bundled_gold):
    gold = bundled_gold("us-government-2022")
    assert len(gold) >= 500
    assert set(gold["sample"]) == {"random", "targeted"}
    assert (gold["sample"] == "random").sum() >= 250 and (gold["sample"] == "targeted").sum() >= 250
    assert (gold.loc[gold["sample"] == "random", "stratum"] == "random").all()


def test_a_disagreement_without_adjudication_is_rejected(seed_sentences):
    a, b = read_labels(SEED_SET / "pass_a.csv"), read_labels(SEED_SET / "pass_b.csv")
    with pytest.raises(stance.StanceInputError, match="disagree and there is no adjudication"):
        build_gold(seed_sentences, a, b, a.iloc[0:0])


def test_an_adjudication_without_reasons_is_refused_by_the_command_line(tmp_path, capsys):
    folder = tmp_path / "seed"
    folder.mkdir()
    for name in ("pass_a.csv", "pass_b.csv"):
        (folder / name).write_bytes((SEED_SET / name).read_bytes())
    adjudication = pd.read_csv(SEED_SET / "adjudication.csv", dtype=str, keep_default_na=False)
    adjudication.drop(columns="reason").to_csv(folder / "adjudication.csv", index=False)
    argv = ["annotations", "build", str(folder), "--gold", str(tmp_path / "gold.csv"),
            "--report", str(tmp_path / "report.md"), "--stats", str(tmp_path / "stats.md")]
    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == f"stance: error: {folder / 'adjudication.csv'}: missing column(s) reason"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed"]


def _write_gold(tmp_path, edit, source=GOLD_FILE):
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    edit(frame)
    path = tmp_path / "gold.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_shifted_annotation_is_rejected_naming_the_sentence(tmp_path):
    def shift(frame):
        frame.loc[5, "start"] = str(int(frame.loc[5, "start"]) + 1)
    path = _write_gold(tmp_path, shift)
    sid = pd.read_csv(path, dtype=str).loc[5, "sentence_id"]
    with pytest.raises(stance.StanceInputError, match=f"sentence {sid} .* no longer aligns"):
        stance.load_annotations(path, corpus="seeds")


def test_changed_text_is_rejected(tmp_path):
    def change(frame):
        frame.loc[3, "text"] = frame.loc[3, "text"].upper()
    with pytest.raises(stance.StanceInputError, match="its text differs"):
        stance.load_annotations(_write_gold(tmp_path, change), corpus="seeds")


@pytest.mark.parametrize("column, value, message", [
    ("tone", "angry", "unknown tone 'angry'"),
    ("stance", "pro", "unknown stance 'pro'"),
    ("topics", "military_aid;sanctions", "unknown topic 'sanctions'"),
])
def test_a_label_outside_the_scheme_is_rejected(tmp_path, column, value, message):
    def corrupt(frame):
        frame.loc[2, column] = value
    path = _write_gold(tmp_path, corrupt)
    with pytest.raises(stance.StanceInputError, match=f"line 4 .*{message}"):
        stance.load_annotations(path)


def test_an_annotation_on_a_boilerplate_sentence_is_rejected(tmp_path, seed_sentences):
    flagged = seed_sentences[seed_sentences["boilerplate"]].iloc[0]

    def add(frame):
        frame.loc[len(frame)] = {**frame.iloc[0].to_dict(), "article_id": flagged.article_id, "sentence_id": flagged.sentence_id,
                                 "start": str(flagged.start), "end": str(flagged.end), "text": flagged.text}
    with pytest.raises(stance.StanceInputError, match="flagged as boilerplate"):
        stance.load_annotations(_write_gold(tmp_path, add), corpus="seeds")


US_GOLD_FILE = Path(stance.__file__).parent / "data" / "gold" / "us-government-2022.csv"


def test_third_party_gold_stores_a_hash_and_joins_the_text_from_the_corpus(bundled_gold, us_articles):
    stored = pd.read_csv(US_GOLD_FILE, dtype=str, keep_default_na=False)
    assert "text" not in stored.columns and stored["text_sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    gold = bundled_gold("us-government-2022")
    articles = us_articles.set_index("article_id")
    row = gold.iloc[0]
    assert articles.loc[row["article_id"], "text"][row["start"]:row["end"]] == row["text"]


def _zero_hash(frame):
    frame.loc[3, "text_sha256"] = "0" * 64


def _shift_span(frame):
    frame.loc[3, "start"] = str(int(frame.loc[3, "start"]) + 1)


@pytest.mark.parametrize("edit, problem", [(_zero_hash, "text differs from the corpus"), (_shift_span, "no sentence has that span")])
def test_hashed_gold_that_no_longer_matches_is_rejected_naming_the_sentence(tmp_path, edit, problem):
    path = _write_gold(tmp_path, edit, source=US_GOLD_FILE)
    sid = pd.read_csv(path, dtype=str).loc[3, "sentence_id"]
    with pytest.raises(stance.StanceInputError, match=f"sentence {sid} .*{problem}"):
        stance.load_annotations(path, corpus="us-government-2022")


def test_hashed_gold_without_its_corpus_is_refused():
    with pytest.raises(stance.StanceInputError, match="load it with its corpus"):
        stance.load_annotations(US_GOLD_FILE)


def test_no_committed_file_holds_a_sentence_of_a_data_home_corpus(bundled_gold):
    import subprocess

    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    long_sentences = []
    for name in ("us-government-2022", "kremlin-2021-2022", "congress-tweets-2021-2022"):
        gold = bundled_gold(name)
        long_sentences += [t for t in gold["text"] if len(t) >= 80][:150]
    for name in files:
        path = REPO / name
        if path.suffix not in {".csv", ".md", ".py", ".toml", ".json", ".ipynb", ".txt", ".jsonl"} or "seeds" in path.parts:
            continue
        content = path.read_text(encoding="utf-8", errors="ignore")
        leaked = [t for t in long_sentences if t in content]
        assert not leaked, f"{name} holds a sentence of a data-home corpus: {leaked[0][:60]!r}"


def test_critical_voices_build_reproduces_the_committed_gold_and_counts_redrawn_sentences_as_random(tmp_path):
    folders = [str(REPO / "annotations" / f) for f in ("critical-voices", "critical-voices-2", "critical-voices-3")]
    args = ["annotations", "build", *folders, "--name", "critical voices and new genres",
            "--gold", str(tmp_path / "{corpus}.csv"), "--report", str(tmp_path / "agree.md"), "--stats", str(tmp_path / "stats.md")]
    assert main(args) == 0
    assert (tmp_path / "agree.md").read_text() == (REPO / "docs" / "annotation_agreement_critical_voices.md").read_text()
    third = pd.read_csv(REPO / "annotations" / "critical-voices-3" / "batch.csv", dtype=str)
    earlier = pd.concat([pd.read_csv(REPO / "annotations" / f / "batch.csv", dtype=str) for f in ("critical-voices", "critical-voices-2")])
    redrawn = set(third["sentence_id"]) & set(earlier.loc[earlier["sample"] == "targeted", "sentence_id"])
    assert redrawn  # the third batch's random draw met earlier targeted sentences: labelled once, counted as random
    for corpus in sorted(set(third["corpus"])):
        built = pd.read_csv(tmp_path / f"{corpus}.csv", dtype=str, keep_default_na=False)
        assert built.to_csv(index=False) == pd.read_csv(REPO / "stance" / "data" / "gold" / f"{corpus}.csv", dtype=str,
                                                         keep_default_na=False).to_csv(index=False)
        assert built["sentence_id"].is_unique
        assert (built.loc[built["sentence_id"].isin(redrawn), "sample"] == "random").all()
        assert (built["sample"] == "random").sum() == 300

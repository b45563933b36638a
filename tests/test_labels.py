import numpy as np
import pandas as pd
import pytest

from stance.annotate.annotations import validate_labels
from stance.errors import StanceInputError
from stance.labels import SCHEME, STANCES, TONES, TOPICS, LabelError, Task
from stance.models.classifier import LABEL_COLUMNS, PROBA_COLUMNS
from stance.quantify.predictions import TASK_CLASSES, TASKS

NEW_TOPIC = "humanitarian_aid"


def test_the_module_constants_and_columns_come_from_the_scheme():
    assert TOPICS == SCHEME.topics
    assert (TONES, STANCES) == tuple(t.classes for t in SCHEME.single)
    assert PROBA_COLUMNS == SCHEME.proba_columns()
    assert LABEL_COLUMNS[-4:] == ["tone", "tone_score", "stance", "stance_score"]
    assert TASKS == (*TOPICS, "tone", "stance") and TASK_CLASSES["military_aid"] == ("absent", "present")


@pytest.mark.parametrize("name, low, high", [("tone", "negative", "positive"), ("stance", "critical", "supportive")])
def test_classes_run_in_polarity_order_and_encode_both_ways(name, low, high):
    task = SCHEME.task(name)
    assert (task.low, task.classes[1], task.high) == (low, "neutral", high)
    codes = task.encode([high, low, "neutral"])
    assert codes.tolist() == [2, 0, 1] and task.decode(codes) == [high, low, "neutral"]
    assert task.score_of([low, "neutral", high]).tolist() == [-1.0, 0.0, 1.0]
    # The expected score of a distribution is P(high) - P(low).
    assert task.expected_score([[0.2, 0.3, 0.5]]).tolist() == pytest.approx([0.3])
    assert [SCHEME.band_label(s, name) for s in (-0.5, 0.1, 0.2)] == [low, "neutral", high]
    with pytest.raises(LabelError, match=f"unknown {name} 'other'"):
        task.encode(["other"])


def test_a_task_out_of_polarity_order_is_refused():
    with pytest.raises(ValueError, match="polarity order"):
        Task("tone", ("positive", "neutral", "negative"), (1.0, 0.0, -1.0))


def test_a_topic_added_to_the_scheme_reaches_parsing_validation_encoding_and_articles():
    scheme = SCHEME.with_topics(NEW_TOPIC)
    frame = pd.DataFrame({"sentence_id": ["a-s1", "a-s2", "a-s3", "a-s4"],
                          "topics": [f"{NEW_TOPIC};military_aid", NEW_TOPIC, "", "reconstruction"],
                          "tone": ["negative", "neutral", "neutral", "positive"],
                          "stance": ["supportive", "neutral", "critical", "supportive"]})
    # The shipped scheme does not know the topic; the extended one does, in its own order.
    with pytest.raises(StanceInputError, match=f"unknown topic '{NEW_TOPIC}'"):
        validate_labels(frame, "x.csv")
    valid = validate_labels(frame, "x.csv", scheme=scheme)
    assert valid["topics"].tolist() == [["military_aid", NEW_TOPIC], [NEW_TOPIC], [], ["reconstruction"]]

    matrix = scheme.encode_topics(valid["topics"])
    assert matrix.shape == (4, 4) and matrix[:, 3].tolist() == [1, 1, 0, 0]
    assert scheme.decode_topics(matrix) == valid["topics"].tolist()
    assert f"p_{NEW_TOPIC}" in scheme.proba_columns()
    assert scheme.task(NEW_TOPIC).classes == ("absent", "present")
    assert NEW_TOPIC in [t.name for t in scheme.measured_tasks]

    articles = scheme.aggregate_articles(scheme.gold_scores(valid.assign(article_id="a")))
    assert f"share_{NEW_TOPIC}" in scheme.article_columns()
    assert list(articles.columns[1:-1]) == ["title", "n_sentences", *scheme.article_columns()]
    row = articles.iloc[0]
    assert row[f"share_{NEW_TOPIC}"] == 0.5 and row["main_topic"] == NEW_TOPIC
    assert row["topics"] == ["military_aid", "reconstruction", NEW_TOPIC]
    assert row["stance_score"] == pytest.approx(0.25) and row["stance"] == "supportive"
    assert np.isclose(row["tone_score"], 0.0) and row["tone"] == "neutral"

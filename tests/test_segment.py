import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stance
from stance.ingest.corpus import first_line
from stance.ingest.text import normalise
from stance.ingest.segment import SENTENCE_COLUMNS, sentence_spans

REPO = Path(__file__).resolve().parents[1]


def _split(text, title=None):
    articles = pd.DataFrame([{
        "article_id": "t", "title": title if title is not None else first_line(text),
        "text": text, "source": "", "date": "",
    }])
    return stance.split_sentences(articles)


def _texts(text):
    return list(_split(text, title="")["text"])


def test_sentence_table_columns(seed_sentences):
    assert list(seed_sentences.columns) == SENTENCE_COLUMNS
    assert seed_sentences["sentence_id"].is_unique
    assert set(seed_sentences["role"]) == {"title", "standfirst", "body"}


def test_spans_round_trip(seed_articles, seed_sentences):
    texts = dict(zip(seed_articles["article_id"], seed_articles["text"]))
    for row in seed_sentences.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.text


def test_every_non_empty_seed_line_is_covered_without_gaps_or_overlaps(seed_articles, seed_sentences):
    for article in seed_articles.itertuples():
        spans = seed_sentences.loc[seed_sentences.article_id == article.article_id, ["start", "end"]].values
        covered = [0] * len(article.text)
        for start, end in spans:
            for i in range(start, end):
                covered[i] += 1
        assert max(covered) == 1, f"overlap in {article.article_id}"
        for match in re.finditer(r"[^\n]+", article.text):
            gaps = [c for i, c in enumerate(match.group(), match.start()) if not covered[i] and not c.isspace()]
            assert gaps == [], f"{article.article_id}: uncovered {''.join(gaps)!r} in line {match.group()[:40]!r}"
        raw = (REPO / "seeds" / f"{article.article_id}.txt").read_text(encoding="utf-8")
        assert len([l for l in raw.splitlines() if l.strip()]) == len(re.findall(r"[^\n]*\S[^\n]*", article.text))


def test_glued_sentences_are_repaired(seed_sentences):
    texts = list(seed_sentences["text"])
    i = texts.index("Your support makes all the difference.")
    assert texts[i + 1].startswith("Ukraine can count on the UK’s support, James Cleverly told")
    j = texts.index("Teachers, civil servants and train drivers walk out in biggest strike in decade")
    assert texts[j + 1].startswith('Mr Sunak told the President: "What your soldiers')
    assert seed_sentences.iloc[j]["boilerplate_reason"] == "pasted_headline"
    assert not seed_sentences.iloc[j + 1]["boilerplate"]


def test_roles_of_titles_and_standfirsts(seed_sentences):
    by_role = seed_sentences.groupby("role")["sentence_id"].apply(list)
    assert len(by_role["title"]) == 5
    assert "000_74b541bcf977c09e-s001" in by_role["standfirst"]
    assert "004_da9f7f9f92541ef4-s001" in by_role["standfirst"]
    assert not any(s.startswith("002_") for s in by_role["standfirst"])


@pytest.mark.parametrize("text", [
    "Mr Sunak met Sir Keir. Dr. Smith and Mr. Jones were there.",
    "No10 aides said the US will pay £2.3 billion. The UK agreed.",
    "It was agreed at 3 p.m. on Friday. Then talks ended.",
])
def test_abbreviations_and_numbers_do_not_split(text):
    assert len(_texts(text)) == 2


def test_titles_and_honorifics_stay_inside_sentences():
    assert _texts("Mr. Zelensky met Sir Keir Starmer and Dr Smith in No10.") == [
        "Mr. Zelensky met Sir Keir Starmer and Dr Smith in No10."
    ]


def test_quotes_spanning_sentences_split_with_their_quote_marks():
    text = "He said: “We will help. We will not stop.” Then he left."
    assert _texts(text) == ["He said: “We will help.", "We will not stop.”", "Then he left."]


def test_paragraph_breaks_are_hard_boundaries():
    assert _texts("A heading without a full stop\nThe next line is a sentence.") == [
        "A heading without a full stop", "The next line is a sentence.",
    ]


def test_camel_case_names_are_not_glue():
    assert _texts("He sent a WhatsApp message to BlackRock staff and YouTube viewers.") == [
        "He sent a WhatsApp message to BlackRock staff and YouTube viewers."
    ]


def _check_cover(text):
    spans = sentence_spans(text)
    position = 0
    for span in spans:
        assert span["start"] >= position, "spans overlap or are out of order"
        assert text[position:span["start"]].strip() == "", "a gap holds text"
        sentence = text[span["start"]:span["end"]]
        assert sentence and sentence == sentence.strip()
        position = span["end"]
    assert text[position:].strip() == ""


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("aZ .!?\n“”\"'’£1MrsNo") + ["Mr ", "Sir ", ". ", "\n\n", "decadeMr ", "end.Next "]), max_size=60).map("".join))
def test_any_text_is_covered_by_its_spans_without_overlap(text):
    _check_cover(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_unicode_text_is_covered_by_its_spans_without_overlap(text):
    _check_cover(normalise(text))


def test_a_lead_in_colon_glued_to_its_sentence_is_split():
    assert _texts("Kirby provided the following readout:Secretary of Defense Lloyd J. Austin III spoke with him.") == [
        "Kirby provided the following readout:", "Secretary of Defense Lloyd J. Austin III spoke with him.",
    ]
    assert _texts("It met at 12:52 P.M. today.") == ["It met at 12:52 P.M. today."]


def test_legal_abbreviations_do_not_split():
    assert _texts("Today’s actions were taken pursuant to Executive Order (E.O.) 14024. Sec. 2 applies.") == [
        "Today’s actions were taken pursuant to Executive Order (E.O.) 14024.", "Sec. 2 applies.",
    ]


def test_recurring_camel_case_names_are_not_glue():
    text = "Today, OFAC is targeting nine InfoRos employees. InfoRos is a news agency."
    assert _texts(text) == ["Today, OFAC is targeting nine InfoRos employees.", "InfoRos is a news agency."]


def test_spreadsheet_carriage_returns_are_removed():
    assert normalise("the way ahead._x000D_\n _x000D_\nSecretary") == "the way ahead.\n \nSecretary"

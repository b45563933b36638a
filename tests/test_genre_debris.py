"""Debris and segmentation of the new genres (posts, transcripts, state releases, UN statements), on real
sentences of the corpora in the data home, named by id: their text stays in the corpus, not in the tests."""

import pytest

import stance
from stance.ingest.boilerplate import sentence_reason


@pytest.fixture(scope="module")
def split():
    cache = {}

    def sentences(corpus, article_ids):
        key = (corpus, tuple(article_ids))
        if key not in cache:
            articles = stance.load_corpus(corpus)
            cache[key] = stance.split_sentences(articles[articles["article_id"].isin(article_ids)]).set_index("sentence_id")
        return cache[key]
    return sentences


# (corpus, sentence id, expected reason): flagged real sentences, and real sentences that must stay unflagged ("").
CASES = [
    ("congress-tweets-2021-2022", "ct-1504204222908280836-s002", "no_words"),   # a hashtag and a link
    ("congress-tweets-2021-2022", "ct-1504157460902432769-s001", "no_words"),   # a bare t.co link
    ("congress-tweets-2021-2022", "ct-1501591240000909324-s002", ""),           # words and a link
    ("congress-tweets-2021-2022", "ct-1504104626576146432-s000", ""),           # a sentence with @ZelenskyyUa
    ("congress-tweets-2021-2022", "ct-1500138665053507595-s000", ""),
]


@pytest.mark.parametrize("corpus, sentence_id, reason", CASES)
def test_real_sentences_of_the_new_genres(split, corpus, sentence_id, reason):
    article = sentence_id.rsplit("-s", 1)[0]
    sentences = split(corpus, [article])
    assert sentences.loc[sentence_id, "boilerplate_reason"] == reason


def test_a_handle_is_not_split_as_glue(split):
    sentences = split("congress-tweets-2021-2022", ["ct-1504104626576146432"])
    first = sentences.loc["ct-1504104626576146432-s000", "text"]
    assert "@ZelenskyyUa" in first and first.endswith(".")


@pytest.mark.parametrize("sentence, reason", [
    ("<!-- -->", "markup"), ("<br>", "markup"), ("🧵", "no_words"), ("#StandWithUkraine 🇺🇦", "no_words"),
    ("1/5", "no_words"), ("<…>", "no_words"), ("2.", "no_words"),
    ("We #StandWithUkraine", ""), ("Putin must pay. https://t.co/x", ""), ("Q Okay.", ""), ("The 4/5 vote passed.", ""),
])
def test_general_patterns(sentence, reason):
    assert sentence_reason(sentence) == reason


def test_made_up_titles_do_not_make_a_statement_off_page(split):
    # UN statements carry titles such as "AGO statement, UN General Debate 2022": not a page title
    sentences = split("un-general-debate-2022-2023", ["ungd-BLZ-2022", "ungd-NZL-2022"])
    assert not (sentences["boilerplate_reason"] == "off_page").any() and len(sentences) > 40


def test_transcript_furniture_of_a_press_briefing(split):
    articles = stance.load_corpus("white-house-2021-2026")
    briefing = articles[articles["genre"] == "press-briefings"].head(3)["article_id"].tolist()
    sentences = split("white-house-2021-2026", briefing)
    notes = sentences[sentences["text"].isin(["(Laughter.)", "(Applause.)"])]
    assert (notes["boilerplate_reason"] == "transcript_note").all()
    questions = sentences[sentences["text"].str.match(r"Q [A-Z]") & (sentences["text"].str.split().str.len() > 6)]
    assert len(questions) and not questions["boilerplate"].any()

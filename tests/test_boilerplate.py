import pytest

from stance.ingest.boilerplate import flag_boilerplate, sentence_reason

SEED_FLAGS = {
    "000_74b541bcf977c09e": {f"s{i:03d}": "donation_appeal" for i in range(2, 11)},
    "001_c3a65602f16b9f6e": {"s002": "photo_credit", "s013": "promo", "s014": "promo", "s015": "promo"},
    "002_7e0565e5748f6858": {"s011": "pasted_headline", "s023": "social_follow"},
    "003_d90b2c8b1cc3f814": {},
    "004_da9f7f9f92541ef4": {},
}


def test_seed_debris_is_flagged_and_nothing_else(seed_sentences):
    flagged = seed_sentences[seed_sentences["boilerplate"]]
    found = {}
    for row in flagged.itertuples():
        found.setdefault(row.article_id, {})[row.sentence_id.rsplit("-", 1)[1]] = row.boilerplate_reason
    assert found == {k: v for k, v in SEED_FLAGS.items() if v}
    assert (seed_sentences["boilerplate"] == (seed_sentences["boilerplate_reason"] != "")).all()


def test_appeal_block_boundaries(seed_sentences):
    texts = seed_sentences.set_index("sentence_id")["text"]
    assert texts["000_74b541bcf977c09e-s002"] == "Your support helps us to tell the story"
    assert texts["000_74b541bcf977c09e-s010"] == "Your support makes all the difference."


@pytest.mark.parametrize("sentence, reason", [
    ("Follow us on Instagram, X and Threads", "social_follow"),
    ("Like The Herald on Facebook", "social_follow"),
    ("Photo: Getty Images", "photo_credit"),
    ("(Reuters)", "photo_credit"),
    ("Sign up to our free Ukraine war newsletter", "newsletter"),
    ("© 2024 Example Media. All rights reserved.", "notice"),
    ("Read more: Zelensky visits Washington", "pasted_headline"),
    ("Please consider making a donation today.", "donation_appeal"),
    ("Download our podcast now, new episode every Friday.", "promo"),
])
def test_general_patterns(sentence, reason):
    assert sentence_reason(sentence) == reason


@pytest.mark.parametrize("sentence", [
    "He wrote on Facebook: “We discussed our defence needs.”",
    "“Thank you for your support,” Zelensky told the US Congress.",
    "The Independent Commission said the strike killed 12 people.",
    "Allies will watch the summit closely as the story develops.",
    "The credit facility will support Ukraine's budget.",
    "The UK will donate 14 tanks and make a contribution to the fund.",
    "Russia continued to follow its plan of shelling cities on the front line.",
])
def test_reporting_sentences_are_not_flagged(sentence):
    assert sentence_reason(sentence) == ""


def test_appeal_cues_far_apart_do_not_flag_the_reporting_between_them():
    texts = ["Please donate today.", "a.", "b.", "c.", "d.", "Your support makes all the difference."]
    sentences = [{"text": t, "paragraph": i, "glued": ""} for i, t in enumerate(texts)]
    assert flag_boilerplate(sentences) == ["donation_appeal", "", "", "", "", "donation_appeal"]


def test_unpunctuated_fragment_glued_to_next_sentence_is_a_pasted_headline():
    sentences = [
        {"text": "Oil prices hit record high", "paragraph": 0, "glued": "camel"},
        {"text": "The minister said so.", "paragraph": 0, "glued": ""},
        {"text": "A full sentence.", "paragraph": 1, "glued": "camel"},
    ]
    assert flag_boilerplate(sentences) == ["pasted_headline", "", ""]

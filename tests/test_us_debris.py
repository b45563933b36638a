"""Web debris of the bundled U.S. government corpus: each rule on real sentences from it."""

import pytest

from stance.ingest.boilerplate import flag_boilerplate, is_off_page, sentence_reason

# us_sentences (tests/conftest.py): the split of the us-government-2022 corpus, shared with the sampling tests.


@pytest.mark.parametrize("sentence, reason", [
    ("###", "end_marker"),
    ("2023 | 2022 | 2021 | Archive 2017 – 2020 | Archive 2009 – 2017", "navigation"),
    ("Search for country or area A Afghanistan Albania Algeria Andorra Angola Antigua and Barbuda Argentina "
     "Armenia Australia Austria Azerbaijan B Bahamas, The Bahrain Bangladesh Barbados Belarus Belgium Belize",
     "navigation"),
    ("For identifying information on the individuals and entities sanctioned today, click here.", "link"),
    ("Visit csm.state.gov to learn more.", "link"),
    ("Learn More", "link"),
    ("Department of State Facts About Our Most Valuable Asset – Our People (Trends Since 2007) [504 KB]", "link"),
    ("No posts could be found that matched the specified criteria.", "link"),
    ("(Applause.)", "transcript_note"),
    ("(Cross-talk by reporters.)", "transcript_note"),
    ("3:28 P.M. CET", "transcript_note"),
    ("Via Teleconference", "transcript_note"),
    ("As Prepared for Delivery", "transcript_note"),
])
def test_debris_rules_on_us_sentences(sentence, reason):
    assert sentence_reason(sentence) == reason


@pytest.mark.parametrize("sentence", [
    "The United States strongly condemns Russia’s missile strikes today across Ukraine, including in Kyiv.",
    "We again call on Russia to end this unprovoked aggression immediately and remove its troops from Ukraine.",
    "Secretary Austin and Minister Pistorius agreed to work together to continue to support Ukraine’s "
    "security and NATO’s deterrence and defense.",
    "Thank you, Poland.",
    "(b) Any conspiracy formed to violate any of the prohibitions set forth in this order is prohibited.",
    "Ten days ago, I sent to Congress an urgent proposal to provide needed military, economic, and "
    "humanitarian assistance to Ukraine.",
    "THE PRESIDENT: He’s a butcher.",
    "(Bonum BVI), a British Virgin Islands-based holding company; Limited Liability Company Bonum Management "
    "(Bonum Management) and Limited Liability Company Bonum Investments (Bonum Investments), Russia-based "
    "financial services companies;",
    "SANCTIONS IMPLICATIONS",
])
def test_statement_sentences_are_not_flagged(sentence):
    assert sentence_reason(sentence) == ""


def test_footer_from_its_cue_to_the_end_of_the_last_paragraph():
    texts = [
        "Secretary Austin and Minister Pistorius agreed to work together.",
        "Choose which Defense.gov products you want delivered to your inbox.",
        "The Department of Defense provides the military forces needed to deter war and ensure our nation's security.",
    ]
    sentences = [{"text": t, "paragraph": 3, "glued": "punctuation"} for t in texts]
    assert flag_boilerplate(sentences) == ["", "site_footer", "site_footer"]
    earlier = [dict(s, paragraph=1) for s in sentences] + [{"text": "More text.", "paragraph": 2, "glued": ""}]
    assert flag_boilerplate(earlier) == ["", "", "", ""]


def test_off_page_compares_the_title_with_the_text():
    page = ("Our Mission\nThe Deputy Secretary serves as the principal deputy, adviser, and alter ego to the "
            "Secretary of State.")
    assert is_off_page("$100 Million in Additional U.S. Military Assistance for Ukraine", page)
    statement = "The United States is providing another $100 million in military assistance to Ukraine."
    assert not is_off_page("$100 Million in Additional U.S. Military Assistance for Ukraine", statement)
    assert not is_off_page("Thank you", page)  # too short a title to judge


def test_us_corpus_debris_is_flagged(us_sentences):
    reasons = us_sentences.set_index("sentence_id")["boilerplate_reason"]
    off_page = us_sentences.loc[us_sentences["article_id"] == "dos-2022-05-19-932b33e7", "boilerplate_reason"]
    assert set(off_page) == {"off_page"}
    texts = us_sentences.set_index("sentence_id")["text"]
    footer = texts[texts.str.startswith("Choose which Defense.gov products")].index
    assert len(footer) >= 30 and set(reasons[footer]) == {"site_footer"}
    end_marks = reasons[texts[texts == "###"].index]
    assert len(end_marks) >= 100 and (end_marks == "end_marker").mean() > 0.95 and (end_marks != "").all()


def test_us_statement_sentences_are_kept(us_sentences):
    kept = us_sentences[~us_sentences["boilerplate"]]
    assert len(kept) / len(us_sentences) > 0.9
    assert "These attacks killed and injured civilians and destroyed targets with no military purpose." in set(kept["text"])
    assert not kept["text"].str.contains("_x000D_").any()

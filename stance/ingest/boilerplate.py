"""Flagging web debris that is not part of an article's reporting.

Rules are general patterns over sentences, each with a reason that is stored
beside the flag:

``donation_appeal``
    Requests for money or subscriptions addressed to the reader ("Your support
    helps us...", "donate", paywalls), and the sentences bracketed by two such
    requests a few sentences apart (the body of an appeal block).
``social_follow``
    "Follow ... on Twitter and Facebook" lines.
``newsletter``
    "Sign up to our newsletter" lines.
``promo``
    Calls to listen, watch or subscribe to the outlet's podcasts and videos; the
    short paragraph that carries such a call is flagged whole.
``photo_credit``
    "Credit: PA", "Photo: Getty Images".
``notice``
    Copyright and cookie notices.
``pasted_headline``
    A related-story headline: "Read more: ..." lines, and a fragment without
    final punctuation that was glued onto the next sentence ("...strike in
    decadeMr Sunak told...").

Web debris of government sites:

``end_marker``
    A press release's end mark on its own: "###", "-30-", "- END -".
``navigation``
    Site menus: pipe-separated items ("2023 | 2022 | 2021 | Archive 2017 – 2020"),
    and long runs of capitalised menu words without sentence punctuation
    ("Search for country or area A Afghanistan Albania Algeria ...").
``link``
    Calls to follow a link and file listings: "..., click here.", "Visit
    csm.state.gov to learn more.", "Learn More", "... [504 KB]", "No posts could
    be found that matched the specified criteria."
``site_footer``
    A page footer in the last paragraph, from its cue ("Choose which Defense.gov
    products you want delivered to your inbox.", a privacy-policy pointer) to the
    end of that paragraph (the agency's tagline that follows it).
``transcript_note``
    Transcript furniture that is not said: stage directions on their own
    ("(Applause.)", "(Cross-talk by reporters.)"), clock times ("3:28 P.M. CET"),
    "Via Teleconference", "As Prepared for Delivery".
``off_page``
    Every sentence of a page whose text is not the document its title names (a
    scrape that caught another page of the site): not one of the title's content
    words occurs in the text. Needs the title of a web page (an article with a
    ``url``: made-up titles such as "AGO statement, UN General Debate 2022" name
    no page), and a title of at least
    :data:`OFF_PAGE_MIN_TITLE_WORDS` content words. (Real statements share at
    least one in seven title words with their text; these pages share none.)

Debris of other genres:

``markup``
    HTML left in a scraped page on its own: "<!-- -->", "<br>".
``no_words``
    A post's sentence with no words of its own, only addresses, @handles,
    #hashtags, emoji, numbers and punctuation ("https://t.co/IxyR6b8IKm", "🧵",
    "#StandWithUkraine 🇺🇦", a list number "2." split off its item). A sentence
    with words around its tags is kept.
"""

import re

_I = re.IGNORECASE
SENTENCE_RULES = [
    ("social_follow", re.compile(
        r"^\W*(follow|like|join)\b.{0,80}\bon\b.{0,60}\b(twitter|facebook|instagram|tiktok|snapchat|"
        r"youtube|threads|bluesky|linkedin|telegram|whatsapp|x)\b", _I)),
    ("newsletter", re.compile(
        r"\b(sign up|subscribe)\b.{0,40}\bnewsletters?\b|\bnewsletters?\b.{0,30}\b(sign up|inbox)\b", _I)),
    ("photo_credit", re.compile(
        r"^\W*(photo(graph)?|picture|pic|image|credit|photo credit)s?\s*:\s*\S.{0,60}$|"
        r"^\W*\(?(getty images|pa( wire| media)?|reuters|afp|ap photo|shutterstock|alamy)\)?\W*$", _I)),
    ("notice", re.compile(
        r"©|\ball rights reserved\b|^\W*copyright\b|\bwe use cookies\b|\bcookie (policy|settings)\b", _I)),
    ("pasted_headline", re.compile(
        r"^\W*(read more|related|more on this story|most read|read next|see also|recommended)\s*[:|]", _I)),
    ("donation_appeal", re.compile(
        r"\byour (support|donation|contribution|subscription)s? (helps?|makes?|allows?|enables?|"
        r"keeps?|means?|matters?)\b|\b(please )?donate (now|today|here|to us|to our)\b|"
        r"\b(please|consider|you can|help us by) (make|making|give|giving) a [a-z -]{0,15}(donation|contribution)\b|"
        r"\bsupport (our|independent|quality) (journalism|reporting)\b|\bpaywalls?\b|"
        r"\bbecome an? (member|supporter|subscriber)\b", _I)),
    ("promo", re.compile(
        r"(^|[,;:—–-]\s*)(listen|watch|tune in|download)( now| here)?\b.{0,40}\b(story|episode|podcast|"
        r"series|video|documentary|now)\b|\b(our|the) (new )?podcast\b.{0,40}\b(listen|subscribe|episode)", _I)),
    ("end_marker", re.compile(r"^\s*(#{3,}|\*{3,}|-\s*(30|end)\s*-)\s*$", _I)),
    ("navigation", re.compile(r"^[^|\n]{1,40}(\s\|\s[^|\n]{1,40}){2,}$")),
    ("link", re.compile(
        r"\bclick here\b|^\W*(visit|go to)\s+\S+\.(gov|org|com|net|int|mil|edu)\b.{0,40}\blearn more\b|"
        r"^\W*(learn|read) more\W*$|\[\s*\d+(\.\d+)?\s*[KMG]B\s*\]|^\W*no (posts|results) could be found\b", _I)),
    ("markup", re.compile(r"^\s*(<!--.*?-->|</?[a-z][a-z0-9]*\b[^<>]*/?>)(\s*(<!--.*?-->|</?[a-z][a-z0-9]*\b[^<>]*/?>))*\s*$", _I)),
    ("transcript_note", re.compile(
        r"^\(\s*[A-Za-z][^()]{0,40}\)\W*$|^\d{1,2}:\d{2}\s*[ap]\.?\s?m\.?(\s+[A-Z]{2,4})?\W*$|"
        r"^\W*(via teleconference|as prepared for delivery)\W*$", _I)),
]
# A footer cue flags itself and the rest of its paragraph when that is the article's last paragraph.
FOOTER_CUE = re.compile(r"\bdelivered to your inbox\b|\bprivacy policy\b", _I)
# Menu runs: at least this many words, no final punctuation or semicolon, mostly capitalised words.
MENU_MIN_WORDS = 25
MENU_CAPITALISED_SHARE = 0.7
OFF_PAGE_MIN_TITLE_WORDS = 3
# Words too common in titles to tell one page from another.
_TITLE_STOPWORDS = frozenset(
    "the and for with from that this into over after about their will have been than its his her "
    "more new additional".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
# How many unflagged sentences may stand between two appeal sentences of one block.
APPEAL_GAP = 3
# A promo cue flags its whole paragraph when the paragraph has at most this many sentences.
PROMO_PARAGRAPH_SENTENCES = 4
_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*$")


# What a post's sentence may hold and still say nothing: addresses, handles, hashtags, numbers of a
# thread ("1/5"); what is left must have no letter (emoji, flags and punctuation have none).
_TAGS = re.compile(r"https?://\S+|www\.\S+|[@#][\w_]+|\b\d+/\d+\b")


def sentence_reason(sentence):
    """Return the boilerplate reason of one sentence on its own ('' for none)."""
    for reason, pattern in SENTENCE_RULES:
        if pattern.search(sentence):
            return reason
    if _is_tags_only(sentence):
        return "no_words"
    return "navigation" if _is_menu_run(sentence) else ""


def _is_tags_only(sentence):
    return not any(c.isalpha() for c in _TAGS.sub(" ", sentence))


def _is_menu_run(sentence):
    words = _WORD.findall(sentence)
    # Semicolons separate the items of a real list (of sanctioned companies, say), not a menu.
    if len(words) < MENU_MIN_WORDS or ";" in sentence or _TERMINAL.search(sentence.strip()):
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= MENU_CAPITALISED_SHARE


def _content_words(text):
    """Lower-cased words of four letters or more, without a possessive or plural ``s``."""
    words = (re.sub(r"([’']s|s)$", "", w.lower()) for w in _WORD.findall(text) if len(w) >= 4)
    return {w for w in words if w not in _TITLE_STOPWORDS}


def is_off_page(title, body):
    """True when ``body`` shares none of ``title``'s content words (see ``off_page``)."""
    wanted = _content_words(title)
    if len(wanted) < OFF_PAGE_MIN_TITLE_WORDS:
        return False
    return not wanted & _content_words(body)


def flag_boilerplate(sentences, title=""):
    """Return a boilerplate reason for each sentence of one article ('' for none).

    Parameters
    ----------
    sentences : list of dict
        The article's sentences in order, each with ``text``, ``paragraph`` and
        ``glued`` (as from :func:`stance.ingest.segment.sentence_spans`); a ``role`` of
        ``title`` marks the title line inside the text.
    title : str
        The article's title, for the ``off_page`` rule ('' skips it).

    Returns
    -------
    list of str
    """
    body = " ".join(s["text"] for s in sentences if s.get("role") != "title")
    if title and sentences and is_off_page(title, body):
        return ["off_page"] * len(sentences)
    reasons = [sentence_reason(s["text"]) for s in sentences]
    for i, sentence in enumerate(sentences):
        if not reasons[i] and sentence["glued"] == "camel" and not _TERMINAL.search(sentence["text"]):
            reasons[i] = "pasted_headline"
    _bridge_appeals(reasons)
    _spread_promos(sentences, reasons)
    _spread_footer(sentences, reasons)
    return reasons


def _spread_footer(sentences, reasons):
    if not sentences:
        return
    last = sentences[-1]["paragraph"]
    cues = [i for i, s in enumerate(sentences) if s["paragraph"] == last and FOOTER_CUE.search(s["text"])]
    for i in range(cues[0] if cues else len(sentences), len(sentences)):
        reasons[i] = reasons[i] or "site_footer"


def _bridge_appeals(reasons):
    appeals = [i for i, r in enumerate(reasons) if r == "donation_appeal"]
    for left, right in zip(appeals, appeals[1:]):
        if right - left - 1 <= APPEAL_GAP:
            for i in range(left + 1, right):
                reasons[i] = reasons[i] or "donation_appeal"


def _spread_promos(sentences, reasons):
    paragraphs = {}
    for i, sentence in enumerate(sentences):
        paragraphs.setdefault(sentence["paragraph"], []).append(i)
    for members in paragraphs.values():
        if len(members) <= PROMO_PARAGRAPH_SENTENCES and any(reasons[i] == "promo" for i in members):
            for i in members:
                reasons[i] = reasons[i] or "promo"

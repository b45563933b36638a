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
]
# How many unflagged sentences may stand between two appeal sentences of one block.
APPEAL_GAP = 3
# A promo cue flags its whole paragraph when the paragraph has at most this many sentences.
PROMO_PARAGRAPH_SENTENCES = 4
_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*$")


def sentence_reason(sentence):
    """Return the boilerplate reason of one sentence on its own ('' for none)."""
    for reason, pattern in SENTENCE_RULES:
        if pattern.search(sentence):
            return reason
    return ""


def flag_boilerplate(sentences):
    """Return a boilerplate reason for each sentence of one article ('' for none).

    Parameters
    ----------
    sentences : list of dict
        The article's sentences in order, each with ``text``, ``paragraph`` and
        ``glued`` (as from :func:`stance.segment.sentence_spans`).

    Returns
    -------
    list of str
    """
    reasons = [sentence_reason(s["text"]) for s in sentences]
    for i, sentence in enumerate(sentences):
        if not reasons[i] and sentence["glued"] == "camel" and not _TERMINAL.search(sentence["text"]):
            reasons[i] = "pasted_headline"
    _bridge_appeals(reasons)
    _spread_promos(sentences, reasons)
    return reasons


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

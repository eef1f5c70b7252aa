"""Redaction of customers' payment and contact details from call transcripts.

A transcript of a real call is redacted before it is stored (coaching.services), so what the customer
said their card number was never reaches the database. Each item found is replaced by a placeholder the
coach reads in its place: "[card number]", "[security code]", "[phone number]", "[email address]".

The rules, in the order they are applied:

1. Email addresses: ``name@example.com``. Also as said aloud, when it is unmistakably an address: a
   local part with "dot" or "underscore" in it, or a well-known mail provider ("jane dot doe at example
   dot com", "jane at gmail dot com"). "I ordered at zappos dot com" is a website, and is left alone.
2. Card numbers: 13 to 19 digits, in groups separated by single spaces or dashes ("4111 1111 1111 1111",
   "4111-1111-1111-1111", "4111111111111111"), or said digit by digit in words ("four one one one ...",
   with "oh" or "zero" for 0 and "double"/"triple" for repeats, digits and words mixed). They are only
   redacted when they pass the Luhn check: a 16-digit order number that fails it is left as it is. Groups
   are never split, and within a run of groups the longest Luhn-valid stretch wins. A Luhn-valid number is
   a card first, even where it could also be read as a phone number.
3. Security codes: 3 or 4 digits (as figures or words) within a few words after "security code", "CVV",
   "CVC", "CV2", "CSC" or "CID", also on the customer's next line ("What's the security code?" /
   "[01:12] Customer: It's 123."). Only the code is replaced; the words around it stay. Any 3 or 4 digits
   that close to the keyword are taken for the code ("no CVV needed, order 123" loses its 123).
4. Phone numbers, by their shape: North American 3-3-4 with spaces, dots or dashes or the area code in
   parentheses, optionally led by "+1" or "1" ("(555) 123-4567", "555-123-4567", "+1 555 123 4567");
   international numbers written with "+" and the country code, 8 to 15 digits in all ("+44 20 7946
   0958"); and 10 digits said in words (11 when the first is "one"). A bare run of digits
   ("5551234567", "order 45821937") does not look like a phone number and is left alone: it is
   indistinguishable from an order or account number.

Not handled, on purpose or for now: numbers said in tens or teens ("forty-one eleven ..."), words a
speech-to-text engine mishears ("for" for "four"), a card number split across two lines of the
transcript, national numbers outside North America written without "+" ("020 7946 0958"), and a security
code said before its keyword ("123 is the CVV").
"""

import itertools
import re
from dataclasses import dataclass, field

CARD = "card_number"
SECURITY_CODE = "security_code"
PHONE = "phone_number"
EMAIL = "email_address"
KINDS = (CARD, SECURITY_CODE, PHONE, EMAIL)

PLACEHOLDERS = {
    CARD: "[card number]",
    SECURITY_CODE: "[security code]",
    PHONE: "[phone number]",
    EMAIL: "[email address]",
}

CARD_MIN_DIGITS, CARD_MAX_DIGITS = 13, 19


@dataclass(frozen=True)
class RedactionResult:
    """The redacted text and how many items of each kind were replaced."""

    text: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def redacted(self) -> bool:
        return self.total > 0


# --- Spoken digits -------------------------------------------------------------------------------------

DIGIT_WORDS = {
    "zero": "0", "oh": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_DIGIT_WORD = "|".join(DIGIT_WORDS)
_REPEATS = {"double": 2, "triple": 3}

# One piece of a spoken or written number: a group of figures, or a digit word (possibly "double five").
_PIECE = rf"(?:\d+|(?:(?:double|triple)[ \t]+)?(?:{_DIGIT_WORD})\b)"
# Between figures only a single space or dash; next to a word also a comma or a full stop ("four, one").
_GAP = r"(?:[ \t]*[-,.]?[ \t]+|[ \t]*-[ \t]*)"
_RUN = re.compile(rf"(?<![\w@.+]){_PIECE}(?:{_GAP}{_PIECE})*(?![\w@])", re.IGNORECASE)
_PIECE_IN_RUN = re.compile(rf"\d+|(?:(?:double|triple)[ \t]+)?(?:{_DIGIT_WORD})\b", re.IGNORECASE)
_FIGURE_GAP = re.compile(r"[ \t]?-?[ \t]?")


def _piece_digits(piece: str) -> str:
    if piece[0].isdigit():
        return piece
    words = piece.lower().split()
    times = _REPEATS[words[0]] if len(words) == 2 else 1
    return DIGIT_WORDS[words[-1]] * times


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _pieces(run: re.Match) -> list[tuple[int, int, str, bool]]:
    """(start, end, digits, is a word) for each piece of a run, positions in the whole text."""
    return [
        (run.start() + m.start(), run.start() + m.end(), _piece_digits(m.group()), not m.group()[0].isdigit())
        for m in _PIECE_IN_RUN.finditer(run.group())
    ]


def _card_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for run in _RUN.finditer(text):
        if run.end() - run.start() < CARD_MIN_DIGITS:  # a digit takes at least one character
            continue
        pieces = _pieces(run)
        digits = "".join(p[2] for p in pieces)
        offsets = list(itertools.accumulate((len(p[2]) for p in pieces), initial=0))
        # Figures next to figures are one number only when a single space or dash separates them:
        # broken[k] counts the gaps before piece k that do not join.
        broken = list(
            itertools.accumulate(
                (not (a[3] or b[3] or _FIGURE_GAP.fullmatch(text[a[1] : b[0]])) for a, b in itertools.pairwise(pieces)),
                initial=0,
            )
        )
        i = 0
        while i < len(pieces):
            last = i + 1
            while last < len(pieces) and offsets[last + 1] - offsets[i] <= CARD_MAX_DIGITS:
                last += 1
            found = None
            for end in range(last, i, -1):  # the longest stretch from piece i first
                length = offsets[end] - offsets[i]
                if length < CARD_MIN_DIGITS:
                    break
                if (
                    length <= CARD_MAX_DIGITS
                    and broken[end - 1] == broken[i]
                    and luhn_valid(digits[offsets[i] : offsets[end]])
                ):
                    found = end
                    break
            if found is None:
                i += 1
            else:
                spans.append((pieces[i][0], pieces[found - 1][1]))
                i = found
    return spans


def _spoken_phone_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for run in _RUN.finditer(text):
        if run.end() - run.start() < 20:  # shorter than any ten digits said as words
            continue
        pieces = _pieces(run)
        if not all(p[3] for p in pieces):
            continue  # figures are judged by their shape (_PHONE)
        digits = "".join(p[2] for p in pieces)
        if len(digits) == 10 or (len(digits) == 11 and digits[0] == "1"):
            spans.append((run.start(), run.end()))
    return spans


# --- Shapes ----------------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_MAIL_PROVIDERS = "gmail|googlemail|yahoo|hotmail|outlook|live|msn|icloud|me|aol|proton|protonmail|comcast|gmx"
_SPOKEN_TLD = "com|net|org|edu|gov|co|uk|ca|us|io|info|biz|mx|de|fr"
_SPOKEN_EMAIL = re.compile(
    rf"\b(?:(?P<dotted>\w+(?:[ \t]+(?:dot|underscore|dash|hyphen)[ \t]+\w+)+)|\w+)[ \t]+at[ \t]+"
    rf"(?:(?P<provider>{_MAIL_PROVIDERS})|\w+)(?:[ \t]+dot[ \t]+\w+)*[ \t]+dot[ \t]+(?:{_SPOKEN_TLD})\b",
    re.IGNORECASE,
)

_SEP = r"[ .-]"
_NORTH_AMERICAN = re.compile(
    rf"(?<![\w+])(?<!\d[.-])(?:\+?1{_SEP}?)?(?:\(\d{{3}}\){_SEP}?|\d{{3}}{_SEP})\d{{3}}{_SEP}\d{{4}}(?!\d|[.-]\d)"
)
_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){1,6}(?!\d)")

_SECURITY_KEYWORD = r"\b(?:security\s+code|cvv2?|cvc2?|cv2|csc|cid)\b"
_SKIPPED_WORD = r"(?:[^\W\d]+|\[?\d{1,2}(?::\d{2}){1,2}\]?)"  # words, and the times that start transcript lines
_CODE = rf"(?:\d{{3,4}}|\d(?:[ \t]\d){{2,3}}|(?:{_DIGIT_WORD})(?:[ \t,-]+(?:{_DIGIT_WORD})){{2,3}})"
_SECURITY_CODE = re.compile(
    rf"{_SECURITY_KEYWORD}(?:\W+{_SKIPPED_WORD}){{0,6}}?\W+(?P<code>{_CODE})(?![\w:])", re.IGNORECASE
)


def _email_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _EMAIL.finditer(text)]
    for m in _SPOKEN_EMAIL.finditer(text):
        if m.group("dotted") or m.group("provider"):
            spans.append(m.span())
    return spans


def _phone_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _NORTH_AMERICAN.finditer(text)]
    for m in _INTERNATIONAL.finditer(text):
        if 8 <= sum(c.isdigit() for c in m.group()) <= 15:
            spans.append(m.span())
    return spans + _spoken_phone_spans(text)


def _security_code_spans(text: str) -> list[tuple[int, int]]:
    return [m.span("code") for m in _SECURITY_CODE.finditer(text)]


# --- Putting it together ---------------------------------------------------------------------------


def _replace(text: str, spans: list[tuple[int, int]], kind: str) -> tuple[str, int]:
    """Replace the spans by the kind's placeholder; overlapping spans are replaced as one."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if kept and start < kept[-1][1]:
            kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
        else:
            kept.append((start, end))
    parts, done = [], 0
    for start, end in kept:
        parts += [text[done:start], PLACEHOLDERS[kind]]
        done = end
    text = "".join([*parts, text[done:]])
    return text, len(kept)


_PASSES = ((EMAIL, _email_spans), (CARD, _card_spans), (SECURITY_CODE, _security_code_spans), (PHONE, _phone_spans))


def transcript_redact(text: str) -> RedactionResult:
    """The transcript with card numbers, security codes, phone numbers and email addresses replaced by
    placeholders (see the module's rules), and how many of each were replaced. Redacting a redacted
    transcript changes nothing."""
    counts = dict.fromkeys(KINDS, 0)
    for kind, spans_of in _PASSES:
        text, counts[kind] = _replace(text, spans_of(text), kind)
    return RedactionResult(text=text, counts=counts)

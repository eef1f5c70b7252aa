"""Integrity checks that run before any credit is given.

An answer that does not respond to this customer, is copied from an exemplar, is padding,
is not in the scenario's language, or is far outside the usual length is never scored as if
it were good: it gets a flag with its reason (a coach looks at it) and its levels are capped.
The checks are plain rules over words and the embeddings the learned layer uses anyway.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from courses.scoring.base import Flag, ScenarioContext, ScoringRequest
from courses.scoring.text import content_stems, stem
from courses.scoring.text import words as word_list

OFF_MESSAGE = "off_message"
COPIED = "copied"
FILLER = "filler"
LANGUAGE = "language"
LENGTH = "length"
FLAG_CODES = (OFF_MESSAGE, COPIED, FILLER, LANGUAGE, LENGTH)
FLAG_TITLES = {
    OFF_MESSAGE: "Doesn't answer this customer",
    COPIED: "Copied from an exemplar",
    FILLER: "Repeated filler",
    LANGUAGE: "Not in the scenario's language",
    LENGTH: "Far outside the usual length",
}
# What a flag caps every criterion at: nothing the customer could use, or very little.
CAPS = {OFF_MESSAGE: 0, COPIED: 0, LANGUAGE: 0, FILLER: 1, LENGTH: 1}

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
MIN_WORDS = 4  # "Ok." and "Hold on." are not an answer to score
MAX_WORDS = 150  # past this it is a speech, not a turn in a call
COPY_CONTAINMENT = 0.6  # share of the answer's word trigrams found in one exemplar
COPY_MIN_WORDS = 8
# Off-message: the answer sits closer to another scenario than to this one, and names more than twice
# as many of that scenario's specifics as of this one's.
OFF_MESSAGE_MARGIN = 0.05
OFF_MESSAGE_FOREIGN_WORDS = 2


def words(text: str) -> list[str]:
    return [match.group(0).lower().replace("’", "'") for match in _WORD.finditer(text)]


def _trigrams(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)}


@lru_cache(maxsize=2048)
def _source_trigrams(source: str) -> frozenset[tuple[str, ...]]:
    return frozenset(_trigrams(words(source)))  # exemplars are compared with every answer: read them once


def copy_containment(answer: str, source: str) -> float:
    """Share of the answer's word trigrams that the source contains."""
    return _containment(_trigrams(words(answer)), source)


def _containment(answer_grams: set[tuple[str, ...]], source: str) -> float:
    if not answer_grams:
        return 0.0
    return len(answer_grams & _source_trigrams(source)) / len(answer_grams)


@cache
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    # Probabilities normalised to 0..1, so one threshold means the same for every text.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


# The commonest words of English: a sentence in English is rarely without them.
# Words that Spanish, French or Portuguese also use ("a", "no", "me") are left out on purpose.
_ENGLISH_FUNCTION_WORDS = frozenset(
    word_list(
        """
        the an and or but to of in on at for with you your i i'm i'll i've it it's is are was we we'll that this
        so be can will have just not yes my they them there what when how if do don't
        """
    )
)


def language_of(answer: str) -> tuple[str, float, float]:
    """(language code, its probability, share of English function words)."""
    tokens = words(answer)
    english_share = sum(1 for token in tokens if token in _ENGLISH_FUNCTION_WORDS) / max(1, len(tokens))
    code, probability = _language_identifier().classify(answer)
    return code, float(probability), english_share


def is_other_language(answer: str, language: str) -> bool:
    tokens = words(answer)
    if len(tokens) < 3:
        return False
    code, probability, english_share = language_of(answer)
    if language == "en":
        # Both must agree: the identifier alone mislabels short, name-heavy English.
        return code != "en" and probability >= 0.9 and english_share < 0.15
    return code != language and probability >= 0.95


def is_filler(answer: str) -> bool:
    tokens = words(answer)
    if len(tokens) < 6:
        return len(tokens) >= 3 and len(set(tokens)) == 1
    grams = Counter(tuple(tokens[i : i + 2]) for i in range(len(tokens) - 1))
    repeated = sum(count for count in grams.values() if count >= 3)
    distinct = len(set(tokens)) / len(tokens)
    return repeated / max(1, len(tokens) - 1) >= 0.3 or (len(tokens) >= 12 and distinct < 0.35)


@dataclass(frozen=True)
class Relevance:
    """Where the answer sits: its best cosine with this scenario's texts and with the closest other scenario."""

    own: float
    other: float
    closest_other: str = ""  # slug of that other scenario


def scenario_texts(scenario: ScenarioContext) -> list[str]:
    texts = [*scenario.customer_lines, scenario.situation, *(e.answer for e in scenario.exemplars)]
    return [text for text in texts if text.strip()]


def relevance(request: ScoringRequest, encoder) -> Relevance | None:
    if not request.others or not request.scenario.situation:
        return None
    own_texts = [request.customer_message, *scenario_texts(request.scenario)]
    other_texts, owners = [], []
    for other in request.others:
        texts = scenario_texts(other)
        other_texts += texts
        owners += [other.slug] * len(texts)
    if not other_texts:
        return None
    vectors = encoder.embed([request.answer, *own_texts, *other_texts])
    answer, own, other = vectors[0], vectors[1 : 1 + len(own_texts)], vectors[1 + len(own_texts) :]
    other_sims = other @ answer
    best = int(np.argmax(other_sims))
    return Relevance(own=float(np.max(own @ answer)), other=float(other_sims[best]), closest_other=owners[best])


# Words of feeling and talk that any answer may use: never the specifics of another customer.
_CONVERSATIONAL = frozenset(
    stem(word)
    for word in word_list(
        """
        hear tell hard sorry understand completely worry worried stressful upsetting glad lovely frustrating
        apologise apologize totally honestly really feel feeling afraid thank thanks
        """
    )
)


@lru_cache(maxsize=256)
def _vocabulary(scenario: ScenarioContext) -> frozenset[str]:
    texts = [scenario.title, scenario.persona_name, scenario.situation, scenario.crm_order, *scenario.crm_history,
             *scenario.policies, *scenario.customer_lines, *(e.answer for e in scenario.exemplars)]  # fmt: skip
    return content_stems(" ".join(texts))


@lru_cache(maxsize=64)
def _frequency(others: tuple[ScenarioContext, ...]) -> Counter:
    return Counter(word for other in others for word in _vocabulary(other))


def specifics(request: ScoringRequest, closest_other: str) -> tuple[int, int]:
    """(specifics of the closest other scenario, specifics of this one) that the answer names.

    A specific is a word found in the texts of at most two scenarios: Pepper, the four-burner, Tacoma.
    """
    other = next((o for o in request.others if o.slug == closest_other), None)
    if other is None:
        return 0, 0
    frequency = _frequency(request.others).copy()
    own = _vocabulary(request.scenario) | content_stems(
        " ".join([request.customer_message, *(f"{e.customer} {e.answer}" for e in request.history)])
    )
    frequency.update(own)
    answer = content_stems(request.answer) - _CONVERSATIONAL
    theirs = _vocabulary(other)
    foreign = sum(1 for word in answer if word in theirs and word not in own and frequency[word] <= 2)
    mine = sum(1 for word in answer if word in own and frequency[word] <= 2)
    return foreign, mine


def is_off_message(request: ScoringRequest, found: Relevance) -> tuple[bool, int, int]:
    foreign, mine = specifics(request, found.closest_other)
    written_elsewhere = found.other > found.own + OFF_MESSAGE_MARGIN and foreign >= OFF_MESSAGE_FOREIGN_WORDS
    # Well more of theirs than of ours: ordinary service words ("exchange", "email") can sit on both sides.
    return written_elsewhere and foreign > 2 * mine, foreign, mine


def check(request: ScoringRequest, encoder=None, relevance_found: Relevance | None = None) -> tuple[Flag, ...]:
    """The integrity flags for one answer, most serious first."""
    answer = request.answer
    scenario = request.scenario
    tokens = words(answer)
    flags: list[Flag] = []

    sources = [(e.answer, "this scenario's exemplar") for e in scenario.exemplars]
    sources += [(text, "another scenario's exemplar") for text in request.other_exemplars]
    if len(tokens) >= COPY_MIN_WORDS:
        answer_grams = _trigrams(tokens)
        for source, where in sources:
            if _containment(answer_grams, source) >= COPY_CONTAINMENT:
                flags.append(
                    Flag(
                        COPIED,
                        f"Most of this answer matches {where}.",
                        "This answer matches an exemplar. Write the reply in your own words, to this customer.",
                    )
                )
                break
    if is_other_language(answer, scenario.language or "en"):
        flags.append(
            Flag(
                LANGUAGE,
                f"Written in another language; this customer speaks '{scenario.language or 'en'}'.",
                "The customer speaks English here: answer in English so they can follow you.",
            )
        )
    if not any(flag.code in (COPIED, LANGUAGE) for flag in flags):
        found = relevance_found or (relevance(request, encoder) if encoder is not None else None)
        if found is not None and len(tokens) >= MIN_WORDS:
            off, foreign, mine = is_off_message(request, found)
            if off:
                flags.append(
                    Flag(
                        OFF_MESSAGE,
                        f"Reads like an answer to another customer: it names {foreign} specifics of another "
                        f"scenario and {mine} of this one.",
                        "This doesn't seem to answer what this customer said. Read their message again and "
                        "reply to it.",
                    )
                )
    if is_filler(answer):
        flags.append(
            Flag(
                FILLER,
                "The same words are repeated as padding.",
                "Repeating the same words doesn't help the customer: say each thing once, and say what you'll do.",
            )
        )
    if len(tokens) < MIN_WORDS:
        flags.append(
            Flag(
                LENGTH,
                f"Only {len(tokens)} word{'s' if len(tokens) != 1 else ''}: much shorter than an answer usually is.",
                "That's very short for this moment: acknowledge what the customer said and tell them what "
                "happens next.",
            )
        )
    elif len(tokens) > MAX_WORDS:
        flags.append(
            Flag(
                LENGTH,
                f"{len(tokens)} words: far longer than an answer on a call usually is.",
                "That's a lot to say at once on the phone: keep to what this customer needs now.",
            )
        )
    return tuple(flags)


def cap_for(flags: tuple[Flag, ...]) -> int | None:
    caps = [CAPS[flag.code] for flag in flags if flag.code in CAPS]
    return min(caps) if caps else None

"""The default pre-scorer: general phrase classes and a few features, combined by plain rules.

It reads only the customer's message and the answer. Every level it gives is backed by the
phrases that earned or cost it, so a hire can see why. It is deterministic and uses only
the standard library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from courses.scoring import phrases as P
from courses.scoring.base import CriterionScore, Evidence, ScenarioContext, ScoreResult, ScoringRequest
from courses.scoring.text import STOPWORDS, Span, Token, content_stems, is_content, sentences, stem, tokens, words

EARNED = "earned"
COST = "cost"

# A customer who is worried about *when*: the only case where paying for faster shipping fits.
_TIMING_CONCERN = re.compile(
    rf"\b(?:when|how soon|arrive|get here|be here|turn up|come|came|late|in time|delivery|deliver|by then|"
    rf"leaving|still (?:isn't|hasn't|haven't)|(?:by|on|this) {P.WEEKDAY}|{P.WEEKDAY}|tomorrow)\b",
    re.IGNORECASE,
)
# Health questions a shoe shop must refer on, never answer.
_MEDICAL = re.compile(
    r"\b(?:double up|double dose|take two|swollen|swelling|is (?:that|it) normal|should I be worried|"
    r"what (?:should|do|can) I take)\b",
    re.IGNORECASE,
)
_DUE = re.compile(rf"\b(?:due|{P.WEEKDAY}|tomorrow)\b", re.IGNORECASE)
# The answer itself measures the date against the customer's event.
_DEADLINE = re.compile(
    rf"\b(?:(?:a day |well |just |two days |days )?before (?:you|the|it|{P.WEEKDAY})|in time|(?:by|for) {P.WEEKDAY})\b",
    re.IGNORECASE,
)
_REQUEST = re.compile(r"\?|\b(?:I need|I want|I'd like|I would like|can you|could you|please|help)\b", re.IGNORECASE)
# Sending two sizes is the customer's own idea when they ask for it; agreeing is not a gesture.
_TWO_SIZES = re.compile(r"\b(?:two|both|second) (?:sizes?|pairs?)\b", re.IGNORECASE)
_NO_REQUEST = re.compile(r"\bnot (?:really )?calling about (?:anything|an order)\b", re.IGNORECASE)
# "Hi Jordan", "Thank you, Walt." and "Walt, hello!": the customer addressed by name.
_GREETING_NAME = re.compile(
    r"(?:^|(?<=[.!?] ))(?:Hi|Hello|Hey|Oh|Thanks|Thank you),? (?:(?:Mr|Mrs|Ms|Miss)\.? )?([A-Z][a-z]+)"
    r"|, (?:(?:Mr|Mrs|Ms|Miss)\.? )?([A-Z][a-z]+)(?=[.!?])"
)
_LEADING_NAME = re.compile(r"(?:^|(?<=[.!?] ))([A-Z][a-z]+)(?=, )")
# "..., isn't it?": agreement sought, not a question asked.
_TAG_QUESTION = re.compile(
    r",\s*(?:isn['’]t|aren['’]t|wasn['’]t|don['’]t|doesn['’]t|won['’]t|right|eh|huh)(?:\s+(?:it|they|you|there|he|she))?\s*\?['’\")]*$",
    re.IGNORECASE,
)
_CONTRACTION = re.compile(r"\b[A-Za-z]+['’](?:s|t|re|ve|ll|d|m)\b")
_CAPS_WORD = re.compile(r"\b[A-Z]{4,}\b")


@dataclass(frozen=True)
class _Reading:
    """Everything the rules need, worked out once per answer."""

    answer: str
    customer: str
    sentences: tuple[Span, ...]
    questions: tuple[Span, ...]
    asks: tuple[Span, ...]  # questions and "tell me..." invitations
    tokens: tuple[Token, ...]
    hits: dict[str, tuple[tuple[int, int], ...]]
    echoes: tuple[Token, ...]  # answer words that repeat the customer's own concrete words
    detail_refs: tuple[Token, ...]  # answer words that pick up a human detail the customer gave
    earlier_refs: tuple[Token, ...]  # "your son": a human detail from earlier in the call
    stuffing: tuple[tuple[int, int], ...]
    timing_concern: bool
    frustrated: bool  # the customer is short with the hire
    own_idea: bool  # the customer proposed trying two sizes themselves
    medical: bool
    request: bool  # the customer asks for something, so an answer can miss it
    name_spans: tuple[tuple[int, int], ...]
    contraction_spans: tuple[tuple[int, int], ...]

    @property
    def contractions(self) -> int:
        return len(self.contraction_spans)

    @property
    def words(self) -> int:
        return len(self.tokens)

    def word_count(self, span: Span) -> int:
        return sum(1 for token in self.tokens if span.start <= token.start < span.end)

    def spans(self, name: str) -> tuple[tuple[int, int], ...]:
        return self.hits[name]

    def sentence_of(self, position: int) -> Span | None:
        for span in self.sentences:
            if span.start <= position < span.end:
                return span
        return None

    def within(self, name: str, span: Span) -> tuple[tuple[int, int], ...]:
        return tuple(hit for hit in self.hits[name] if span.start <= hit[0] and hit[1] <= span.end)


_POSSESSIVES = frozenset({"your", "his", "her", "their", "the"})
_TIME = re.compile(rf"{P.WEEKDAY}|today|tomorrow|tonight|yesterday|weeks?|months?|years?|days?|morning|afternoon", re.I)
# A sentence about someone in the customer's life, not about the call itself.
_PERSONAL_ANCHORS = frozenset(
    words("he she he's she's he'll she'll he'd she'd his her hers him we we're we've our us my")
)
_CLASSES = tuple(value for value in vars(P).values() if isinstance(value, P.PhraseClass))
_ASKING_CLASSES = frozenset({"open_question", "closed_question", "stock_question", "goal"})


_SELF_INTRODUCTION = re.compile(r"\b(?i:it's|this is|i'm|my name is|name's)\s+(?:[A-Z][a-z]+\s+)?$")


# Words that make a customer's sentence about the order rather than about their life.
_TASK_WORDS = frozenset(
    stem(word)
    for word in words(
        """
        order ordered shoe shoes boot boots sandal sandals heel heels pump pumps slipper slippers trainer
        trainers sneaker sneakers cardigan sweater jacket coat dress bag socks grill burner size sizes fit fits
        return returns refund refunds deliver delivery
        delivered ship shipping shipped arrive arrived swap exchange label track tracking parcel package box
        price pair width narrow wide stock colour color website site account manager tablets pharmacy grocer
        grocers post office
        """
    )
)


def _human_details(customer: str, context: ScenarioContext | None) -> frozenset[str]:
    """Stems of what the customer shared about their life: people, pets, events, names, and
    the words of any sentence that is about them rather than about the order."""
    found = set()
    for sentence in sentences(customer):
        text = customer[sentence.start : sentence.end]
        sentence_tokens = tokens(text)
        about_them = any(token.stem in P.HUMAN_DETAIL or token.lower in _PERSONAL_ANCHORS for token in sentence_tokens)
        if (
            about_them
            and not text.rstrip().endswith("?")
            and not any(token.stem in _TASK_WORDS for token in sentence_tokens)
        ):
            found.update(
                token.stem for token in sentence_tokens if is_content(token) and not _TIME.fullmatch(token.lower)
            )
        for index, token in enumerate(sentence_tokens):
            if token.text[:1].isupper() and _SELF_INTRODUCTION.search(text[: token.start]):
                continue  # the caller's own name is not a detail they shared
            if token.stem in P.HUMAN_DETAIL:
                found.add(token.stem)
            elif (
                (index > 0 or text[token.end : token.end + 1] == ",")  # mid-sentence, or called out: "Leo, buddy"
                and token.text[:1].isupper()
                and token.lower not in P.NOT_NAMES
                and token.lower not in STOPWORDS
                and _is_word(token)
            ):
                found.add(token.stem)  # a name: Pepper, Leo, Frank
    if context and context.persona_name:
        found.add(stem(context.persona_name.split()[0]))
    return frozenset(found)


def _is_word(token: Token) -> bool:
    return token.text.replace("'", "").replace("’", "").isalpha()


def _inside(span: tuple[int, int], others: Iterable[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in others)


@dataclass(frozen=True)
class _CustomerView:
    """What the rules need from the customer's message; the same message is answered many times."""

    content: frozenset[str]
    details: frozenset[str]
    known_names: tuple[str, ...]
    timing_concern: bool
    medical: bool
    request: bool
    frustrated: bool
    own_idea: bool


@lru_cache(maxsize=1024)
def _view_customer(customer: str, context: ScenarioContext | None) -> _CustomerView:
    customer_tokens = tokens(customer)
    plain = customer.replace("’", "'")  # the patterns below are written with a plain apostrophe
    known = [token.lower for token in customer_tokens if token.text[:1].isupper()]
    if context and context.persona_name:
        known += context.persona_name.lower().split()
    return _CustomerView(
        content=content_stems(customer),
        details=_human_details(customer, context),
        known_names=tuple(known),
        timing_concern=bool(_TIMING_CONCERN.search(plain)),
        medical=bool(_MEDICAL.search(plain)),
        request=not _NO_REQUEST.search(plain)
        and bool(_REQUEST.search(plain) or any(token.stem in _TASK_WORDS for token in customer_tokens)),
        frustrated=bool(_FRUSTRATED.search(plain)),
        own_idea=bool(_TWO_SIZES.search(plain)),
    )


def read(customer: str, answer: str, context: ScenarioContext | None = None) -> _Reading:
    view = _view_customer(customer, context)
    lowered = answer.lower()
    if len(lowered) != len(answer):
        lowered = None  # a character whose lower case is longer: match case-insensitively instead
    hits = {
        phrase_class.name: tuple(phrase_class.spans(answer, lowered))
        for phrase_class in _CLASSES
        if phrase_class.name not in _ASKING_CLASSES and phrase_class is not P.MEDICAL_ADVICE
    }
    hits["medical_advice"] = ()
    if view.medical:
        # Reassurance about a health question is a promise nobody at a shoe shop can keep.
        hits["medical_advice"] = tuple(P.MEDICAL_ADVICE.spans(answer, lowered))
        hits["overpromise"] = tuple(sorted(set(hits["overpromise"] + hits["medical_advice"])))
    spans = tuple(sentences(answer))
    questions = tuple(
        span
        for span in spans
        if answer[span.start : span.end].rstrip("'’\")").endswith("?")
        and not _TAG_QUESTION.search(answer, span.start, span.end)
    )
    # Classes about asking only matter inside questions and "tell me..." sentences.
    invitations = tuple(span for span in spans if any(span.start <= hit[0] < span.end for hit in hits["tell_me"]))
    asks = tuple(sorted(set(questions + invitations)))
    for phrase_class in _CLASSES:
        if phrase_class.name in _ASKING_CLASSES:
            hits[phrase_class.name] = tuple(
                hit for span in asks for hit in phrase_class.spans(answer, lowered, span.start, span.end)
            )
    answer_tokens = tokens(answer)
    stock = hits["stock_ack"] + hits["stuffing"]
    echoes = tuple(
        token
        for token in answer_tokens
        if token.stem in view.content and is_content(token) and not _inside((token.start, token.end), stock)
    )
    detail_refs = tuple(token for token in answer_tokens if token.stem in view.details)
    # "your son", "the wedding": a human detail that must come from earlier in the call
    earlier_refs = tuple(
        token
        for index, token in enumerate(answer_tokens)
        if token.stem in P.HUMAN_DETAIL
        and token.stem not in view.details
        and index
        and answer_tokens[index - 1].lower in _POSSESSIVES
    )
    stuffing = hits["stuffing"] if len(hits["stuffing"]) >= 3 else ()
    names = []
    for match in _GREETING_NAME.finditer(answer):
        group = 1 if match.group(1) else 2
        if match.group(group).lower() not in P.NOT_NAMES:
            names.append((match.start(group), match.end(group)))
    # A bare leading word is a name only if the customer's side carries it ("Walt" for "Walter").
    for match in _LEADING_NAME.finditer(answer):
        word = match.group(1).lower()
        if word not in P.NOT_NAMES and word not in STOPWORDS and any(k.startswith(word) for k in view.known_names):
            names.append((match.start(1), match.end(1)))
    names.sort()
    return _Reading(
        answer=answer,
        customer=customer,
        sentences=spans,
        questions=questions,
        asks=asks,
        tokens=tuple(answer_tokens),
        hits=hits,
        echoes=echoes,
        detail_refs=detail_refs,
        earlier_refs=earlier_refs,
        stuffing=stuffing,
        timing_concern=view.timing_concern,
        frustrated=view.frustrated,
        own_idea=view.own_idea,
        request=view.request,
        medical=view.medical,
        name_spans=tuple(names),
        contraction_spans=tuple(match.span() for match in _CONTRACTION.finditer(answer)),
    )


class _Judgement:
    """Collects the evidence for one criterion and renders the result."""

    def __init__(self, reading: _Reading, key: str):
        self.reading = reading
        self.key = key
        self.items: dict[tuple[int, int, str], str] = {}

    def add(self, spans: Iterable[tuple[int, int]], effect: str, note: str) -> None:
        for start, end in spans:
            self.items.setdefault((start, end, effect), note)

    def add_tokens(self, found: Iterable[Token], effect: str, note: str) -> None:
        self.add(((token.start, token.end) for token in found), effect, note)

    def result(self, level: int, summary: str) -> CriterionScore:
        evidence = tuple(
            Evidence(start, end, self.reading.answer[start:end], effect, note)
            for (start, end, effect), note in sorted(self.items.items())
        )
        return CriterionScore(key=self.key, level=max(0, min(3, level)), evidence=evidence, summary=summary)


def _first_sentences(reading: _Reading, count: int = 2) -> Span:
    if not reading.sentences:
        return Span(0, 0)
    last = reading.sentences[min(count, len(reading.sentences)) - 1]
    return Span(reading.sentences[0].start, last.end)


def _cold(reading: _Reading) -> tuple[tuple[int, int], ...]:
    return reading.spans("blame") + reading.spans("refusal") + reading.spans("curt")


# ---------------------------------------------------------------- acknowledge
_ADDRESSES_THEM = re.compile(r"\byou|^(?:that's|what)\b", re.IGNORECASE)


def _reflects_opening(reading: _Reading, opening: Span) -> tuple[Token, ...]:
    """The customer's own words handed back in a short opening: "Three weeks!", "A garden wedding, lovely!"."""
    words = reading.word_count(opening)
    if reading.within("commit", opening) or reading.within("offer", opening) or words > 12:
        return ()
    echoed = tuple(t for t in reading.echoes if opening.start <= t.start < opening.end and t.stem not in _TASK_WORDS)
    if len({t.stem for t in echoed}) >= (1 if words <= 6 else 2):
        return echoed
    return ()


def acknowledge(reading: _Reading, resolution: _Resolution) -> CriterionScore:
    judged = _Judgement(reading, "acknowledge")
    if reading.stuffing:
        judged.add(reading.stuffing, COST, "empathy words piled up, not tied to what happened")
        return judged.result(
            1, "Lots of sympathy words, but none of them names what actually happened to this customer."
        )

    opening = _first_sentences(reading, 1)
    if reading.word_count(opening) <= 3:
        opening = _first_sentences(reading, 2)  # "Of course. A garden wedding, how lovely."
    # A personal response in the opening validates too, when it speaks to them or to what they shared:
    # "what a lovely way to carry him on", "your dad sounds like he was a legend".
    shared = any(opening.start <= token.start < opening.end for token in reading.detail_refs + reading.earlier_refs)
    validation = reading.spans("validation") + tuple(
        span
        for span in reading.within("personal", opening)
        if shared or _ADDRESSES_THEM.search(reading.answer[span[0] : span[1]])
    )
    stock = reading.spans("stock_ack")
    generic = reading.within("generic_ack", _first_sentences(reading))
    feeling = tuple(span for span in reading.spans("feeling") if not _inside(span, stock))
    zone = [opening] + [reading.sentence_of(start) for start, _ in validation + feeling]
    if len(reading.sentences) > 1:
        second = reading.sentences[1]
        if not (
            reading.within("commit", second) or reading.within("offer", second) or reading.within("done_state", second)
        ):
            zone.append(second)
    echoes = tuple(
        token for token in reading.echoes if any(span and span.start <= token.start < span.end for span in zone)
    )
    distinct = len({token.stem for token in echoes})
    cold = _cold(reading) + reading.spans("jargon")
    # "I'm sorry, two weekends is a lot to lose": a stock opening made specific in the same breath.
    named_feeling = any(
        reading.sentence_of(f[0]) == reading.sentence_of(g[0]) for f in feeling for g in stock + generic
    ) or any(
        len({t.stem for t in echoes if reading.sentence_of(t.start) == reading.sentence_of(g[0])}) >= 2
        for g in stock + generic
    )
    if resolution.off_topic:
        judged.add(reading.spans("own_story"), COST, "turns to small talk instead of the customer's problem")
        judged.add(validation + stock + generic + feeling, EARNED, "a reaction, but not to the problem")
        level = 1 if (validation or stock or generic or feeling) else 0
        return judged.result(level, "Reacts to what the customer said, then drifts into small talk.")

    if (validation and ((feeling and distinct >= 1) or distinct >= 3 or (feeling and len(validation) >= 2))) or (
        feeling and distinct >= 3
    ):
        judged.add(validation + feeling, EARNED, "names how this feels")
        judged.add_tokens(echoes, EARNED, "uses the customer's own details")
        return judged.result(3, "Reflects both what happened and how it feels, in this customer's own terms.")
    # Handing the customer's words back is acknowledgement, unless the answer is pushing back.
    reflected = _reflects_opening(reading, opening) if not cold else ()
    if validation or (feeling and distinct >= 1) or named_feeling or reflected:
        judged.add_tokens(reflected, EARNED, "hands the customer's own words back")
        judged.add(validation, EARNED, P.VALIDATION.note)
        judged.add(feeling, EARNED, P.FEELING.note)
        judged.add(stock + generic, EARNED, "a stock opening, made specific by what follows")
        judged.add_tokens(echoes, EARNED, "picks up what the customer said")
        return judged.result(2, "Acknowledges this customer's actual situation in plain words.")
    if stock or generic or feeling:
        judged.add(stock, EARNED, P.STOCK_ACK.note)
        judged.add(generic, EARNED, P.GENERIC_ACK.note)
        judged.add(feeling, EARNED, P.FEELING.note)
        return judged.result(1, "There is an acknowledgement, but it would fit almost any caller.")
    judged.add(cold, COST, "goes straight to process or pushes back")
    return judged.result(0, "The customer's feeling and what happened go unmentioned.")


# ---------------------------------------------------------------- own & resolve
_WHEN = re.compile(rf"\b(?:today|tonight|tomorrow|{P.WEEKDAY}|within|the \d+(?:st|nd|rd|th))\b", re.IGNORECASE)


def _timed(reading: _Reading, span: tuple[int, int]) -> bool:
    """A state with a when: "on its way today", "due Thursday"."""
    sentence = reading.sentence_of(span[0])
    return bool(sentence and _WHEN.search(reading.answer, sentence.start, sentence.end))


def _is_small_talk(reading: _Reading, question: Span) -> bool:
    """A question that is neither about the customer's need nor a process question."""
    text = reading.answer[question.start : question.end]
    personal = {token.stem for token in reading.detail_refs}
    echoes_need = any(
        question.start <= token.start < question.end and token.stem not in personal for token in reading.echoes
    )
    return not (
        echoes_need
        or reading.within("goal", question)
        or reading.within("stock_question", question)
        or reading.within("closed_question", question)
        or _CLOSED_START.match(text)
    )


@dataclass(frozen=True)
class _Resolution:
    level: int
    helps: bool  # the answer does something about the request
    off_topic: bool  # it doesn't, and chats about something else instead


def own_resolve(reading: _Reading) -> tuple[CriterionScore, _Resolution]:
    judged = _Judgement(reading, "own_resolve")
    concrete, plain = [], []
    for span in reading.spans("commit"):
        sentence = reading.sentence_of(span[0])
        if sentence and reading.within("stock_extra", sentence):
            continue  # handing out a code is an extra, not a fix
        if sentence and reading.within("specific", sentence):
            concrete.append(span)
        else:
            plain.append(span)
    offers = reading.spans("offer")
    done = reading.spans("done_state")
    policy = reading.spans("policy")
    recommend = reading.spans("recommend")
    referral = reading.spans("referral")
    vague = reading.spans("vague")
    # An owned action is worth two, three with a specific (a day, a size, a label); an offer, a
    # state ("it's on its way") or the policy that settles the worry, one each.
    points = (
        3 * min(len(concrete), 2)
        + 2 * min(len(plain), 2)
        + min(len(offers), 2)
        + min(len(done), 3)
        + min(sum(1 for span in done if _timed(reading, span)), 1)
        + min(len(policy), 2)
        + 2 * min(len(recommend), 1)
        + min(len(referral), 2)
    )
    helps = points > 0 or bool(vague)
    echoed = {(token.start, token.end) for token in reading.echoes}
    repeats_request = any(
        start <= token_start and token_end <= end
        for start, end in reading.spans("specific")
        for token_start, token_end in echoed
    )
    # Two owned steps with specifics, or one plus the state and policy around it, is complete ownership.
    level = 3 if points >= 5 else 2 if points >= 2 else 1 if (points or vague or repeats_request) else 0
    if not points and reading.spans("stock_extra"):
        level = 1  # a code instead of a fix is the scripted version of ownership
        judged.add(reading.spans("stock_extra"), COST, "a code instead of a fix")
    if level and not points and not vague and repeats_request:
        judged.add(
            [span for span in reading.spans("specific") if any(span[0] <= s < span[1] for s, _ in echoed)],
            EARNED,
            "confirms what the customer asked for",
        )
    judged.add(concrete, EARNED, "a concrete next step the hire owns")
    judged.add(plain, EARNED, "takes on the next step")
    judged.add(offers, EARNED, P.OFFER.note)
    judged.add(done, EARNED, P.DONE_STATE.note)
    judged.add(policy, EARNED, P.POLICY.note)
    judged.add(recommend, EARNED, P.RECOMMEND.note)
    judged.add(referral, EARNED, P.REFERRAL.note)
    if vague:
        judged.add(vague, COST, P.VAGUE.note)
        if not concrete and not done:
            level = min(level, 1)

    overpromise = reading.spans("overpromise")
    blame = reading.spans("blame") + reading.spans("stall_escalation")
    refusal = reading.spans("refusal")
    unreferred = reading.medical and not referral
    summary = {
        3: "Takes full ownership with concrete steps and dates, and answers the next worry too.",
        2: "Owns a concrete next step: what happens and when.",
        1: "Some ownership, but vague: it doesn't say exactly what happens or when.",
        0: "No real next step for the customer.",
    }[max(0, min(3, level))]
    if overpromise:
        judged.add(overpromise, COST, P.OVERPROMISE.note)
        level, summary = 0, "Promises or advises something that can't be relied on."
    elif unreferred and level < 2:
        level, summary = 0, "A health question needs pointing to a pharmacist or doctor, and that didn't happen."
    elif blame or refusal:
        judged.add(blame, COST, P.BLAME.note)
        judged.add(refusal, COST, P.REFUSAL.note)
        level = 1 if points or vague or reading.spans("stock_extra") else 0
        summary = "Pushes the problem back onto the customer or someone else instead of owning it."
    if reading.stuffing:
        judged.add(reading.stuffing, COST, "sympathy instead of action")
        level = min(level, 1 if concrete or plain or vague else 0)
        summary = "Sympathy words stand in for action; nothing concrete happens."
    chat = bool(reading.spans("own_story")) or any(_is_small_talk(reading, span) for span in reading.questions)
    # Chatting about the hire's own life never answers anything; a small-talk question only
    # misses when the customer asked for something.
    off_topic = not helps and (bool(reading.spans("own_story")) or (reading.request and chat))
    return judged.result(level, summary), _Resolution(level=level, helps=helps, off_topic=off_topic)


# ---------------------------------------------------------------- connect
_ABOUT_THEM = re.compile(r"\b(?:he|she|his|her|him|the (?:two|three|four|five|six) of you)\b", re.IGNORECASE)
_NAMED = re.compile(r"(?<=\w )[A-Z][a-z]+(?:'s)?\b")
_CLOSED_START = re.compile(r"\W*(?:and |so )?(?:shall|should|can|could|may|do|would|will)\b", re.IGNORECASE)


def _personal_questions(reading: _Reading) -> list[tuple[int, int]]:
    """Open questions about the person or the detail they shared, not about the order."""
    found = []
    for span in reading.questions:
        text = reading.answer[span.start : span.end]
        if reading.within("stock_question", span) or reading.within("goal", span) or _CLOSED_START.match(text):
            continue
        mentions_detail = any(
            span.start <= token.start < span.end for token in reading.detail_refs + reading.earlier_refs
        )
        if mentions_detail or _ABOUT_THEM.search(text) or _NAMED.search(text):
            found.append((span.start, span.end))
    return found


def connect(reading: _Reading, resolution: _Resolution) -> CriterionScore:
    judged = _Judgement(reading, "connect")
    personal = reading.spans("personal")
    story = reading.spans("own_story")
    pleasantry = reading.spans("pleasantry")
    refs = reading.detail_refs
    questions = _personal_questions(reading)
    warm_sentences = [
        reading.sentence_of(start)
        for start, _ in reading.spans("validation") + reading.spans("feeling") + personal + reading.spans("appraisal")
    ]
    # An exclamation about something they shared ("A salsa night!") is a reaction to them.
    warm_sentences += [span for span in reading.sentences if reading.answer[span.start : span.end].endswith("!")]
    detail_ack = [
        t for t in refs + reading.earlier_refs if any(s and s.start <= t.start < s.end for s in warm_sentences)
    ]
    moves = len(personal) + len(story) + len(questions) + (1 if detail_ack else 0)
    if moves and reading.name_spans:
        moves += 1  # the name adds warmth to a moment; on its own it is only politeness
    distinct_refs = len({token.stem for token in refs})

    if reading.stuffing:
        judged.add(reading.stuffing, COST, "sympathy words instead of the person")
        judged.add_tokens(refs, EARNED, "mentions the human detail")
        level = 1 if refs else 0
        return judged.result(level, "Sympathy words, but no real personal moment with this customer.")
    cold = _cold(reading)
    if cold and not personal:
        judged.add(cold, COST, "curt or blaming: no room for a connection")
        return judged.result(0, "Purely transactional, and cool with it; no personal connection.")

    judged.add(personal, EARNED, P.PERSONAL.note)
    judged.add(story, EARNED, P.OWN_STORY.note)
    judged.add(questions, EARNED, "asks about the person or the detail they shared")
    judged.add_tokens(refs, EARNED, "picks up the human detail")
    judged.add(reading.name_spans, EARNED, "uses the customer's name")
    overpromise = reading.spans("overpromise")
    if overpromise:
        judged.add(overpromise, COST, "the promise or advice undercuts the moment")
        return judged.result(
            min(1, moves), "Warm words, but the promise or advice that comes with them lets the customer down."
        )
    if resolution.off_topic:
        judged.add(story, COST, "the chat takes the focus off what the customer needs")
        judged.add([(q.start, q.end) for q in reading.questions if _is_small_talk(reading, q)], COST, "small talk")
        return judged.result(1, "Friendly chat, but it takes the focus off the customer and what they need.")
    if (moves >= 2 and (refs or story or personal)) or (moves >= 1 and distinct_refs >= 3):
        return judged.result(3, "A warm, personal moment built on what the customer shared.")
    if moves >= 1 and (refs or personal or questions):
        return judged.result(2, "Picks up a human detail and responds to it as one person to another.")
    if moves or pleasantry or refs or reading.earlier_refs or reading.name_spans or reading.spans("appraisal"):
        judged.add(pleasantry, EARNED, P.PLEASANTRY.note)
        judged.add_tokens(reading.earlier_refs, EARNED, "mentions someone from the customer's life")
        judged.add(reading.spans("appraisal"), EARNED, P.APPRAISAL.note)
        return judged.result(1, "A friendly touch, but one that would fit any caller.")
    return judged.result(0, "Purely transactional; no personal connection.")


# ---------------------------------------------------------------- explore
def explore(reading: _Reading, resolution: _Resolution) -> CriterionScore:
    judged = _Judgement(reading, "explore")
    answer = reading.answer
    reason = reading.spans("explore_reason")
    asks = reading.asks
    best, best_summary = 0, "No question about what the customer is trying to do."
    personal = set(_personal_questions(reading))
    for span in asks:
        whole = (span.start, span.end)
        text = answer[span.start : span.end]
        stock = reading.within("stock_question", span)
        is_open = reading.within("open_question", span) or reading.within("tell_me", span)
        goal = reading.within("goal", span)
        detail_stems = {token.stem for token in reading.detail_refs}
        echo = [t for t in reading.echoes if span.start <= t.start < span.end and t.stem not in detail_stems]
        closed = _CLOSED_START.match(text) or reading.within("closed_question", span)
        alternatives = " or " in text
        if stock:
            level, note, effect = 1, P.STOCK_QUESTION.note, COST
            summary = "A stock question that would be asked of anyone."
        elif resolution.off_topic and not goal and not closed:
            level, note, effect = 0, "chit-chat, not about what the customer needs", COST
            summary = "The question is small talk, not about what the customer needs."
        elif whole in personal:
            level, note, effect = 1, "a friendly question about them, not about what they need", EARNED
            summary = "A friendly question, but not about what the customer is trying to do."
        elif (
            (goal or echo) and (is_open or (alternatives and not closed)) and (reason or alternatives or len(asks) > 1)
        ):
            level, note, effect = 3, "an open question about the real goal", EARNED
            summary = "An open question that builds on what the customer said and gets at the real goal."
        elif (is_open and (goal or echo)) or (goal and not closed):
            level, note, effect = 2, "an open, specific question", EARNED
            summary = "Asks an open, specific question about what this customer needs."
        else:
            level, note, effect = 1, "a closed or general question", EARNED
            summary = "A closed or general question; it doesn't open up what the customer needs."
        judged.add([whole], effect, note)
        judged.add(goal, EARNED, P.GOAL.note)
        if level > best or (best == 0 and level == 0):
            best, best_summary = level, summary
    judged.add(reason, EARNED, P.EXPLORE_REASON.note)
    return judged.result(best, best_summary)


# ---------------------------------------------------------------- WOW
@dataclass(frozen=True)
class _Gesture:
    level: int
    spans: tuple[tuple[int, int], ...]
    note: str  # shown on the phrase
    summary: str  # shown for the criterion, if this gesture sets the level


def _gestures(reading: _Reading) -> list[_Gesture]:
    found = []
    for span in reading.spans("stock_extra"):
        sentence = reading.sentence_of(span[0]) or Span(*span)
        if any(sentence.start <= token.start < sentence.end for token in reading.detail_refs):
            # A small extra chosen for what this customer shared is no longer generic.
            found.append(_Gesture(2, (span,), "an extra chosen for this customer", "A small extra, tied to them."))
        else:
            found.append(_Gesture(1, (span,), P.STOCK_EXTRA.note, "A generic extra, not tied to this customer."))
    if reading.spans("take_away_worry"):
        summary = "A thoughtful extra that takes a worry off the customer's mind."
        found.append(_Gesture(2, reading.spans("take_away_worry"), P.TAKE_AWAY_WORRY.note, summary))
    if reading.spans("beyond"):
        settled = reading.spans("done_state") or reading.spans("policy")
        summary = "Goes out of the way to help with what the customer really needed."
        found.append(_Gesture(3 if settled else 2, reading.spans("beyond"), P.BEYOND.note, summary))
    for name in ("keep", "ahead"):
        if reading.spans(name) and not (name == "ahead" and reading.own_idea):
            note = P.KEEP.note if name == "keep" else P.AHEAD.note
            summary = "A gesture that fits the situation and saves the customer real hassle."
            found.append(_Gesture(3, reading.spans(name), note, summary))
    return found


def wow(reading: _Reading) -> CriterionScore:
    judged = _Judgement(reading, "wow")
    gestures = _gestures(reading)
    # Only an upgrade the hire makes counts; "you should have picked expedited" is not a gesture.
    upgrade = tuple(
        span
        for span in reading.spans("upgrade")
        if not reading.within("blame", reading.sentence_of(span[0]) or Span(*span))
    )
    if upgrade and (reading.spans("commit") or reading.spans("done_state")):
        dated = bool(_DUE.search(reading.answer))
        if dated and (reading.timing_concern or _DEADLINE.search(reading.answer)):
            summary = "A proportionate gesture that solves the real problem: it arrives in time."
            gestures.append(_Gesture(3, upgrade, "faster shipping to meet the customer's date", summary))
        elif dated:
            summary = "A fitting extra: faster shipping with a clear date."
            gestures.append(_Gesture(2, upgrade, "faster shipping, with a firm date", summary))
        else:
            judged.add(upgrade, COST, "a costly gesture with no deadline behind it")
    level, summary = 0, "No extra step beyond the basics."
    for gesture in gestures:
        judged.add(gesture.spans, EARNED, gesture.note)
        if gesture.level > level:
            level, summary = gesture.level, gesture.summary
    overpromise = reading.spans("overpromise")
    if overpromise and level >= 1:
        judged.add(overpromise, COST, "over the top or can't be kept")
        level, summary = 0, "The extra step goes too far or can't be kept."
    if reading.stuffing and level > 1:
        level = 1
    return judged.result(level, summary)


# ---------------------------------------------------------------- tone
# A customer who is short with the hire: the moment that calls for calm, not more polish.
_FRUSTRATED = re.compile(
    r"(?:^|[.!?] )(?:fine|look|whatever)\b|\bjust (?:tell|make sure|need|put)\b"
    r"|\bI don't (?:need|really see|want to be)\b|\bdoes it matter\b|\bI've (?:heard|already)\b|\ba joke\b"
    r"|\breading a script\b|\bbelieve it when\b"
    r"|\bcan we just\b|\bget on with it\b|\bwasted\b|\bI want to speak\b|\bget me a manager\b",
    re.IGNORECASE,
)


def tone(
    reading: _Reading, resolution: _Resolution, acknowledged: CriterionScore, connected: CriterionScore
) -> CriterionScore:
    judged = _Judgement(reading, "tone")
    cold = reading.spans("blame") + reading.spans("curt") + reading.spans("stall_escalation")
    stiff = reading.spans("jargon") + reading.spans("refusal")
    scripted = reading.spans("scripted")
    warm_spans = reading.spans("warm")
    caps = tuple((m.start(), m.end()) for m in _CAPS_WORD.finditer(reading.answer))
    judged.add(cold, COST, "blaming, curt or dismissive")
    judged.add(caps, COST, "shouting in capitals")

    if reading.words <= 4:
        judged.add([(0, len(reading.answer))], COST, "too short: it sounds curt")
        return judged.result(0, "Curt: the customer would feel dismissed.")
    if cold or len(caps) >= 2:
        judged.add(stiff, COST, P.JARGON.note)
        return judged.result(0, "Cold, curt or blaming; the customer would feel dismissed.")
    if reading.stuffing:
        judged.add(reading.stuffing, COST, "piled-up empathy words sound stiff")
        return judged.result(1, "Piled-up empathy words make it sound scripted rather than warm.")

    judged.add(stiff, COST, P.JARGON.note)
    judged.add(scripted, COST, P.SCRIPTED.note)
    judged.add(warm_spans, EARNED, P.WARM.note)
    judged.add(reading.name_spans, EARNED, "uses the customer's name")
    # Contractions count towards warmth below but are not shown as evidence: one word proves nothing.
    warmth = len({reading.answer[s:e].lower() for s, e in warm_spans}) + (1 if reading.contractions >= 2 else 0)
    if len(stiff) >= 2 and not scripted and not warmth:
        return judged.result(0, "Full of jargon and rules; the customer would feel brushed off.")
    if stiff or len(scripted) >= 2 or (scripted and warmth < 3):
        return judged.result(1, "Polite but stiff; it reads like a script or a policy.")
    if resolution.off_topic and reading.spans("own_story"):
        judged.add(reading.spans("own_story"), COST, "the talk turns to the hire")
        return judged.result(1, "Friendly, but the talk turns to the hire instead of staying with the customer.")
    if scripted or caps or reading.spans("overpromise") or resolution.off_topic:
        judged.add(reading.spans("overpromise"), COST, "a careless promise")
        judged.add(
            [(q.start, q.end) for q in reading.questions if resolution.off_topic and _is_small_talk(reading, q)],
            COST,
            "small talk when the customer needs help",
        )
        return judged.result(2, "Mostly natural, with a stiff or careless phrase in it.")
    calm = reading.frustrated and reading.spans("validation")
    if calm:
        judged.add(reading.spans("validation"), EARNED, "stays calm and fair with a frustrated customer")
        return judged.result(3, "Calm, fair and natural with a frustrated customer: pitched just right.")
    if acknowledged.level + connected.level + min(warmth, 2) >= 4 and reading.contractions >= 1:
        for criterion in (acknowledged, connected):
            judged.add(
                [(e.start, e.end) for e in criterion.evidence if e.effect == EARNED][:2], EARNED, "meets this moment"
            )
        return judged.result(3, "Warm and natural, and pitched for this customer and this moment.")
    if not judged.items and reading.sentences:
        opening = reading.sentences[0]
        judged.add([(opening.start, opening.end)], EARNED, "plain words, no script")
    return judged.result(2, "Warm and natural; sounds like a person talking.")


class PhraseRulesScorer:
    """Scores an answer from phrase classes; see the module docstring."""

    name = "phrase-rules/1"

    def score(self, request: ScoringRequest) -> ScoreResult:
        return self.analyse(request)[0]

    def analyse(self, request: ScoringRequest) -> tuple[ScoreResult, _Reading]:
        """The levels and evidence, and the reading they came from (the learned layer's rule features)."""
        reading = read(request.customer_message, request.answer, request.scenario)
        resolved, resolution = own_resolve(reading)
        acknowledged = acknowledge(reading, resolution)
        connected = connect(reading, resolution)
        criteria = (
            acknowledged,
            connected,
            explore(reading, resolution),
            resolved,
            wow(reading),
            tone(reading, resolution, acknowledged, connected),
        )
        return ScoreResult(scorer=self.name, criteria=criteria), reading

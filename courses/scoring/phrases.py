"""Phrase classes: the general kinds of wording the rules look for.

Each class is one compiled pattern and the short reason shown to the hire when it matches.
Patterns are written with a plain apostrophe; curly ones match too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from courses.scoring.text import stem, words

WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"


@dataclass(frozen=True)
class PhraseClass:
    name: str
    note: str
    pattern: re.Pattern  # case-insensitive, for any text
    lowered: re.Pattern  # the same, case-sensitive, for text already in lower case (about twice as fast)

    def spans(
        self, text: str, lowered: str | None = None, start: int = 0, end: int | None = None
    ) -> list[tuple[int, int]]:
        """Spans of every match in text[start:end]; pass text.lower() too when it has the same length."""
        end = len(text) if end is None else end
        if lowered is not None:
            found = self.lowered.finditer(lowered, start, end)
        else:
            found = self.pattern.finditer(text, start, end)
        return [span for span in (match.span() for match in found) if span[1] > span[0]]


_LITERAL_CAPITAL = re.compile(r"(\\.)|([A-Z])")


def phrase(name: str, note: str, *alternatives: str) -> PhraseClass:
    body = "|".join(alternatives).replace("'", "['’]")
    # A match may be followed by 's ("navy's"), never by more letters.
    source = rf"(?<![\w'’])(?:{body})(?!\w)"
    lowered = _LITERAL_CAPITAL.sub(lambda m: m.group(1) or m.group(2).lower(), source)
    return PhraseClass(name, note, re.compile(source, re.IGNORECASE), re.compile(lowered))


# ---------------------------------------------------------------- acknowledge
STOCK_ACK = phrase(
    "stock_ack",
    "stock phrase that could be said to anyone",
    r"I (?:completely |totally |fully |really |truly )?understand(?: your (?:frustration|concern)s?| how (?:you feel|"
    r"frustrating))?",
    r"I(?: do|'d like to)? apologi[sz]e for (?:any|the) (?:inconvenience|trouble|delay)",
    r"(?:sorry|apologies) for (?:any|the) (?:inconvenience|trouble|delay|confusion)",
    r"(?:any|the) inconvenience(?: (?:this|that) (?:may have|has) caused)?",
    r"thank you (?:so much )?for your (?:patience|understanding)",
    r"I hear you",
    r"I (?:truly |totally |completely |really )?empathi[sz]e",
    r"I can only imagine",
    r"(?:that|this) must be (?:so |really |very )?(?:incredibly )?(?:frustrating|stressful|upsetting|annoying|"
    r"difficult)",
    r"(?:your feelings|that) (?:are|is|'s) (?:so |totally |completely )?valid",
    r"I (?:totally )?get it",
    r"I feel you",
    r"understood",
    r"sorry for your loss",
    r"I'm sorry to hear(?: that)?",
)

# Empathy words that, piled up, read as a script rather than as listening.
STUFFING = phrase(
    "stuffing",
    "empathy words piled up",
    r"(?:so|very) sorry",
    r"I (?:completely |totally |truly |really |fully )?understand",
    r"I (?:really )?hear you",
    r"I (?:truly |totally |completely |really )?empathi[sz]e(?: so much)?",
    r"(?:so |totally |completely )valid",
    r"I can only imagine",
    r"(?:so|incredibly) (?:frustrating|stressful|upsetting|overwhelming|scary|hard)",
    r"I (?:totally )?get it",
    r"I can (?:absolutely |really )?feel your",
    r"thank you so much",
    r"for sharing (?:that|this)",
    r"sending you (?:so much )?love",
    r"it's okay not to be okay",
    r"I really am",
    r"oh my goodness",
    r"your (?:feelings|pain|frustration)",
)

VALIDATION = phrase(
    "validation",
    "validates what happened to this customer",
    # agreeing that the customer has a point
    r"you're (?:absolutely |completely |quite |totally )?right",
    r"(?:that's|it's) (?:a )?(?:fair|fair question|fair point)",
    r"fair question|fair point",
    r"(?:not|isn't|wasn't|never) (?:a )?(?:silly|stupid|daft)",
    r"makes (?:complete |total |perfect )?sense",
    r"(?:completely |totally )?understandable",
    r"no wonder",
    r"of course you're (?:worried|upset|frustrated|annoyed|nervous|cross|angry)",
    r"I'd be (?:upset|frustrated|annoyed|worried|cross|angry|the same)(?: too)?",
    r"I'd feel the same",
    r"anyone would (?:be|feel)",
    r"(?:very |completely |perfectly )?normal (?:thing|to feel|to worry|question)",
    # owning what went wrong
    r"(?:that's|it's|was|which is|that was|this is) (?:entirely |completely |totally )?(?:our|my) (?:mistake|mix-up|"
    r"fault|error)",
    r"(?:that's|it's) on us",
    r"we (?:got it wrong|let you down|dropped the ball|messed (?:it )?up)",
    r"(?:should|shouldn't) (?:never )?have (?:happened|had to)",
    r"you shouldn't have to",
    r"(?:that's |it's )?(?:really |just |so )?(?:not|isn't|is not) (?:on(?! us)|good enough|okay|fair|right)",
    r"(?:isn't|is not|wasn't|not) (?:very |much |that |terribly )?(?:helpful|useful|much use)",
    # showing the situation has been seen
    r"I can (?:see|tell|hear) (?:you|this|that|how|it's|why)",
    r"(?:you've|you have|you've got) every right",
    r"I know (?:how|it's|that|what|this)|I know(?=[,!])",
    r"I get (?:that|why)",
    r"I can imagine",
    r"you've (?:had to|been) (?:chase|call|ring|wait|waiting|chasing|let down|passed around|so patient)",
    # taking the pressure off
    r"you (?:don't|won't|wouldn't) (?:have|need) to",
    r"no need to (?:decide|explain|worry|rush)",
    r"(?:it |that )?doesn't have to",
    r"(?:it's )?no trouble|not a bother|(?:you're )?not bothering",
    r"(?:no need to|please don't|don't) apologi[sz]e|nothing to apologi[sz]e for|no apolog(?:y|ies) needed",
    r"(?:it's )?not your fault|you did (?:everything|nothing) (?:right|wrong)|you've done nothing wrong",
    r"you're not (?:too late|a bother|silly|an idiot|being (?:silly|difficult|a pain)|\w+ing(?: me)?(?: at all|"
    r" one bit)?)",
    r"(?:I've|I have|I) (?:really )?enjoyed (?:our|talking|chatting|hearing)",
    r"(?:it's |I'm )?not (?:reading )?(?:a|from a) script",
    r"(?:I'm )?not (?:prying|being nosy)",
    r"I'm not going to (?:keep|fob|brush|pass|leave|make) you",
    r"(?:we|I) (?:definitely )?can't have (?:that|you|the|them|it)",
    r"let's (?:not let|make sure) that (?:doesn't )?happen",
    # meeting what they said warmly
    r"(?:thank you|thanks) for (?:telling me|letting me know|not)",
    r"(?:really |so )?glad you (?:rang|called|said|told me|got in touch|reached out)",
    r"(?:so|very|really) (?:kind|nice|lovely|sweet) of you",
    r"I'm (?:(?:so|really|very|truly) )*sorry(?: about| that|, that|, you| to hear about| for your)",
    r"oh no",
    r"(?:that's|that is|what a) (?:huge|lovely|wonderful|brilliant|exactly|amazing|awful|horrible|rotten|rubbish|"
    r"a pain|"
    r"no fun|so annoying|really annoying|a shame|a worry|a relief|nightmare)",
    r"that sounds (?:awful|horrible|rough|hard|tough|stressful|worrying|lovely|exciting|amazing|wonderful|miserable)",
    r"good for you",
    r"(?:good|perfect) timing",
    r"you're (?:still )?in time",
    r"(?:that's |what )?a (?:really |very )?(?:good|great|smart|fair) (?:question|idea|call|plan|way to do it)",
    r"(?:that's|it's) the smart way",
)

GENERIC_ACK = phrase(
    "generic_ack",
    "polite, but general",
    r"of course",
    r"not at all",
    r"no worries(?: at all)?",
    r"fair enough",
    r"happy to (?:help|check|look)",
    r"good news",
    r"I'm (?:(?:so|really|very|truly) )*sorry",
    r"(?:oh|ah),? (?:wow|dear|goodness)",
    r"sounds like (?:you|it's|it was)",
    r"no rush",
    r"I see",
    r"(?:please )?don't (?:cry|worry|panic)",
    r"got it",
    r"(?:so |really |very )?sorry(?: about that| to hear that)?",
)

FEELING = phrase(
    "feeling",
    "names the feeling",
    r"(?<!don't )(?<!to )(?<!no )worr(?:y|ied|ying|ies)",
    r"stress(?:ful|ed)?",
    r"panic(?:king|ky)?",
    r"maddening",
    r"miserable",
    r"scar(?:y|ed)",
    r"upset(?:ting)?",
    r"nightmare",
    r"annoy(?:ing|ed|ance)",
    r"frustrat(?:ing|ed|ion)",
    r"fed up",
    r"let down",
    r"relief|relieved",
    r"lonely|alone",
    r"(?:very|so|too|really) quiet",
    r"feeling low",
    r"(?:really |so )?(?:hard|tough|rough|difficult)",
    r"embarrass(?:ing|ed)?",
    r"nervous|nerves|anxious",
    r"awful|horrible|rotten",
    r"disappoint(?:ed|ing|ment)",
    r"heartbreak(?:ing)?|grief|griev(?:e|ing)",
    r"exhaust(?:ed|ing)|overwhelm(?:ed|ing)",
    r"excit(?:ed|ing)|thrilled|proud",
    r"(?:a )?hassle|palaver|(?:such|a real|a) pain",
    r"cross|angry|furious|gutted",
    r"(?:are|is) the worst",
    r"counting the days",
    r"(?:a )?big deal",
    r"riding on|at stake",
    r"what matters|the one that matters|matters most",
    r"the last thing you need",
    r"cut it close",
    r"too late",
)

# ---------------------------------------------------------------- connect
PERSONAL = phrase(
    "personal",
    "responds as one person to another",
    r"I hope (?:he|she|you|your|they|the|it|his|her|their)\b",
    r"good luck(?: with| on| at)?",
    r"congratulations|congrats",
    r"have (?:the best|a wonderful|a brilliant|the loveliest|a fantastic|an amazing|a great|a lovely) "
    r"(?:time|trip|match|holiday|party|wedding|game|run|hike|date|graduation|celebration|birthday|first day)",
    r"(?:he's|she's|you've|they've|he has|she has) got (?:excellent|great|good|fine) taste",
    r"lucky to have|(?:a )?lucky (?:boy|girl|dog|man|lady|lad)",
    r"good for you",
    r"bless (?:her|him|them|you)",
    r"(?:that's |what )?a (?:lovely|wonderful|great|beautiful|special|perfect) "
    r"(?:way|tradition|thing|idea|home|plan|reason|choice|memory|story|treat)",
    r"(?:look after|take care of) yourself",
    r"(?:I'd|I would|you'd|you would|he'd|she'd|he would|she would) (?:have done|do) the same|I would have too|"
    r"same here|me too|I'm the same",
    r"(?:he|she)'s (?:just |only )?doing (?:his|her) job",
    r"enjoy (?:the|your) (?:trip|wedding|party|match|walk|cookout|run|hike|holiday|dinner|date|graduation|reunion)",
    r"you(?: two| both| all)?(?:'ll| will) (?:smash|nail|ace|love|rock) it",
    r"I know (?:that|the) feeling|(?:I've|we've all) been there",
    r"you (?:took|take|took such|take such) (?:such )?good care of",
    r"sounds like (?:she|he|they)(?:'s|'re| is| are| has| have)?",
    r"(?:she|he|they) sounds? like",
    r"must (?:love|adore) (?:you|her|him|it)",
    r"(?:say hi|give (?:him|her|them) a (?:pat|cuddle|treat|hug))",
    r"I bet (?:he|she|you|they)",
    r"I love (?:that|the sound of|how)",
    r"(?:he|she)(?:'ll| will) (?:be (?:so |too |really )?(?!there|here|with)\w+|love|adore|look|have)",
    r"(?:it's|she's|he's|you're|they're) going to (?:be|look|have) (?:a |the )?(?:wonderful|great|lovely|amazing|"
    r"brilliant|"
    r"fantastic|special|best|beautiful)",
    r"(?:she's|he's|you're|they're) going to (?:look|have|love)",
    r"you (?:must be|sound) (?:so |really |very )?(?:proud|excited|thrilled|chuffed)",
    r"you deserve",
    r"(?:let me|let us) know how (?:it|the \w+|they|he|she) (?:goes|went|gets on)",
    r"I'd love to hear",
    r"(?:send|give) (?:him|her|them|\w+) (?:our|my) (?:best|love)|(?:our|my) best to",
    r"what a (?:sweetheart|lovely (?:boy|girl|dog|thing))",
    r"how old is (?:he|she)|what's (?:his|her|their) name",
    r"how's (?:he|she) settling",
    r"give (?:\w+ )?a (?:pat|cuddle|treat|scratch)",
    r"(?:tell|wish) (?:him|her|them) (?:a )?happy|happy birthday",
    r"you'll (?:look|be) (?:great|amazing|fab|fantastic|wonderful|brilliant)",
)

OWN_STORY = phrase(
    "own_story",
    "a short story of your own",
    r"my (?:(?:big|little|older|younger|old|late) )?"
    r"(?:aunt|uncle|mum|mom|dad|nan|gran|grandad|grandma|grandpa|granny|sister|brother|cousin|cat|dog|kids?|son"
    r"|daughter|husband|wife|partner|knees|friend|mother|father|family|partner|boyfriend|girlfriend|puppy|nephew|"
    r"niece)",
    r"I've got an? (?:dog|cat|son|daughter|puppy|kid|boy|girl)",
    r"(?:in|at) my house",
    r"(?:when|after|before) I (?:broke|lost|was|did|had|got|moved|started|ran|tried)",
    r"I lost my",
    r"mine (?:was|used|did|is|does)",
    r"I did (?:a|one|the)",
    r"I've been meaning",
    r"I've got \w+ \w+ too",
    r"my (?:trick|tip|secret) is",
    r"I remember (?:my|when|the)",
    r"(?:we|I) had (?:a|one) (?:dog|cat|puppy) (?:like|just like)",
    r"my (?:mum|mom|dad|nan|gran) (?:always|used to)",
    r"I love (?:\w+ing)",
    r"happened to me",
)

PLEASANTRY = phrase(
    "pleasantry",
    "a pleasantry that would fit any caller",
    r"have a (?:great|good|lovely|nice|wonderful) (?:day|rest of your day|evening|weekend|one)",
    r"(?:sounds|how|what) (?:fun|exciting|great|lovely|nice)",
    r"kids grow so fast",
    r"thank you for choosing",
    r"glad (?:they're|you like|you're happy|they fit|you like)",
    r"thanks for (?:calling|ringing)",
    r"that's (?:really |so |very )?kind",
    r"enjoy your (?:day|evening|weekend)",
    r"(?:such|so much) fun",
    r"enjoy(?: your (?:new )?(?:shoes|purchase|order|boots))?!",
    r"take care",
)

# A warm reaction: said about a detail the customer shared, it is a personal response.
APPRAISAL = phrase(
    "appraisal",
    "reacts warmly",
    r"(?:that's|that is|what a|how|so|such a|sounds) (?:really |so )?(?:brilliant|lovely|wonderful|great|amazing|"
    r"fantastic|"
    r"exciting|sweet|special|huge|fun|perfect|beautiful|gorgeous)",
    r"(?:is|are) the best",
    r"(?:she|he)'s got (?:great|excellent|good) taste",
    r"(?:I )?love (?:it|that)",
    r"what a (?:legend|star|character|champ|sweetheart)|(?:a|such a) legend",
    r"(?:ha|aw|aww|ooh|oh)(?=[,!])",
)

# Family, pets, events and the rest of a life: the human details a caller offers.
HUMAN_DETAIL_WORDS = """
    son daughter grandson granddaughter grandchild grandchildren husband wife partner fiance fiancee boyfriend
    girlfriend mum mom mother dad father sister brother nephew niece cousin aunt uncle grandad granddad grandpa
    grandma granny nan nana family friend kid child baby boy girl twins neighbour neighbor dog puppy cat kitten
    pet horse wedding graduation birthday party trip holiday vacation honeymoon match game season race
    marathon interview job funeral memorial christening anniversary reunion retirement concert cookout
    christmas easter thanksgiving fourth july halloween church garden school college university house home
    plan hike hiking camping run running walk dance dancing dinner team ankle wrist knee hip injury crutch
    operation surgery hospital
"""
HUMAN_DETAIL = frozenset(stem(word) for word in words(HUMAN_DETAIL_WORDS))

# ---------------------------------------------------------------- explore
STOCK_QUESTION = phrase(
    "stock_question",
    "a stock question that would be asked of anyone",
    r"(?:is|will) there (?:be )?anything else",
    r"anything else (?:I can|you need|you'd like|we can)",
    r"what else can I",
    r"(?:can|could|may) I (?:please )?(?:have|take|get) (?:your|the) (?:order|account) number",
    r"order number",
    r"(?:verify|confirm) (?:the|your) (?:email|address|account|identity|details)",
    r"is that everything",
    r"is there anything you",
    r"anything (?:else )?you'd like me to",
)

OPEN_QUESTION = phrase(
    "open_question",
    "an open question",
    r"what|how|when|where|whereabouts|who|which|why",
    r"tell me (?:about|what|where|when|how|which|a bit)",
    r"(?:anything|something) (?:in particular|special|particular)",
    r"are (?:they|these|those|you) (?:for|doing|going|after)",
    r"got (?:anything|something) planned",
)

CLOSED_QUESTION = phrase(
    "closed_question",
    "a yes/no question",
    r"(?:shall|should|can|could|may) I",
    r"(?:do|would) you (?:want|like)",
    r"(?:is|are) (?:it|that|this) (?:still )?(?:fine|okay|ok|alright|all right)",
    r"same (?:colou?r|size|style)",
)

GOAL = phrase(
    "goal",
    "asks about what they are trying to do",
    r"(?:for|about) (?:the |your |that )?(?:day|event|occasion|wedding|trip|party|date|match|plan)",
    r"in particular|anything special|something special",
    r"occasion|what's it for|what are they for",
    r"the (?:big )?day|wearing|replac(?:e|ing)",
    r"planned",
    r"(?:need|needs|want|wear|use|using|doing|wearing) (?:in )?(?:them|it|this|these)",
    r"what (?:you'll|you're|you'd|you will) (?:be )?(?:doing|using|wearing|need)",
    r"what (?:they're|it's|they are|it is) for|what for",
    r"need (?:them|it|to)",
    r"(?:in|on) your hands",
    r"trying to",
    r"(?:cook|cooking|shopping|buying) for",
    r"how many",
    r"indoors?|outdoors?|outside",
    r"(?:when|where) is it",
    r"pinch|tight|hurt|slip|toes|width|arch",
    r"(?:what|which|your|usual) size",
    r"(?:you're|you are) (?:after|looking for)",
    r"(?:town|zip|post) ?code|whereabouts are you|where are you(?: (?:now|located|based))?(?=\?)",
    r"how(?:'s| has| have) (?:your|you|things)",
    r"(?:one|ones) (?:more|most)",
)

EXPLORE_REASON = phrase(
    "explore_reason",
    "says why it asks",
    r"(?:that'll|that will|it'll|it will|that might|it might|that would|it would) (?:help|decide|make)",
    r"I (?:only )?ask because",
    r"helps me",
    r"so (?:I|we) can (?:find|pick|get)",
)

TELL_ME = phrase("tell_me", "invites them to say more", r"(?:just )?tell me (?:the|about|what|where|a bit)")

# ---------------------------------------------------------------- own & resolve
ACTION_VERB = (
    r"send|sending|sent|ship|shipping|shipped|refund|refunded|releas(?:e|ed|ing)|email|emailing|emailed|"
    r"check|checking|checked|swap|swapped|exchang(?:e|ed)|upgrad(?:e|ed|ing)|bump(?:ed)?|note|noted|"
    r"arrang(?:e|ed)|call|ring|set up|start|started|search|searching|read|give|find|put|push|pushed|"
    r"written|write|do|done|sort|sorted|make sure|pull(?:ed)?|treat(?:ing)?|stay|get|pop|book|booked|look at|stick to|"
    r"switch(?:ed)?|change|changed|move|moved|rush|rushed|reserve|reserved|waive|waived|organi[sz]e|collect|fix|"
    r"fixed|chase|chased|follow up|keep an eye|"
    r"cancel(?:led)?|reorder|replace|replac(?:ed|ing)|track|open|add(?:ed)?|credit(?:ed)?"
)
COMMIT = phrase(
    "commit",
    "takes ownership of a next step",
    rf"(?:I'll|I will|I've|I have|I'm going to|I'm|I am|we'll|we've|we will|let me|let's|I've just|I just)"
    rf"(?! need you| have to ask)(?: (?!see|hear|imagine|know)\w+){{0,3}}? (?:{ACTION_VERB})",
)

# An offer is ownership not yet taken: "I can upgrade you", "I could send".
OFFER = phrase(
    "offer",
    "offers a next step",
    rf"(?:I|we) (?:can|could)(?: (?!see|hear|imagine|know)\w+){{0,3}}? (?:{ACTION_VERB})",
)

VAGUE = phrase(
    "vague",
    "vague: no what or when",
    r"look into (?:it|this|that)",
    r"in due course",
    r"escalat(?:e|ed|ing)",
    r"a representative",
    r"(?:please )?contact us",
    r"someone will",
    r"(?:has|have) been (?:processed|noted)",
    r"we recommend",
    r"hopefully",
    r"\w+-ish",
    r"(?:estimated|expected) delivery (?:window|date)",
    r"within \d+ to \d+ business days",
    r"continuously working",
    r"happy to (?:assist|investigate)",
    r"investigate further",
    r"I'll make a note",
    r"go ahead and",
    r"(?:(?:^|(?<=[.!?] ))|you can |you'll need to |just )(?:log in|filter|go to|visit)(?: to| by \w+ on)? "
    r"(?:your account|the website|our website|order history|the product page|the site)",
    r"(?:quick|simple) and easy",
)

DONE_STATE = phrase(
    "done_state",
    "says exactly where things stand",
    r"(?:it|they|that|the \w+|this|which|\w+ \w+)(?:'s|'re| is| are) (?:now |all )?(?:on (?:its|their) way|"
    r"out for delivery|"
    r"on the van|released|done|set up|sorted|booked|in your (?:inbox|email)|going out|being sent)",
    r"(?:it|they)(?:'ll| will) (?:ship|arrive|go out|be with you|be there|be here)",
    r"(?:it|they) (?:ships?|arrives?|goes out|go out)",
    r"(?:is|are|'s|'re) (?:now )?on (?:next-day|express|overnight|the (?:van|truck|lorry))",
    r"(?:it's |all )?done(?=[:.!])",
    r"refund (?:in|within) \d+",
    r"(?:in|within) (?:\d+|one|two|three|four|five|a few)(?: to (?:\d+|two|three|four|five|seven|ten))? (?:working |"
    r"business )?days",
    r"it's done",
    rf"(?:due|arriving|arrive|here|there|be there|delivered|with you) (?:by |on |this |next )?(?:today|tomorrow|"
    rf"tonight|{WEEKDAY})",
    r"yours to keep",
    r"refund (?:goes|will go|'ll go) back",
    r"(?:tracking|label|confirmation|summary)(?:'s| is| will be| will come)(?: through)? (?:in|on its way|by email|"
    r"to your)",
    r"(?:in|to) your (?:inbox|email)",
    r"(?:there's|there is) one (?:listed|about|open)",
    r"listed as open",
    r"open until",
    r"in stock",
)

POLICY = phrase(
    "policy",
    "accurate policy that takes away the worry",
    r"(?:a |the )?(?:full|whole) year",
    r"free both ways",
    r"(?:it's|it is|is|'s) free",
    r"free (?:to (?:send|return|swap)|return label|label)",
    r"prepaid label",
    r"(?:no|at no) (?:charge|cost)",
    r"365[- ]days?",
    r"we (?:take|accept) returns",
    r"(?:still )?eligible for (?:a )?(?:return|refund|exchange)",
    r"(?:swap|swapping|return|exchange)(?:'s| is) (?:easy|free|simple)",
    r"you can (?:still )?(?:return|send|swap|exchange|keep) (?:it|them|the \w+)",
    r"(?:within|inside) (?:the|a|your) (?:year|window|365)",
    r"for free|free of charge",
)

RECOMMEND = phrase(
    "recommend",
    "a clear, concrete answer",
    r"I'd (?:go|pick|choose|recommend|suggest|stick)",
    r"(?:you should|I would|I'd) (?:buy|get|go for|choose|pick) (?:that|this|the)",
    r"(?:my|the best) (?:pick|bet|choice|recommendation) (?:is|would be)",
    r"(?:is|would be|'s) (?:probably )?(?:a |the )?(?:good|safe|better|best) (?:bet|choice|fit|option)",
    r"(?:it's|that's) the (?:one|\w+-\w+)|(?:is|'s) the one",
    r"would (?:be|look|work) (?:great|perfect|ideal|best|lovely)",
    r"in an? \d+(?:\.\d)?(?: (?:narrow|wide|medium))?",
    r"(?:is|'s) (?:plenty|enough|the better)",
    r"comes in",
    r"(?:I've|we've) got (?:two|three|four|a few|some|plenty|lots|loads)",
    r"go for (?:the|a)",
    r"(?:order|try) the",
)

SPECIFIC = phrase(
    "specific",
    "a specific",
    r"today|tonight|tomorrow|this (?:morning|afternoon|evening)|within the hour|in the next few minutes",
    rf"(?:by |on |due |this |next )?{WEEKDAY}",
    r"next-day|next day|overnight",
    r"by email|your (?:inbox|email)",
    r"(?:return |free |prepaid )?label",
    r"tracking(?: number)?",
    r"confirmation",
    r"\d+(?:\.\d)?(?: (?:narrow|wide|medium))?",
    r"the \d+(?:st|nd|rd|th)",
    r"for free|free of charge",
    r"address|phone number",
    r"on your (?:account|order)",
    r"(?:half|next) size",
)

REFERRAL = phrase(
    "referral",
    "points to the right professional",
    r"(?:your |a )?(?:doctor|pharmacist|GP|clinic|urgent care|emergency services|listening line|counsellor|helpline)",
    r"people (?:you can|whose (?:whole )?job|who)(?: \w+)? (?:ring|call|talk|listen)",
    r"(?:healthcare|medical) professional",
)

REFUSAL = phrase(
    "refusal",
    "refuses or sends them elsewhere",
    r"only able to (?:assist|help) with",
    r"we only (?:handle|deal with|do)",
    r"(?:can't|cannot) recommend",
    r"(?:cannot|can't) be guaranteed",
    r"look that up yourself",
    r"(?:a )?manager is not available",
    r"(?:can't|cannot) guarantee",
    r"you'll (?:need|have) to (?:send|return|measure|call|go|contact|log|fill)",
    r"you'd have to",
    r"it's all (?:on|in) the",
)

BLAME = phrase(
    "blame",
    "puts the blame on someone",
    r"you should have",
    r"you (?:chose|picked|selected) (?:standard|the|a)",
    r"(?:shown|stated|selected|chosen) at checkout",
    r"you didn't (?:read|check|pick|select|choose|order|tell|call|measure)",
    r"(?:you'd|you would) be better off",
    r"next time",
    r"at your own risk",
    r"no need to be rude",
    r"(?:not|isn't) on us",
    r"out of our control",
    r"(?:aren't|isn't|not) something we control",
    r"(?:the )?(?:last|other) (?:agent|person|rep)",
    r"should have called",
    r"my colleague",
    r"(?:the )?chat team",
    r"the (?:warehouse|carrier|courier) must have",
    r"useless",
    r"no idea why",
    r"not sure what happened",
    r"(?:that's|it's) not my (?:job|problem|department)",
    r"not (?:my|our) problem",
    r"isn't chit-chat",
    r"calm down",
    r"(?:it's|that's|this is|was) (?:the|their|your|his|her) (?:\w+ )?(?:fault|mistake)",
    r"(?:courier|carrier|driver|warehouse|airline|airport|bank|engineer|network|supplier|restaurant|"
    r"shop|store|team|department|system)(?:'s|s') (?:fault|mistake|problem|issue)",
    r"not (?:our|my|the company's) fault",
    r"(?:it's|that's|was) not (?:on )?ours",
    r"(?:blame|take it up with|complain to) (?:the|them|your)",
    r"nothing (?:I|we) can do",
    r"(?:you|you've) (?:must have|should've|clearly|obviously)",
    r"you'll just have to wait",
    r"(?:if you|you need to) (?:stop|quit) (?:shouting|yelling)",
)

# Refusing or stalling a customer who asks for someone senior or for a complaint to be logged.
STALL_ESCALATION = phrase(
    "stall_escalation",
    "refuses or stalls the escalation the customer asked for",
    r"(?:no|not a|there's no|there is no) (?:manager|supervisor|one senior)(?:s)? "
    r"(?:is |are )?(?:available|here|around|on)",
    r"(?:a |the )?(?:manager|supervisor) (?:won't|can't|will not|cannot|isn't going to) (?:help|do|change|say)",
    r"(?:no need|don't need|you don't need) (?:for |to (?:speak to |talk to |get )?)?"
    r"(?:a |the )?(?:manager|supervisor)",
    r"(?:can't|cannot|won't|not able to|unable to) (?:put you through|transfer you|get (?:you )?a manager|escalate)",
    r"(?:managers?|supervisors?) (?:are|is) (?:busy|in a meeting)",
    r"(?:I'm|I am) (?:the|as) (?:highest|most senior)",
    r"(?:there's|there is) no (?:point|need) (?:in )?(?:escalating|complaining|a complaint)",
    r"(?:wait|try again|call back) (?:a few|for|until) (?:days|hours|weeks|tomorrow|next)",
)

OVERPROMISE = phrase(
    "overpromise",
    "a promise that can't be kept",
    # "I promise" only about a delivery: a date nobody can guarantee
    r"I promise(?= (?:it|they|you)(?:'ll| will))",
    r"(?:arrive|come|be there|be here|get there|get to you)\b[^.!?]{0,40}I promise",
    r"(?:will|'ll) definitely (?:come|arrive|be)",
    r"guaranteed to (?:arrive|be)",
    r"I'll (?:drive|bring|take|deliver) (?:them|it) (?:over|round|to you)(?: myself)?",
    r"(?:two|three|several) (?:more|extra) pairs",
    r"you (?:might|may) (?:be|have) (?:depress\w*|an infection|a sprain)",
    r"sounds like (?:you (?:might be|are) )?depress\w*",
    r"good for (?:depression|anxiety|mental health)",
    r"I (?:can )?guarantee",
    r"(?:a )?(?:hundred|100) ?(?:per ?cent|%) (?:sure|guaranteed|certain)",
    r"(?:will|'ll) never happen again",
    r"(?:free|on us|no charge) (?:for life|forever)",
    r"(?:waive|wipe|cancel|write off) (?:the|your) (?:whole |entire |full )?(?:bill|balance|debt|arrears)",
    r"(?:full )?refund (?:you )?(?:right now|immediately|instantly|in cash|today) (?:and|plus) ",
    r"(?:cash|full) refund (?:and|plus) (?:a|an|the) ",
    r"(?:I'll|I will|we'll) (?:make sure|ensure) (?:you get|it's|you're on) (?:a seat|the flight|that flight)",
    r"(?:seat|flight|slot|engineer) (?:is|will be) (?:definitely|guaranteed)",
)

# Reassurance or advice on a health question: a shoe shop must refer it on, never answer it.
MEDICAL_ADVICE = phrase(
    "medical_advice",
    "health advice the hire can't give",
    r"I'm sure (?:that'll|that will|it'll|it will|it's|you'll) be (?:fine|okay|normal)",
    r"(?:that'll|that will|it'll|it should|that should|should) be (?:fine|okay|alright)",
    r"(?<!if )(?<!whether )(?:it's|that's) (?:probably |perfectly |totally |just )?(?:normal|nothing)",
    r"(?:probably |just )?normal swelling",
    r"nothing to worry about",
    r"don't make a habit",
    r"(?:just |try )(?:take|double|ice|rest|elevate|keep it up)",
)

# ---------------------------------------------------------------- WOW
STOCK_EXTRA = phrase(
    "stock_extra",
    "a generic extra handed to anyone",
    r"\d+% (?:off|discount)",
    r"discount(?: code)?",
    r"coupon",
    r"promo(?:tional)? code",
    r"courtesy (?:credit|discount)",
    r"goodwill gesture",
    r"voucher",
    r"just because",
    r"free (?:\w+ )?(?:cover|gift|tote|socks|accessory|accessories)",
    r"a set of \w+",
)

UPGRADE = phrase(
    "upgrade",
    "upgraded shipping",
    r"upgrad(?:e|ed|ing)(?: (?:you|it|your shipping|the shipping))?(?: to)?(?: next-day| overnight)?",
    r"bump(?:ed)? (?:it|you) (?:up )?to next-day",
    r"next-day shipping|overnight shipping|express (?:shipping|delivery)|priority (?:shipping|delivery)|expedit(?:e|"
    r"ed)",
    r"(?:send|sent|ship|shipped|sending|shipping) (?:it|them|the \w+ )?(?:by )?(?:express|overnight|next-day|priority)",
    r"rush (?:it|them|the order)",
    r"(?:switch|move|change|put)(?:ed)? (?:you|it|them|your order|the order|the shipping)? ?(?:over |up )?to "
    r"(?:next-day|overnight|express|expedited|faster)",
    r"on next-day",
)

KEEP = phrase(
    "keep",
    "lets them keep it, no trip to return it",
    r"yours to keep",
    r"(?:please |just )?keep (?:those|the (?:\w+ ){1,2}(?:shoes|pair|boots|item|ones))",
    r"pass (?:them|it) on",
    r"hang on to (?:them|it|those)",
    r"(?:don't|no need to) bother (?:returning|sending)",
    r"give (?:them|it) to (?:a friend|someone|charity)|charity shop",
    r"(?:please )?don't (?:go to the trouble of sending|send) (?:them|it) back",
    r"(?:don't|no need to) (?:worry about )?(?:sending|send|returning|return) (?:anything|them|it|those) back",
    r"you don't (?:need|have) to send (?:anything|them|it) back",
    r"donat(?:e|ed|ing)",
    r"give (?:them|it) away",
    r"charity|clothes bank",
    r"someone (?:nearby |who )?(?:could|can) use",
    r"(?:don't|you don't) have to go anywhere",
)

AHEAD = phrase(
    "ahead",
    "sends ahead so they are never without",
    r"instead of waiting",
    r"(?:get|send) (?:another|a second|a new|a replacement) pair (?:sent )?(?:to|out)",
    r"wherever you're staying",
    r"rather than (?:making you )?wait(?:ing)?",
    r"(?:never|not) without",
    r"at the same time",
    r"(?:a )?second (?:size|pair)(?: to try)?",
    r"(?:two|both) sizes",
)

TAKE_AWAY_WORRY = phrase(
    "take_away_worry",
    "takes away a worry they hadn't raised",
    r"noted (?:it|the \w+|everything) on your (?:order|account)",
    r"(?:put|left) a note on your account",
    r"(?:written|wrote) (?:the whole thing|everything|it) (?:down )?on your account",
    r"so (?:nobody|no one|anyone|whoever)",
    r"in writing",
    r"(?:send|sending|email|emailing)(?: you)? (?:a |the )?(?:confirmation|summary)",
    r"whenever (?:you feel up to it|suits you|you're ready)|(?:ready|there) (?:when|whenever) you are",
    r"I'll do (?:all of )?it for you",
    r"handwritten note|(?:pop|put|add|include|slip) (?:in )?a (?:little |handwritten |short )?(?:note|card)",
    r"(?:pick|collect)(?:ed)? (?:them |it )?up from (?:you|your)|(?:send|book|arrange)(?:ing)? a courier to",
    r"nothing to print|no need to print|no printer",
    r"so you (?:don't|won't) (?:have|need) to",
    r"a confirmation (?:email|by email)",
    r"keep an eye on (?:it|them|the)",
    r"(?:I'll|I will) (?:personally )?(?:check|follow up|call you|ring you)",
    r"(?:call|ring|check in with) you (?:on|this|next|tomorrow|later|back)",
    r"(?:set|put in) (?:myself )?a reminder",
    r"(?:emailing|email|send|sending) you (?:the |a )?(?:\w+ )?(?:confirmation|summary|proof)",
    r"gift[- ]wrap(?:ped)?|a (?:birthday|sympathy|little) card",
    r"(?:so|in case) (?:the next person|whoever|anyone)",
    r"(?:refund|cover|waive)(?:ed)? the (?:shipping|delivery|postage)",
    # practical tips that head off the next problem
    r"walk around in (?:them|it)",
    r"you'll want (?:room|a|to|something)",
    r"try (?:them|it) (?:on )?(?:around|at) (?:the house|home)",
    r"(?:ring|call) (?:them|ahead) first",
    r"calling ahead",
    r"gives you (?:a|an|two|over a|a couple of) (?:day|evening|week|days)",
    r"practice run",
)

# Words that mark a step taken on top of the fix, in any line of business.
EXTRA_STEP = phrase(
    "extra_step",
    "a step on top of the fix",
    r"I(?:'ve| have| will|'ll) also",
    r"(?:and|I've|I'll) (?:gone ahead and|taken the liberty of)",
    r"on top of that",
    r"while I'm at it",
    r"just in case",
    r"for (?:extra )?peace of mind",
    r"in the meantime",
    r"so (?:that )?you (?:won't|don't|needn't) (?:have to|need to) (?:worry|chase|call|ring)",
    r"(?:no|at no) (?:extra )?(?:charge|cost) to you",
)

# A gesture of goodwill, in any line of business (whether it fits is for the heads to learn).
GOODWILL = phrase(
    "goodwill",
    "a gesture of goodwill",
    r"goodwill",
    r"on the house",
    r"as a (?:small )?(?:thank you|gesture|apology)",
    r"(?:a|an) (?:small |little |one-off )?(?:credit|voucher|refund) (?:of|for|on|to cover)",
    r"(?:waive|waived|waiving|cover|covered|covering) the (?:\w+ )?(?:fee|charge|cost)",
    r"(?:priority|express|fast[- ]track(?:ed)?)",
    r"bump(?:ed)? (?:you|it|that) up",
)

BEYOND = phrase(
    "beyond",
    "helps with what they actually need, beyond the order",
    r"(?:search|searching|look|looking|find|finding|check|checking) (?:for |up )?(?:a |the |some )?"
    r"(?:pharmac\w+|grocer\w*|supermarkets?|somewhere|stores?|shops?|places?|services?|taxis?|buses)",
    r"(?:read|give) you (?:the|their) (?:address|details|names|numbers?|phone)",
    r"(?:the|their) (?:details|number)",
    r"(?:a |the )?(?:listening|support|help) ?line",
    r"let's find you",
    r"(?:find|found|finding) (?:you )?(?:the nearest|the closest|somewhere|one that's open|what's open)",
    r"(?:I'll|let me|I can) (?:call|ring|phone) (?:the|them|a) (?:pharmacy|store|shop|taxi|pharmacist)",
    r"(?:local|nearby) (?:delivery|pharmac\w+|grocer\w*|services?|shops?|stores?)",
    r"(?:the )?(?:number|details) for (?:a|the) (?:taxi|cab|pharmacy|helpline|service)",
)

# ---------------------------------------------------------------- tone
JARGON = phrase(
    "jargon",
    "jargon",
    r"per (?:our|the) policy",
    r"ticket",
    r"escalat(?:e|ed|ion)(?: queue)?",
    r"queue",
    r"SKU",
    r"as (?:previously )?stated",
    r"department",
    r"in due course",
    r"for security purposes",
    r"BTU(?: ratings)?",
    r"spec(?:s| tab| sheet|ifications)",
    r"eligible",
    r"technically",
    r"the window's|the returns? window",
    r"(?:our )?processes",
    r"representative",
    r"inquir(?:y|ies)",
    r"in the unlikely event",
    r"2A|AA|4E",
    r"product page|order history",
    r"please be advised",
    r"kindly",
    r"at this time",
    r"process your (?:\w+ )?request",
    r"your feedback has been noted",
)

SCRIPTED = phrase(
    "scripted",
    "reads like a script",
    r"thank you for (?:contacting|calling|choosing|your purchase|your patience|your understanding|shopping)",
    r"(?:is|will) there (?:be )?anything else",
    r"have a great (?:day|rest of your day)",
    r"we (?:truly )?appreciate",
    r"I apologi[sz]e",
    r"inconvenience",
    r"happy to (?:assist|investigate)",
    r"(?:please )?contact us",
    r"we recommend",
    r"your (?:order|package) (?:will|does)",
    r"I can confirm",
    r"unfortunately",
    r"please consult",
    r"(?:assist|assisting) you",
    r"our (?:return )?process is",
    r"continuously",
    r"customer loyalty team",
)

CURT = phrase(
    "curt",
    "curt",
    r"(?:^|(?<=[.!?] ))(?:Fine|Okay|Ok|Right|Look)\.",
    r"up to you",
    r"(?:^|(?<=[.!?] ))(?:sir|ma'am),",
    r", (?:sir|ma'am)",
    r"is there anything you actually",
    r"(?:we've|I've) got (?:a lot of|lots of|other) (?:calls|customers)",
    r"(?:can|could|please) (?:you )?(?:put|keep|take) (?:the|your) (?:dog|pet|kids?|child|son|daughter)",
    r"I can't hear you",
    r"anyway\.$",
)

WARM = phrase(
    "warm",
    "warm, natural wording",
    r"I hope",
    r"good luck",
    r"lovely",
    r"brilliant",
    r"honestly",
    r"ha",
    r"oh",
    r"wonderful",
    r"perfect",
    r"no rush",
    r"look after yourself|take care of yourself",
    r"bless",
    r"(?:so|really) glad",
    r"let's",
    r"no need to apologi[sz]e",
    r"no trouble",
    r"not (?:silly|bothering)",
    r"you're right",
    r"fair",
    r"nothing else you need",
    r"I'd (?:go|hate|do)",
    r"that's (?:huge|exactly|fair)",
    r"here's (?:what|the|an|how)",
    r"I mean it",
)

# Capitalised words that are not names.
NOT_NAMES = frozenset(
    words(
        """
        i hi hello hey oh ok okay yes no thanks thank sorry sure right well fine look so and but or the a an
        monday tuesday wednesday thursday friday saturday sunday january february march april may june july
        august september october november december daddy mummy mum mom dad sir ma'am customer loyalty team
        fourth college school christmas ha alright great perfect brilliant lovely wow
        """
    )
)

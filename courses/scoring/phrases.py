"""Phrase classes: the general kinds of wording the rules look for.

Each class is one compiled pattern and the short reason shown to the hire when it matches.
Patterns are written with a plain apostrophe; curly ones match too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from courses.scoring.text import stem

WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"


@dataclass(frozen=True)
class PhraseClass:
    name: str
    note: str
    pattern: re.Pattern

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in self.pattern.finditer(text) if m.end() > m.start()]


def phrase(name: str, note: str, *alternatives: str, flags: int = re.IGNORECASE) -> PhraseClass:
    body = "|".join(alternatives).replace("'", "['’]")
    return PhraseClass(name, note, re.compile(rf"(?<![\w'’])(?:{body})(?![\w'’])", flags))


# ---------------------------------------------------------------- acknowledge
STOCK_ACK = phrase(
    "stock_ack",
    "stock phrase that could be said to anyone",
    r"I (?:completely |totally |fully |really |truly )?understand(?: your (?:frustration|concern)s?| how (?:you feel|frustrating))?",
    r"I(?: do|'d like to)? apologi[sz]e(?: for (?:any|the) (?:inconvenience|trouble|delay))?",
    r"(?:sorry|apologies) for (?:any|the) (?:inconvenience|trouble|delay|confusion)",
    r"(?:any|the) inconvenience(?: (?:this|that) (?:may have|has) caused)?",
    r"thank you (?:so much )?for your (?:patience|understanding)",
    r"I hear you",
    r"I (?:truly |totally |completely |really )?empathi[sz]e",
    r"I can only imagine",
    r"(?:that|this) must be (?:so |really |very )?(?:incredibly )?(?:frustrating|stressful|upsetting|annoying|difficult)",
    r"(?:your feelings|that) (?:are|is|'s) (?:so |totally |completely )?valid",
    r"I (?:totally )?get it",
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
    r"you're (?:absolutely |completely |quite )?right",
    r"(?:that's|it's) (?:a )?(?:fair|fair question|fair point)",
    r"fair question",
    r"(?:not|isn't|wasn't|never) (?:a )?silly",
    r"makes (?:complete |total |perfect )?sense",
    r"no wonder",
    r"(?:that's|it's|was|which is|that was) (?:our|my) (?:mistake|mix-up|fault|error)",
    r"(?:that's|it's) on us",
    r"I can see (?:you|this|that|how|it's)",
    r"I know (?:how|it's|that|what)",
    r"I get (?:that|why)",
    r"(?:you don't|no need to|you won't) (?:have|need) to (?:decide|explain|worry|chase|go through)",
    r"you don't (?:have|need) to",
    r"(?:it |that )?doesn't have to",
    r"(?:that's |it's )?not (?:good enough|okay|on)",
    r"(?:thank you|thanks) for (?:telling me|letting me know|not)",
    r"(?:really |so )?glad you (?:rang|called|said)",
    r"(?:no need to|please don't|don't) apologi[sz]e",
    r"(?:it's )?not your fault",
    r"you did (?:everything|nothing) (?:right|wrong)",
    r"I can imagine",
    r"you're not (?:too late|bothering|a bother|an idiot|being)",
    r"(?:so|very|really) (?:kind|nice|lovely) of you",
    r"I'm (?:so |really |very )?sorry(?: about| that|, that|, you)",
    r"oh no",
    r"let's not let that happen",
    r"(?:we|I) (?:definitely )?can't have",
    r"I'm not (?:going to|prying|a script)",
    r"it's not a script",
    r"takes something",
    r"that's (?:huge|lovely|wonderful|brilliant|exactly)",
    r"good for you",
    r"(?:very |completely |perfectly )?normal thing",
    r"(?:completely|absolutely) sure",
    r"(?:good|perfect) timing",
)

GENERIC_ACK = phrase(
    "generic_ack",
    "polite, but general",
    r"of course",
    r"no problem(?: at all)?",
    r"not at all",
    r"no worries(?: at all)?",
    r"sure",
    r"fair enough",
    r"happy to (?:help|check|look)",
    r"good news",
    r"absolutely",
    r"I'm (?:so |really |very )?sorry",
    r"(?:oh|ah),? (?:wow|dear|goodness)",
    r"thank you",
    r"lovely",
    r"(?:how|what) (?:fun|exciting)",
)

FEELING = phrase(
    "feeling",
    "names the feeling",
    r"worr(?:y|ied|ying|ies)",
    r"stress(?:ful|ed)?",
    r"panic(?:king)?",
    r"maddening",
    r"miserable",
    r"scar(?:y|ed)",
    r"upset(?:ting)?",
    r"nightmare",
    r"annoy(?:ing|ed|ance)",
    r"frustrat(?:ing|ed|ion)",
    r"fed up",
    r"let down",
    r"relief",
    r"lonely",
    r"(?:very |so )?quiet",
    r"feeling low",
    r"(?:really |so )?hard",
    r"tough",
    r"embarrass(?:ing|ed)?",
    r"nervous",
    r"(?:are|is) the worst",
    r"counting the days",
    r"(?:a )?big deal",
    r"riding on",
    r"what matters",
    r"the one that matters",
    r"cut it close",
    r"too late",
)

# ---------------------------------------------------------------- connect
PERSONAL = phrase(
    "personal",
    "responds as one person to another",
    r"I hope (?:he|she|you|your|they|the|it|his|her)\b",
    r"good luck(?: with)?",
    r"congratulations|congrats",
    r"have (?:the best|a wonderful|a brilliant|a lovely|the loveliest|a great) (?:time|day|trip|match|evening)",
    r"(?:he's|she's|you've|he has|she has) got (?:excellent|great|good) taste",
    r"lucky to have",
    r"good for you",
    r"bless (?:her|him|them)",
    r"(?:that's |what )?a (?:lovely|wonderful|great|beautiful) (?:way|tradition|thing|idea|home)",
    r"(?:look after|take care of) yourself",
    r"stand in for",
    r"I'd have done the same",
    r"(?:he|she)'s (?:just )?doing (?:his|her) job",
    r"takes (?:her|his) job",
    r"the right home",
    r"enjoy (?:the|your) (?:trip|day|wedding|party|match|walk|cookout|run)",
    r"will get some use",
    r"well and truly",
    r"public enemy",
    r"(?:he|she) knows",
    r"sounds like (?:she|he|you)",
)

OWN_STORY = phrase(
    "own_story",
    "a short story of your own",
    r"my (?:aunt|uncle|mum|mom|dad|nan|gran|grandad|grandma|grandpa|granny|sister|brother|cousin|cat|dog|kids?|son"
    r"|daughter|husband|wife|partner|knees|friend|mother|father|family)",
    r"in my house",
    r"(?:when|after) I (?:broke|lost|was|did|had|got|moved)",
    r"I lost my",
    r"mine (?:was|used|did|is)",
    r"I did (?:a|one)",
    r"I've been meaning",
    r"I love (?:hiking|running|dancing|gardening|cooking)",
)

PLEASANTRY = phrase(
    "pleasantry",
    "a pleasantry that would fit any caller",
    r"have a (?:great|good|lovely|nice|wonderful) (?:day|rest of your day|evening|weekend|one)",
    r"(?:sounds|how) (?:fun|exciting|great|lovely)",
    r"kids grow so fast",
    r"thank you for choosing",
    r"glad (?:they're|you like|you're happy|they fit)",
    r"(?:such|so much) fun",
    r"enjoy your (?:new )?(?:shoes|purchase|order)",
    r"take care",
)

# Family, pets, events and the rest of a life: the human details a caller offers.
HUMAN_DETAIL_WORDS = """
    son daughter grandson granddaughter grandchild husband wife mum mom mother dad father sister brother
    nephew niece cousin aunt uncle grandad grandpa grandma nan family friend friends kid child baby boy
    girl dog puppy cat pet wedding graduation birthday party trip holiday vacation date match game season
    cookout fourth july anniversary funeral church service garden rose school college university house
    dinosaur plan 5k couch hike hiking salsa dance dancing dinner postman shelter beagle team street
    grandson walk snow crackers crutches ankle money tablets pharmacy library evening evenings
"""
HUMAN_DETAIL = frozenset(stem(word) for word in HUMAN_DETAIL_WORDS.split())

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
)

OPEN_QUESTION = phrase(
    "open_question",
    "an open question",
    r"what|how|when|where|whereabouts|who|which|why",
    r"tell me (?:about|what|where|when|how|which|a bit)",
    r"(?:anything|something) in particular",
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
    r"in particular",
    r"planned",
    r"(?:need|needs|want|wear|use|using|doing) (?:them|it|this|these)",
    r"need (?:them|it|to)",
    r"(?:in|on) your hands",
    r"trying to",
    r"cook(?:ing)? for",
    r"how many",
    r"indoors?|outdoors?|outside",
    r"(?:when|where) (?:is|are) (?:it|you|the)",
    r"pinch|tight|hurt|slip",
    r"(?:town|zip|post) ?code|whereabouts are you|where are you",
    r"how(?:'s| has| have) (?:your|you|things)",
    r"(?:one|ones) (?:more|most)",
    r"or (?:are|is|has|do|have|just)",
    r"what (?:kind|sort|style)",
    r"check on",
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
    r"written|write|do|done|sort|sorted|make sure|pull(?:ed)?|treat(?:ing)?|stay|get|got|pop|book|booked|"
    r"cancel(?:led)?|reorder|replace|replac(?:ed|ing)|track|open|add(?:ed)?|credit(?:ed)?"
)
COMMIT = phrase(
    "commit",
    "takes ownership of a next step",
    rf"(?:I'll|I will|I've|I have|I'm going to|I'm|I am|we'll|we've|we will|let me|let's|I can|I've just|I just)"
    rf"(?: \w+){{0,3}}? (?:{ACTION_VERB})",
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
)

DONE_STATE = phrase(
    "done_state",
    "says exactly where things stand",
    r"(?:is|are|'s|'re) (?:now )?(?:on (?:its|their) way|out for delivery|on the van|released|done|set up|sorted)",
    r"it's done",
    rf"(?:due|arriving|arrive|here|there|be there|delivered) (?:by |on |this |next )?(?:today|tomorrow|tonight|{WEEKDAY})",
    r"yours to keep",
    r"refund (?:goes|will go|'ll go) back",
    r"(?:tracking|label|confirmation)(?:'s| is| will be| will come)(?: through)? (?:in|on its way|by email|to your)",
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
    r"365 days",
    r"(?:swap|swapping|return|exchange)(?:'s| is) (?:easy|free|simple)",
)

RECOMMEND = phrase(
    "recommend",
    "a clear, concrete answer",
    r"I'd (?:go|pick|choose|recommend|suggest)",
    r"(?:it's|that's) the \w+",
    r"is probably a good bet",
    r"(?:is|'s) plenty",
    r"earns its keep",
    r"comes in",
    r"(?:I've|we've) got (?:two|three|four|a few|some)",
    r"go for",
    r"sounds like the",
    r"is bigger",
    r"order the",
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
    r"address|phone number",
    r"on your (?:account|order)",
    r"(?:half|next) size",
)

REFERRAL = phrase(
    "referral",
    "points to the right professional",
    r"(?:your |a )?(?:doctor|pharmacist|GP|clinic|urgent care|emergency services|listening line|counsellor|helpline)",
    r"people whose (?:whole )?job",
    r"(?:healthcare|medical) professional",
)

REFUSAL = phrase(
    "refusal",
    "refuses or sends them elsewhere",
    r"only able to (?:assist|help) with",
    r"we only (?:handle|deal with|do)",
    r"(?:can't|cannot) recommend",
    r"(?:cannot|can't) be guaranteed",
    r"not able to (?:provide|help|give)",
    r"look that up yourself",
    r"(?:a )?manager is not available",
    r"(?:can't|cannot) guarantee",
    r"you'll need to (?:send|measure|call|go)",
    r"you'd have to",
    r"it's all (?:on|in) the",
)

BLAME = phrase(
    "blame",
    "puts the blame on someone",
    r"you should have",
    r"you didn't",
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
    r"the warehouse must have",
    r"useless",
    r"no idea why",
    r"not sure what happened",
    r"I'm not the last person",
    r"isn't chit-chat",
)

OVERPROMISE = phrase(
    "overpromise",
    "a promise that can't be kept",
    r"I promise",
    r"(?:will|'ll) definitely (?:come|arrive|be)",
    r"I'll (?:drive|bring|take) (?:them|it) (?:over|round|to you)",
    r"after my shift",
    r"(?:two|three) more pairs",
    r"I'm sure (?:that'll|that will|it'll|it will) be fine",
    r"(?:that'll|that will) be fine",
    r"don't make a habit",
    r"(?:might|may) be depressed|sounds like you (?:might be|are) depressed",
    r"good for depression",
    r"we should really get them back",
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
    r"free (?:grill cover|gift|tote|socks)",
    r"a set of tongs",
)

UPGRADE = phrase(
    "upgrade",
    "upgraded shipping",
    r"upgrad(?:e|ed|ing)(?: (?:you|it|your shipping|the shipping))?(?: to)?(?: next-day| overnight)?",
    r"bump(?:ed)? (?:it|you) (?:up )?to next-day",
    r"next-day shipping|overnight shipping|expedit(?:e|ed)",
    r"on next-day",
)

KEEP = phrase(
    "keep",
    "lets them keep it, no trip to return it",
    r"yours to keep",
    r"(?:please )?don't (?:go to the trouble of sending|send) (?:them|it) back",
    r"you don't (?:need|have) to send (?:anything|them|it) back",
    r"donat(?:e|ed|ing)",
    r"give (?:them|it) away",
    r"clothes bank",
    r"(?:don't|you don't) have to go anywhere",
)

AHEAD = phrase(
    "ahead",
    "sends ahead so they are never without",
    r"instead of waiting",
    r"(?:never|not) without",
    r"at the same time",
    r"(?:second|another|both) (?:size|pair)s?(?: to try)?",
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
    r"(?:a |the )?(?:summary|confirmation)",
    r"handwritten note",
    r"(?:before|so) they arrive",
    r"a day to walk around|walk around in them",
    r"room for a thick sock",
    r"try them on around the house",
    r"(?:ring|call) (?:them|ahead) first",
    r"calling ahead",
    r"(?:dinosaur|print) (?:print )?inside",
    r"keep (?:the )?(?:burgers|\w+) going",
)

BEYOND = phrase(
    "beyond",
    "helps with what they actually need, beyond the order",
    r"(?:search|searching|look|looking|find|finding) (?:for )?(?:pharmacies|grocer|grocery|a pharmacy|somewhere|stores|shops)",
    r"(?:read|give) you (?:the|their) (?:address|details|names|number)",
    r"their details",
    r"(?:a |the )?listening line",
    r"let's find you",
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
    r"the window",
    r"(?:our )?processes",
    r"representative",
    r"inquir(?:y|ies)",
    r"in the unlikely event",
    r"business days",
    r"(?:2A|AA)",
    r"primary cooking surface",
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
    r"anything you actually need",
    r"we've got a lot of calls",
    r"put the dog in another room",
    r"can't hear you",
    r"anyway\.$",
    r"depends on your bank",
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
    r"here's (?:the straight answer|what happened|an idea)",
    r"I mean it",
)

# Capitalised words that are not names.
NOT_NAMES = frozenset(
    """
    i hi hello hey oh ok okay yes no thanks thank sorry sure right well fine look so and but or the a an
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december daddy mummy mum mom dad sir ma'am customer loyalty team
    fourth college school christmas ha
    """.split()
)

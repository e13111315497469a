"""Word lists for the EARS classifier and the requirement-smell rules, and the regex builder.

The lists follow the INCOSE Guide for Writing Requirements (rules on vague terms, escape clauses,
open-ended clauses, absolutes, pronouns, combinators, passive voice and the use of "not"), trimmed
where a word is common in good requirements and its smell depends on context (see the notes at
each list). Everything here is lower-case: callers match against a lower-cased copy of the text.

`word_pattern` and `trie_pattern` turn a list of phrases into one prefix-factored regex
alternation. Python's `re` tries the branches of a plain alternation one by one at every
position; factoring the shared prefixes makes a 300-phrase lexicon cost about as much as a
30-phrase one. `lazy_regex` compiles a pattern that few texts need at its first use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache


def split_phrases(listing: str) -> tuple[str, ...]:
    """Split a "|"-separated listing into phrases; whitespace inside a phrase is normalised."""
    return tuple(" ".join(phrase.split()) for phrase in listing.split("|") if phrase.strip())


# --- EARS -------------------------------------------------------------------------------------

#: Leading EARS keywords and the clause kind each introduces.
EARS_CLAUSE_KINDS: dict[str, str] = {
    "where": "precondition",
    "while": "state",
    "when": "trigger",
    "if": "condition",
}

#: Words used in place of SHALL; E004 reports the first one found when SHALL is missing.
SHALL_SUBSTITUTES: tuple[str, ...] = ("should", "must", "will", "may")

# --- A001 vague terms -------------------------------------------------------------------------
# INCOSE R7 list plus the usual subjective quality words and vague time words ("soon", "later").
# Words that are only vague before a number ("about 5") are in VAGUE_BEFORE_NUMBER; "minimum" and
# "maximum" are vague only without a value (UNQUANTIFIED_VAGUE). Not here on purpose: "any" (an
# absolute, A005), "most" (a superlative, A004), "can"/"could" (weak modals, A009), "and/or" (a
# combinator, A010), "required"/"need"/"possible" (vague only inside an escape clause such as
# "if required", A002), "declared"/"in accordance with" (they point to a definition).
VAGUE_TERMS: tuple[str, ...] = split_phrases(
    """
    some | several | many | various | numerous | a lot of | lots of | a few | few | certain |
    nearly | almost | approximate | approximately | approx. | roughly | more or less |
    ancillary | relevant | routine | common | generic | significant | significantly |
    substantial | substantially | considerable | considerably | flexible | flexibility |
    expandable | extensible | scalable | typical | typically | sufficient | sufficiently |
    adequate | adequately | enough | appropriate | appropriately | suitable | suitably |
    satisfactory | acceptable | unacceptable | proper | properly | efficient | efficiently |
    effective | effectively | proficient | reasonable | reasonably | customary | usually |
    normal | normally | generally | often | frequently | occasionally | rarely | user-friendly |
    user friendly | userfriendly | easy | easily | easy to use | simple | simply | intuitive |
    intuitively | seamless | seamlessly | smooth | smoothly | fast | quick | quickly | rapid |
    rapidly | slow | slowly | soon | timely | in a timely manner | promptly | robust |
    robustly | minimal | minimally | maximal | optimal | optimally | optimum | minimize |
    minimise | maximize | maximise | optimize | optimise | large | small | big | huge | tiny |
    long | short | high-performance | state-of-the-art | state of the art | best practice |
    best practices | arbitrary | arbitrarily | desirable | preferable | preferably | ideally |
    advisable | good | modern | etcetera | necessary | unnecessary | unnecessarily |
    into account | something | someone | somebody | somewhere | somehow | later | earlier |
    sooner | potentially | correctly | incorrectly | gracefully | cleanly | streamlined |
    readable | actionable | prominent | prominently | detailed
    """
)

#: Vague only in one use, each checked in smells.py: an adjective ("the correct value", "clean
#: code"), but not the verb ("SHALL correct the total", "clean up"); "compatible" without
#: "with <what>"; "respect" as the response verb ("SHALL respect the settings" names no
#: behaviour); "available" at the end of a clause ("SHALL be available", not "available via
#: the CLI"). "support" is not listed: "SHALL support English as the UI language" is read the
#: same way by every reader, and the lab data counts it as clear.
VAGUE_ADJECTIVES: tuple[str, ...] = ("correct", "clean")
VAGUE_WITHOUT_WITH: tuple[str, ...] = ("compatible",)
VAGUE_RESPONSE_VERBS: tuple[str, ...] = ("respect",)
VAGUE_AT_CLAUSE_END: tuple[str, ...] = ("available",)

#: Response verbs that name no observable outcome when what follows names none either:
#: "SHALL ensure data integrity", "SHALL support scalability" (vague); not "SHALL ensure that
#: each order has an id", "SHALL ensure the file is saved", "SHALL support PNG uploads".
VAGUE_OUTCOME_VERBS: tuple[str, ...] = ("ensure", "ensures", "support", "supports")
#: After "support", only these leave the behaviour open ("support accessibility").
VAGUE_SUPPORT_OBJECTS: tuple[str, ...] = split_phrases(
    """
    accessibility | scalability | extensibility | maintainability | flexibility | usability |
    customization | customisation | localization | localisation | internationalization |
    internationalisation | i18n | future growth | future needs | growth | all major |
    modern | best practices | a wide range
    """
)

#: Vague when no number follows in the same clause: "in a minimum number of cycles".
UNQUANTIFIED_VAGUE: tuple[str, ...] = ("minimum", "maximum")

#: Vague only when a number follows ("about 5 seconds"); elsewhere ordinary prepositions.
VAGUE_BEFORE_NUMBER: tuple[str, ...] = ("about", "around", "circa", "close to")

# --- A002 escape clauses ----------------------------------------------------------------------
ESCAPE_CLAUSES: tuple[str, ...] = split_phrases(
    """
    if possible | where possible | when possible | whenever possible | as far as possible |
    so far as is possible | as far as is possible | as much as possible |
    as little as possible | as soon as possible | to the extent possible | if necessary |
    where necessary | when necessary | as necessary | to the extent necessary |
    if it should prove necessary | as appropriate | if appropriate | where appropriate |
    when appropriate | as applicable | if applicable | where applicable | when applicable |
    as required | if required | where required | when required | as needed | if needed |
    where needed | when needed | if practicable | where practicable | as far as practicable |
    to the extent practical | to the extent practicable | if practical | where practical |
    if feasible | where feasible | when feasible | as feasible | if relevant | where relevant |
    if justified | unless otherwise specified | unless otherwise required |
    unless otherwise stated | unless otherwise agreed | unless otherwise noted |
    unless otherwise declared | if desired | as desired | insofar as |
    unless specified otherwise | unless stated otherwise | if not otherwise specified |
    if not specified otherwise | if no other specification | unless otherwise indicated
    """
)

# --- A003 open-ended clauses ------------------------------------------------------------------
# "such as", "e.g." and "for example" introduce a list of examples where the requirement should
# say the complete set. "like" counts only as a preposition (smells.py checks the words around
# it); "i.e." is not here: it defines, it does not leave open.
OPEN_ENDED: tuple[str, ...] = split_phrases(
    """
    like |
    etc | etc. | and so on | and so forth | including but not limited to |
    including, but not limited to | but not limited to | not limited to | without limitation |
    such as | e.g. | e.g | eg. | for example | for instance | among others | and others |
    or others | and other | or other | or similar | and similar | or equivalent | or the like |
    and the like | and more | and/or more | i.a. | inter alia
    """
)

# --- A004 comparatives and superlatives -------------------------------------------------------
# A comparative is fine when "than" follows in the same clause ("faster than 200 ms").
COMPARATIVES: tuple[str, ...] = split_phrases(
    """
    more | less | fewer | better | worse | faster | quicker | slower | higher | lower | larger |
    smaller | bigger | greater | easier | simpler | cheaper | safer | stronger | weaker |
    shorter | longer | newer | older | closer | heavier | lighter | harder | smoother |
    more efficient | more reliable
    """
)
SUPERLATIVES: tuple[str, ...] = split_phrases(
    """
    most | least | fewest | best | worst | fastest | quickest | slowest | highest | lowest |
    largest | smallest | biggest | greatest | easiest | simplest | cheapest | safest |
    strongest | weakest | shortest | longest | newest | oldest | closest | heaviest | lightest |
    hardest
    """
)

# --- A005 absolutes ---------------------------------------------------------------------------
# "any" is an absolute in the INCOSE sense (a universal claim: "any file type"), so it is here and
# not among the vague terms.
ABSOLUTES: tuple[str, ...] = split_phrases(
    """
    all | always | never | every | everything | everyone | everybody | everywhere | none |
    nobody | nothing | no one | any | anybody | anyone | anything | 100% | 100 % | 100 percent |
    at all times | unlimited | infinite | infinitely
    """
)

# --- A006 pronouns ----------------------------------------------------------------------------
# Personal and possessive pronouns always need a referent. Demonstratives count only where they
# stand alone ("this is stored"), not as determiners ("this value"); relative "that"/"which" and
# expletive "there" are not referring expressions and are not reported.
PERSONAL_PRONOUNS: tuple[str, ...] = split_phrases(
    """
    it | its | itself | they | them | their | theirs | themselves | he | him | his | himself |
    she | her | hers | herself | we | us | our | ours | ourselves | you | your | yours |
    yourself | i | me | my | mine | myself
    """
)
DEMONSTRATIVES: tuple[str, ...] = ("this", "that", "these", "those")

# --- A008 negatives ---------------------------------------------------------------------------
NEGATIVES: tuple[str, ...] = split_phrases(
    """
    not | never | no | none | nobody | nothing | no one | neither | nor | cannot | can't |
    won't | don't | doesn't | didn't | isn't | aren't | wasn't | weren't | shouldn't | mustn't |
    shan't | couldn't | wouldn't | hasn't | haven't | hadn't
    """
)

# --- A009 weak modals -------------------------------------------------------------------------
WEAK_MODALS: tuple[str, ...] = ("may", "might", "could", "can", "would", "should")

# --- A010 combinators -------------------------------------------------------------------------
# Words that join whole statements. "and"/"or" between nouns are fine; between responses they
# are found by the coordinated-response pattern in smells.py. Discourse adverbs ("however",
# "meanwhile") link sentences, not requirements, and are not listed.
COMBINATORS: tuple[str, ...] = split_phrases(
    """
    and/or | unless | otherwise | whereas | but also | as well as
    """
)

#: Base forms that are verbs in requirement language and rarely nouns: "and notify" coordinates
#: a second response. Noun-verb words ("log", "display", "report") are recognised only when an
#: object follows (see smells.py).
RESPONSE_VERBS: tuple[str, ...] = split_phrases(
    """
    abort | accept | accommodate | achieve | acknowledge | activate | adapt | add | adjust |
    alert | allocate | allow | analyse | analyze | append | apply | approve | archive | assess |
    assign | attach | attempt | authenticate | authorise | authorize | calculate | cancel |
    capture | clear | clone | collect | combine | compare | compile | compress | compute |
    configure | confirm | connect | continue | convert | copy | create | deactivate | decrypt |
    define | delete | deliver | deny | deploy | derive | describe | detect | determine |
    diagnose | disable | discard | disconnect | dismiss | distinguish | distribute | document |
    download | edit | emit | enable | encrypt | enforce | ensure | establish | estimate |
    evaluate | examine | exclude | execute | expand | extract | fetch | filter | find |
    forward | generate | grant | hide | highlight | identify | ignore | implement | import |
    include | increase | indicate | inform | initialise | initialize | initiate | insert |
    inspect | install | interrupt | invalidate | invoke | keep | launch | load | locate |
    maintain | measure | merge | migrate | modify | monitor | move | navigate | notify |
    obtain | open | operate | overwrite | parse | pause | perform | persist | populate |
    prepare | present | preserve | prevent | print | prioritise | prioritize | produce |
    prohibit | prompt | protect | provide | publish | purge | query | raise | read |
    recalculate | receive | recognise | recognize | reconcile | recover | redirect | reduce |
    refresh | register | reject | release | reload | remove | rename | render | reopen |
    repair | repeat | replace | require | reschedule | resend | reset | resolve | respond |
    restart | restore | resume | retain | retrieve | retry | reuse | revert | review | revoke |
    rotate | run | save | scan | select | send | separate | share | show | shut | simulate |
    skip | sort | specify | split | stop | store | submit | suggest | summarise | summarize |
    supply | suspend | synchronise | synchronize | terminate | transfer | transform |
    translate | transmit | trigger | truncate | unlock | upgrade | upload | use | validate |
    verify | wait | warn | write
    """
)

# --- Phrases that contain a flagged word but are fine -----------------------------------------
# Matching these first hides the word inside them: "at least 3" is a bound, not a superlative;
# "no later than 10:00" is a deadline, not a negation.
SHIELDS: tuple[str, ...] = split_phrases(
    """
    at least | at most | no more than | no less than | no fewer than | no later than |
    no earlier than | not more than | not less than | not fewer than | not later than |
    not earlier than | more than one | as long as | most recent | most recently |
    the latest version | all of the following | each and every | later on | as soon as |
    quick start
    """
)

# --- A007 passive voice -----------------------------------------------------------------------
BE_FORMS: tuple[str, ...] = split_phrases(
    """
    be | been | being | is | are | was | were | get | gets | got | gotten
    """
)

#: Irregular past participles (regular ones end in -ed).
IRREGULAR_PARTICIPLES: tuple[str, ...] = split_phrases(
    """
    arisen | beaten | begun | bent | bitten | blown | born | borne | bought | bound |
    broadcast | broken | brought | built | burnt | caught | chosen | cut | dealt | done |
    drawn | driven | eaten | fed | felt | forbidden | forgotten | forgiven | found | frozen |
    given | grown | held | hidden | hit | hung | input | kept | known | laid | led | left |
    lent | let | lit | lost | made | meant | met | mistaken | output | overridden | overrun |
    overseen | overtaken | overthrown | overwritten | paid | preset | proven | put | read |
    rebuilt | redone | remade | rerun | resent | reset | rewritten | ridden | run | rung |
    said | seen | sent | set | sewn | shaken | shot | shown | shut | slain | sold | sought |
    sown | spent | split | spoken | spread | stolen | struck | stuck | sung | sworn | swept |
    taken | taught | thrown | told | torn | thought | undergone | understood | undertaken |
    undone | upheld | upset | withdrawn | withheld | woken | won | worn | wound | written
    """
)

#: Words ending in -ed that are not past participles.
NOT_PARTICIPLES: tuple[str, ...] = split_phrases(
    """
    bed | bleed | breed | deed | embed | exceed | feed | greed | heed | hundred | indeed |
    kindred | naked | need | proceed | red | reed | sacred | seed | shed | shred | sled |
    speed | steed | succeed | ted | wed | weed | wicked
    """
)

# --- A011 placeholders (matched case-sensitively, see smells.py) -------------------------------
PLACEHOLDER_WORDS: tuple[str, ...] = ("TBD", "TBC", "TBA", "TODO", "FIXME", "XXX", "tbd", "tbc")

# --- A012 numbers -----------------------------------------------------------------------------
#: Words after which a number is a measured quantity that needs a unit.
MEASURE_CONTEXT: tuple[str, ...] = split_phrases(
    """
    within | under | over | below | above | exceed | exceeds | exceeding | after | before |
    every | than | at least | at most | up to | maximum | maximum of | minimum | minimum of |
    max | max. | min | min. | exactly | timeout of | limit of | delay of | interval of |
    duration of | latency of | period of | rate of
    """
)

#: Words that may follow a number without naming its unit or counted noun.
NON_UNIT_FOLLOWERS: tuple[str, ...] = split_phrases(
    """
    and | or | the | a | an | to | for | from | in | on | at | by | with | when | if | then |
    shall | should | must | will | is | are | was | were | be | after | before | until |
    unless | while | where | which | that | but | as | than
    """
)


_TrieNode = dict[str, "_TrieNode"]


def word_pattern(phrases: Iterable[str]) -> str:
    """Regex matching any of `phrases` as whole words (not inside a word or a hyphenation).

    The phrases are merged into a prefix tree, so a long list costs little more than a short
    one. Where the phrases start with only a few distinct letters, the word-start check is
    placed after each first letter: a pattern whose every branch opens with a literal lets
    `re` skip over all other characters in a tight loop. A long lexicon starts with nearly
    every letter, and there the plain leading lookbehind is faster. Spaces in a phrase match
    any whitespace run; an apostrophe matches ' and ’. The text must be lower-cased.
    """
    phrases = tuple(phrases)
    root = _trie(phrases)
    if sum(1 for char in root if char) > _MAX_LITERAL_FIRST_CHARS:
        return r"(?<![\w-])" + _trie_node_pattern(root) + r"(?![\w-])"
    return word_start_pattern(phrases) + r"(?![\w-])"


def word_start_pattern(phrases: Iterable[str]) -> str:
    """Any of `phrases` at a word start, the check placed after each first letter as in
    `word_pattern` whatever their number: for a search over a window of a few characters."""
    root = _trie(phrases)
    branches = []
    for char in sorted(char for char in root if char):
        first = _char_pattern(char)
        branches.append(first + f"(?<![\\w-]{first})" + _trie_node_pattern(root[char]))
    return "(?:" + "|".join(branches) + ")"


_MAX_LITERAL_FIRST_CHARS = 8


def trie_pattern(phrases: Iterable[str]) -> str:
    """Prefix-tree alternation of `phrases` without word boundaries, for use inside a pattern."""
    return _trie_node_pattern(_trie(phrases))


def lazy_regex(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function that compiles `pattern` at its first call and returns that regex from then
    on: for patterns few texts need, which `check` then does not compile at every start."""
    return cache(lambda: re.compile(pattern, flags))


def lower_keeping_offsets(text: str) -> str:
    """Lower-case `text` without moving any offset.

    `str.lower` lengthens a few characters (the Turkish dotted capital I becomes two code
    points); for such text only ASCII letters are lowered, which keeps every offset.
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def _trie(phrases: Iterable[str]) -> _TrieNode:
    root: _TrieNode = {}
    for phrase in phrases:
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return root


def _trie_node_pattern(node: _TrieNode) -> str:
    branches: list[str] = []
    is_end = False
    # A node where a phrase ends makes its continuations optional, so the regex tries the
    # longer phrase first and falls back to the shorter one.
    for char in sorted(node):
        if char == "":
            is_end = True
            continue
        branches.append(_char_pattern(char) + _trie_node_pattern(node[char]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if is_end:
        return "(?:" + body + ")?"
    return body


def _char_pattern(char: str) -> str:
    if char == " ":
        return r"\s+"
    if char in "'’":
        return "['’]"
    return re.escape(char)

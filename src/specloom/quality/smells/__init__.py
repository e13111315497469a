"""Requirement-smell rules (the A rules, family "ambiguity") for one criterion or requirement.

`find_smells` returns a `TextFinding` for every word or phrase that makes a requirement
ambiguous or untestable: vague terms, escape clauses, open-ended lists, comparatives without a
reference, absolutes, pronouns, agentless passives, negatives, weak modals, combinators,
placeholders and numbers without units. The word lists (INCOSE Guide for Writing Requirements)
live in `lexicon.py`.

How it stays fast: the text is lower-cased once (one copy shared with the EARS parser, see
`quality.criteria`) and scanned by a single regex whose branches cover the word lists (merged
into a prefix tree), passive verbs, coordinated responses and numbers. The scan is cut at each
", " (nothing it looks at crosses one), and each distinct piece is scanned once: criteria share
their clauses. Each lexicon match is looked up in a dict that says which rules the phrase
belongs to and which context check (if any) must pass; the checks are short anchored regexes
around the match. Only placeholders, a second SHALL and a joining "then" need a pass of their
own, and each of those is a literal search. There is no tokenizer and no per-word Python loop.

The modules: `scan` (`find_smells`), `candidates` (the one scan and its pieces), `words` (the
lexicon branch: which rules a phrase belongs to, and its context checks), `criterion` (where the
obligation of a criterion is), `obligation` (what check mode leaves out), one module per rule
that needs code of its own (`passive` A007, `combinators` A010, `placeholders` A011, `numbers`
A012), `patterns` (regex pieces shared by the scan and its branches) and `rules` (the rule
objects and their findings).
"""

from specloom.quality.smells.rules import RULES
from specloom.quality.smells.scan import find_smells

__all__ = ["RULES", "find_smells"]

"""Traceability rules (T codes): links that point at nothing, gaps in verification, drift."""

from __future__ import annotations

from specloom.core.rule import Rule, Severity

RULES: tuple[Rule, ...] = (
    Rule("T001", "link-unknown-spec", "trace", Severity.ERROR,
         "A test or code link names a spec that does not exist.",
         "Links name a spec folder under .kiro/specs/. A typo or a renamed spec leaves the link "
         "pointing at nothing, so the test verifies no criterion.",
         "@pytest.mark.req(\"cart-servce\", \"1.2\")",
         "@pytest.mark.req(\"cart-service\", \"1.2\")",
         "use the folder name of the spec under .kiro/specs/"),
    Rule("T002", "link-unknown-criterion", "trace", Severity.ERROR,
         "A link cites a criterion number the spec does not have.",
         "Criteria are cited as N.M (criterion M of requirement N). Renumbered or deleted "
         "criteria leave links pointing at nothing.",
         "# specloom: cart 1.9", "# specloom: cart 1.2",
         "cite an existing criterion, or remove the link"),
    Rule("T003", "link-unknown-property", "trace", Severity.ERROR,
         "A property-test tag names a correctness property the design does not have.",
         "Kiro tags property tests 'Feature: <spec>, Property <N>'; N must be a property "
         "numbered in design.md.",
         "# Feature: cart, Property 7", "# Feature: cart, Property 2",
         "use the number of a property in design.md"),
    Rule("T004", "property-without-test", "trace", Severity.WARNING,
         "A correctness property has no linked property-based test.",
         "Each property in design.md is meant to become one property-based test tagged "
         "'Feature: <spec>, Property <N>'. Without it the property is never checked.",
         "### Property 2: Quantity never negative   (no test tagged Property 2)",
         "@given(...)\ndef test_quantity_never_negative(...):\n"
         "    \"\"\"Feature: cart, Property 2: Quantity never negative\"\"\"",
         "write a Hypothesis test and tag it 'Feature: <spec>, Property <N>'"),
    Rule("T005", "done-task-not-verified", "trace", Severity.WARNING,
         "A task is ticked done but the criteria it cites are not verified.",
         "A task is done when the criteria it implements are verified by passing tests; "
         "a ticked box alone is not evidence.",
         "- [x] 2.1 Implement add   (criterion 1.2 has a failing test)",
         "- [x] 2.1 Implement add   (every cited criterion verified)",
         "make the linked tests pass, link a test, or untick the task"),
    Rule("T006", "stale-criterion", "trace", Severity.WARNING,
         "A criterion's text changed since its links were last verified.",
         "The tests passed against the old wording; they may not test what the criterion says "
         "now. Review the tests, then run 'specloom verify --accept'.",
         "1.1 edited after the last passing verification",
         "tests reviewed and 'specloom verify --accept' run",
         "review the linked tests against the new text, then verify with --accept"),
    Rule("T007", "linked-code-drift", "trace", Severity.INFO,
         "Code or tests linked to a criterion changed since its last verification.",
         "Commits or uncommitted edits touched files that hold the criterion's linked code or "
         "tests; the verification may no longer hold.",
         "src/cart.py changed in 3 commits since the last verify",
         "'specloom verify' run after the change",
         "run 'specloom verify' to re-verify the affected criteria"),
    Rule("T008", "anchored-code-changed", "trace", Severity.ERROR,
         "A function or class anchored to a criterion changed, or is gone, since the "
         "criterion last verified.",
         "When a criterion verifies, specloom records a fingerprint of the body of each function "
         "and class it is anchored to (the facts it cites, its code links, what its tests "
         "call). A different fingerprint means the code behind the criterion changed "
         "(comments, blank lines and docstrings do not count); the passing tests were run "
         "against other code.",
         "Signer.secret_key now returns self.secret_keys[0]; 4.5 last verified before",
         "'specloom verify' run after the change (and the criterion or tests updated)",
         "review the diff against the criterion, then run 'specloom verify' to re-verify"),
)

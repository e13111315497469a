"""The kernel every layer may use: diagnostics and rules, git, redaction, JSON text."""

"""Renderers turn a `CheckReport` into text for people, JSON, or SARIF 2.1.0."""

"""Authoring workflows: spec from intent, phase by phase, checked, repaired and approved.

The library here takes a pydantic-ai `Model` and plain steering text as parameters; it never
opens a model session or reads credentials itself (the CLI does), so tests drive every flow
with scripted models.
"""

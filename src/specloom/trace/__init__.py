"""Traceability: links from tests and code to criteria, verification by running tests, drift."""

"""Spec from code: a fact sheet from static analysis, then a spec grounded in it.

`facts` holds the data model and its JSON form; `python_facts`, `frameworks` and `tests_facts`
read Python source with `ast` (the analysed code is never imported or run); `files` lists the
files to read; `skeleton` writes the deterministic spec (`--no-llm`); `grounded` asks a model for
one and keeps only criteria that cite real facts; `linking` maps criteria to existing tests and
inserts `# specloom:` tags when asked; `pipeline` ties these together for the CLI.
"""

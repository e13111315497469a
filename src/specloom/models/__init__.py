"""The model layer: which model a command talks to, and a record of every call it makes.

`session.open_model_session` resolves the model string (`--model`, then config, then
`SPECLOOM_MODEL`, then `local`), builds a pydantic-ai `Model` for it (`providers`, or the embedded
llama.cpp model in `local`), wraps it so every request and response is written under
`.kiro/specloom/runs/<run-id>/` (`record`), and sums usage and cost (`usage`). `--replay RUN`
answers from such a record without calling any model.

This package must stay cheap to import: it must not import llama_cpp, openai or any provider SDK
here; the submodules import them lazily, when a model is actually built.
"""

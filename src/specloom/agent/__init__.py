"""The agent's building blocks: tools, permissions, checkpoints, hooks and the file watcher.

The task-running loop lives elsewhere and calls into these modules; nothing here talks to a
model except `model_tools.pydantic_ai_tools`, which only wraps the tools for one.
"""

"""Project setup: repository facts, the steering files `init` writes, and the write manifest."""

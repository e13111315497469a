"""Context for agents and models: steering selection, `#[[file:...]]` inlining, token estimates."""

"""The offline drafter: documents from the idea, read deterministically, with small model slots."""

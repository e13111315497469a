"""The spec document model: lossless parsers and writers for the files under `.kiro/`."""

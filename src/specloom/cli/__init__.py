"""The command-line adapter: each command parses arguments and calls one library function."""

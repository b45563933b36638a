"""Gold annotations: sampling sentences to annotate, building and reading the gold."""

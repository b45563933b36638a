"""Reading corpora: files and named corpora from the data home, sentence splitting, boilerplate."""

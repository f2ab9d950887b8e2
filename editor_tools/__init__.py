"""Tools for the content editors who maintain data/ (answers and training examples)."""

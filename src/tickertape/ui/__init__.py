"""The Textual reader. It talks to the core only through the core's public functions."""

"""The reader's dialogs: help, link list, warnings, facets, saving a view."""

"""The data layer: formats, cleaning, tickers, links, query language, cache and state.

Nothing in this package imports ``textual`` or ``rich``; a test enforces it, so the
command line and scripts can use the core without paying for the UI.
"""

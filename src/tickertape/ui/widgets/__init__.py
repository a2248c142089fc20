"""The reader's widgets: article list, article view, sidebar, header, query bar, facets."""

"""Writers: each renders the resolved Edition into one output format (Sphinx-like builders)."""

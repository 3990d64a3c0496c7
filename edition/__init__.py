"""Annotated-edition builder: TEI manuscript + stand-off annotations -> one edition model -> PDF, EPUB.

The pipeline follows pandoc's shape: ``readers`` parse and validate sources, ``resolve`` anchors the
annotations and builds one :class:`edition.model.Edition`, ``writers`` render that model.
"""

__version__ = "0.1.0"

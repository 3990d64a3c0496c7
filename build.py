#!/usr/bin/env python3
"""Build the annotated edition: `python build.py` (PDFs and EPUB), `python build.py check`, …

Run `python build.py --help` for every command.
"""

import sys

from edition.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""impact-ssg: a static site generator for practice monographs.

Editors write one Markdown file with YAML front matter per monograph; ``build``
validates them all and renders a cross-linked French site.
"""

from __future__ import annotations

__version__ = "0.1.0"

"""``python -m ariadne_hook``.

``-m`` puts the current folder first on ``sys.path``, and the current folder is the repository under review:
a file of it named like a standard module (``json.py``, ``sqlite3.py``...) would be imported, and run, the
moment the tool imports that module. The entry is taken off before anything else is imported (the
``-P`` / ``PYTHONSAFEPATH`` behaviour of Python 3.11+, on every version); this package is already loaded.
"""

import os
import sys

if not getattr(sys.flags, "safe_path", False) and sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from ariadne_hook.cli import main_entry  # noqa: E402  (after the path is safe)

main_entry()

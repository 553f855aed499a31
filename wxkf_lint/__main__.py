"""``python -m wxkf_lint`` runs the same command line as ``wxkf-lint``."""

import sys

from wxkf_lint.cli import main

sys.exit(main())

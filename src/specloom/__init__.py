"""specloom: spec-driven development on Kiro's `.kiro/` files, outside any IDE.

The package is a library first; the command line is a thin adapter over it.
This module must stay import-light: `specloom --version` reads `__version__` from here.
"""

__version__ = "0.1.0"

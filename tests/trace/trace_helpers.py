"""Helpers for the trace tests: small real projects, real git, and the CLI in-process."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from specloom.spec.workspace import Workspace

REQUIREMENTS = """\
# Requirements Document

## Requirements

### Requirement 1: Add an item
**User Story:** As a shopper, I want to add items, so that I can buy them.

#### Acceptance Criteria
1. WHEN a shopper adds an in-stock item, THE Cart_Service SHALL store it with quantity 1.
2. IF the item is out of stock, THEN THE Cart_Service SHALL reject the request.

### Requirement 2: Quantities
**User Story:** As a shopper, I want sane quantities, so that my order is right.

#### Acceptance Criteria
1. THE Cart_Service SHALL keep every quantity at 0 or more.

### Requirement 3: Checkout
**User Story:** As a shopper, I want to check out, so that I get my items.

#### Acceptance Criteria
1. WHEN a shopper checks out, THE Cart_Service SHALL empty the cart.
"""

DESIGN = """\
# Design Document

## Correctness Properties

### Property 1: Quantity never negative
*For any* sequence of operations, every quantity is at least 0.
**Validates: Requirements 2.1**

### Property 2: Checkout empties
*For any* cart, checkout leaves it empty.
**Validates: Requirements 3.1**
"""

TASKS = """\
# Implementation Plan

- [x] 1. Implement add
  - _Requirements: 1.1, 1.2_

- [x] 2. Quantities
  - _Requirements: 2.1_

- [ ] 3. Checkout
  - _Requirements: 3.1_
"""

CART = """\
def add(cart, item):
    # specloom: cart 1.1
    cart[item] = 1
    return cart
"""


def spec_files(name: str = "cart") -> dict[str, str]:
    base = f".kiro/specs/{name}/"
    return {base + "requirements.md": REQUIREMENTS, base + "design.md": DESIGN,
            base + "tasks.md": TASKS, "src/cart.py": CART}


def write_files(root: Path, files: dict[str, str]) -> Workspace:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    (root / ".kiro" / "specs").mkdir(parents=True, exist_ok=True)
    return Workspace(root)


GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                            env={**os.environ, **GIT_ENV}, check=True)
    return result.stdout


def git_commit_all(root: Path, message: str) -> str:
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def run_cli(argv: list[str]) -> int:
    """Run the specloom CLI in-process."""
    from specloom.cli.main import main

    return main(argv)

"""Literal specs shared by tests, and the type of the `make_workspace` fixture.

Tests import from here (not from conftest, whose module name is not unique across folders).
"""

from __future__ import annotations

from collections.abc import Callable

from specloom.spec.workspace import Workspace

MakeWorkspace = Callable[[dict[str, str | bytes]], Workspace]

GOOD_REQUIREMENTS = """\
# Requirements Document

## Introduction
Shoppers keep items in a cart until checkout.

## Glossary
- **Cart_Service**: the component that stores a shopper's cart.

## Requirements

### Requirement 1: Add an item
**User Story:** As a shopper, I want to add an item to my cart, so that I can buy it later.

#### Acceptance Criteria
1. WHEN a shopper adds an in-stock item, THE Cart_Service SHALL store the item with quantity 1.
2. IF the item is out of stock, THEN THE Cart_Service SHALL reject the request with the message "Out of stock".

### Requirement 2: Remove an item
**User Story:** As a shopper, I want to remove an item, so that I only buy what I need.

#### Acceptance Criteria
1. WHEN a shopper removes an item, THE Cart_Service SHALL delete the item from the cart.
"""

GOOD_DESIGN = """\
# Design Document

## Overview
An in-memory cart.

## Architecture
One module.

## Components and Interfaces
`CartService.add(item)`, `CartService.remove(item)`.

## Data Models
`Cart`: a mapping from item id to quantity.

## Correctness Properties

### Property 1: Added items are stored
*For any* in-stock item, adding it stores it with quantity 1.
**Validates: Requirements 1.1**

## Error Handling
Out-of-stock items are rejected.

## Testing Strategy
Unit tests and property tests.
"""

GOOD_TASKS = """\
# Implementation Plan

- [x] 1. Create the cart module
  - _Requirements: 1.1_

- [ ] 2. Implement add and remove
  - [x] 2.1 Implement add with stock check
    - _Requirements: 1.1, 1.2_
  - [ ] 2.2 Implement remove
    - _Requirements: 2.1_
  - [ ]* 2.3 Write property test for added items
    - **Property 1: Added items are stored**
    - **Validates: Requirements 1.1**

- [ ] 3. Checkpoint - make sure all tests pass
"""


def good_spec(name: str = "cart") -> dict[str, str | bytes]:
    base = f".kiro/specs/{name}/"
    return {
        base + "requirements.md": GOOD_REQUIREMENTS,
        base + "design.md": GOOD_DESIGN,
        base + "tasks.md": GOOD_TASKS,
        base + ".config.kiro": '{"specId": "0b0e", "workflowType": "requirements-first", '
                               '"specType": "feature", "customKey": 1}\n',
    }

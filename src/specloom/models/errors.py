"""Errors of the model layer, each with one message that says what to set or do.

This module must not import any provider SDK: the CLI imports it to catch these errors.
"""

from __future__ import annotations

from specloom.core.errors import SpecloomError


class ModelConfigError(SpecloomError):
    """The model cannot be built: an unknown model string, a missing key, a missing extra.

    The message names the environment variable, URL or `pip install` command that fixes it.
    """


class ModelCallError(SpecloomError):
    """A model call failed after the SDK's own retries: unreachable server, rate limit, 5xx.

    The message names the URL that was called and what to do about it.
    """


class ReplayError(ModelCallError):
    """A replayed workflow asked the record something it does not hold."""

"""Run task 1 of the calc spec with a scripted model that writes calc.py, then sleeps.

Used by test_run_resume.py: the test kills this process with SIGKILL while the model sleeps.
Arguments: ROOT HOME MARKER (the marker file is created just before the model sleeps).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from pydantic_ai.messages import ModelMessage, ModelResponse, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from specloom.agent.runner import RunOptions, TaskRunner
from specloom.spec.workspace import Workspace


def main() -> None:
    root, home, marker = (Path(arg) for arg in sys.argv[1:4])
    calls = 0

    def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        nonlocal calls
        calls += 1
        if calls == 1:
            code = "def add(a, b):\n    return a + b\n"
            return ModelResponse(parts=[ToolCallPart("write_file",
                                                     {"path": "calc.py", "content": code})])
        marker.write_text("sleeping")
        time.sleep(120)
        raise AssertionError("should have been killed")

    options = RunOptions(spec="calc", home=home, run_id="killed-run")
    TaskRunner(Workspace(root), FunctionModel(respond), options).run()


if __name__ == "__main__":
    main()

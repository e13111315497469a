"""Judge a shell command line by the simple commands it runs, not by its text.

The line is parsed with bashlex; every simple command in it (in lists, pipelines, `if`/`for`/
`while` bodies, subshells, groups and function bodies) is judged by its program name with the
path, quotes and backslashes removed. Wrappers (`env`, `command`, `exec`, `nice`, `nohup`,
`timeout`, `xargs`, `sudo`, `time`, ...) are unwrapped and `find -exec/-delete` counts as the
program it runs and as a deletion (`rm -rf <paths>`). Shells given inline code (`bash -c`) have
that code judged the same way; other interpreters given inline code (`python -c`, `node -e`,
`perl -e`, ...) need an allow pattern that names them. What cannot be judged from the text is
refused: a program name from an expansion (`$X`), command or process substitution, `eval`,
`source`, `trap`, `fc`, `hash -p`, `mapfile -C`, arithmetic and array subscripts that hold an
expansion, a shell or interpreter reading its code from stdin (`-`, a pipe, a here-doc, or a
descriptor path such as `/dev/stdin`, `/dev/fd/N` or `/proc/<pid>/fd/N`) or from a script path
that comes from a variable, and anything bashlex cannot parse. A redirection writing outside the
workspace is refused.

Allow and deny patterns are the project's `[commands]` globs, matched against each simple
command's normalised argv joined by single spaces (`/bin/rm -rf x` is matched as `rm -rf x`);
deny is matched against every wrapper level too. A line is allowed only when every simple
command in it is. This is a guard against mistakes and casual escapes, not the security
boundary: an allowed program can still run code the agent wrote (a script, a test suite), so
the shell also runs inside the OS sandbox (`specloom.agent.os_sandbox`).

The modules: `policy` (`ShellPolicy` and its verdict), `walk` (parse a line and judge each
simple command), `words` (expansions, program names, redirections), `wrappers` (`env`, `sudo`,
`xargs`, ... and find's start points), `interpreters` (inline code, scripts, awk), `paths`
(descriptor paths, the workspace), `programs` (the tables) and `scan` (what a walk gathers).
"""

from specloom.agent.shell_policy.policy import HOW_TO, Kind, ShellPolicy, Verdict
from specloom.agent.shell_policy.scan import CannotJudge, Leaf, WritesOutside

__all__ = ["HOW_TO", "CannotJudge", "Kind", "Leaf", "ShellPolicy", "Verdict", "WritesOutside"]

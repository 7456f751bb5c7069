"""The problems the worker reports about reward code (check_reward's `errors`): the Problem
record, every code the static checks and the smoke run can give (CODES), and their sentences,
read from src/prompts/problems.md.

The words live with the other prompts (all text the LLM reads is in src/prompts/), so the
TypeScript side can word a problem from a user's own prompt folder; Python still renders each
problem's `message` from the shipped file, for the reply's older readers and for people. The
file is read once; a code without a line fails at import, not with a blank sentence.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .allowlists import FORBIDDEN_NAMES

# The package root holds python/ and src/prompts/, in the repository and in the npm package.
PROBLEMS_FILE = Path(__file__).resolve().parents[2] / "src" / "prompts" / "problems.md"

Params = dict[str, str | int]


def forbidden_builtin_code(name: str) -> str:
    """The code of a forbidden builtin: each has its own line, which says why (`__import__`:
    forbidden_builtin_import)."""
    return "forbidden_builtin_" + name.strip("_")


# Each code of problems.md, by stage; a Problem has one of these.
CODES: tuple[str, ...] = (
    # syntax
    "syntax_error", "syntax_error_in",
    # structure
    "top_level_async_def", "reward_in_class", "top_level_class", "top_level_for", "top_level_while",
    "top_level_if", "top_level_with", "top_level_try", "top_level_expression", "top_level_global",
    "top_level_del", "top_level_raise", "top_level_statement", "no_reward_function",
    "reward_defined_twice", "reward_yields", "reward_returns_nothing",
    # signature
    "first_parameter_not_self", "signature_too_many_arguments", "signature_takes_no_arguments",
    "signature_requires_unpassed", "signature_unknown_keywords",
    # forbidden: imports and module members
    "import_not_allowed", "import_submodule", "from_import_not_allowed", "from_submodule_not_allowed",
    "from_import_star", "from_import_private", "from_import_forbidden", "from_import_missing",
    "from_import_submodule", "module_attribute_forbidden", "module_attribute_missing", "submodule_not_available",
    # forbidden: constructs, names and attributes
    "helper_self_misused", "class_definition", "async_function", "await_used", "generator",
    "ground_truth_named", "global_statement", "nonlocal_statement", "self_rebound_by_except",
    "self_rebound_by_import", "self_parameter", "decorator",
    *(forbidden_builtin_code(name) for name in FORBIDDEN_NAMES),
    "dunder_name", "self_rebound", "reflective_not_called", "module_rebound", "module_as_value",
    "dunder_attribute", "private_attribute", "forbidden_attribute", "format_not_on_literal",
    "format_field_walks", "getattr_name_not_constant", "getattr_private_name", "getattr_forbidden_name",
    "type_call_arguments",
    # forbidden: changing the env
    "out_into_env", "physics_mutator", "env_method_mutates", "in_place_into_env", "env_attribute_assigned",
    "env_state_assigned", "module_assigned", "assignment_not_allowed",
    # forbidden and names: what the code reads from outside
    "env_module_used", "builtin_not_available", "name_not_defined",
    # smoke: the run's own reason (a traceback's last line, a timeout, memory)
    "smoke_failed", "smoke_timeout", "smoke_out_of_memory", "smoke_no_reason",
)

# As src/prompts.ts keyedLines reads a line: JavaScript's \w is ASCII and its `.` stops at \r.
_LINE = re.compile(r"([A-Za-z0-9_]+):\s([^\r\n\u2028\u2029]*)")
_PLACEHOLDER = re.compile(r"\{\{([A-Za-z0-9_]+)\}\}")


def parse(text: str) -> dict[str, str]:
    """The `key: text` lines of a keyed template; other lines are passed over, a later key wins."""
    keyed: dict[str, str] = {}
    for line in text.split("\n"):
        m = _LINE.fullmatch(line)
        if m:
            keyed[m[1]] = m[2]
    return keyed


def fill(text: str, params: Params) -> str:
    """Every {{name}} replaced, as src/prompts.ts fill: a placeholder without a value is an error."""

    def value(m: re.Match[str]) -> str:
        if m[1] not in params:
            raise ValueError(f"prompt placeholder {{{{{m[1]}}}}} has no value")
        return str(params[m[1]])

    return _PLACEHOLDER.sub(value, text)


@functools.cache
def lines() -> dict[str, str]:
    """problems.md's lines, read once."""
    return parse(PROBLEMS_FILE.read_text(encoding="utf-8"))


def render(code: str, params: Params) -> str:
    """The sentence of one problem."""
    if code not in CODES:
        raise ValueError(f"{code!r} is not a problem code (problems.CODES)")
    return fill(lines()[code], params)


@dataclass
class Problem:
    """Why reward code is refused: a code of CODES and its params, and where. `message` is its
    sentence from problems.md for the reply's older readers, rendered at once so that a bad
    code or a missing param fails where the problem is made."""

    stage: str
    code: str
    params: Params = field(default_factory=dict)
    line: int | None = None
    col: int | None = None
    message: str = field(init=False)

    def __post_init__(self) -> None:
        self.message = render(self.code, self.params)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def smoke_problem(status: str | None, failure: dict[str, Any]) -> Problem:
    """The problem of a failed smoke run: the job's own reason (an exception's last line, a
    bad return value), said in the words of how the job ended."""
    reason = failure.get("reason")
    if reason is None:
        return Problem("smoke", "smoke_no_reason", {}, failure.get("line"))
    code = {"timeout": "smoke_timeout", "out_of_memory": "smoke_out_of_memory"}.get(status or "", "smoke_failed")
    return Problem("smoke", code, {"reason": reason}, failure.get("line"))


def missing_codes(keyed: dict[str, str]) -> list[str]:
    """The codes a problems.md (as parse reads it) has no line for."""
    return [code for code in CODES if code not in keyed]


if missing_codes(lines()):
    raise RuntimeError(f"prompt template {PROBLEMS_FILE} has no line for {', '.join(missing_codes(lines()))}")

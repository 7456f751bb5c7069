"""The problems' words: src/prompts/problems.md has a line for every code the worker can give
(problems.CODES) and no other, each code is given by some reward (or smoke run), and the
lines are read and filled as src/prompts.ts reads and fills them (the TypeScript side words
the same codes from the same file, or from a user's own copy)."""

from __future__ import annotations

import pytest

from stable_eureka_worker.allowlists import FORBIDDEN_NAMES
from stable_eureka_worker.envfolder import CallSite
from stable_eureka_worker.problems import (
    CODES,
    PROBLEMS_FILE,
    Problem,
    fill,
    forbidden_builtin_code,
    lines,
    missing_codes,
    parse,
    smoke_problem,
)
from stable_eureka_worker.rewardcheck import check_static

SIG = "def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):"
RET = "return 1.0, {'a': 1.0}"
# self.compute_reward(cart_position, action=action, terminated=terminated)
KW_SITE = CallSite(positional=["cart_position"], keywords=["action", "terminated"], line=41, text="self.compute_reward(cart_position, action=action, terminated=terminated)")
ENV_NAMES: dict[str, str | None] = {"os": "os"}  # env.py's `import os`, added to cartpole's names
ENV_ATTRIBUTES = frozenset({"state"})  # cartpole's own attribute


def reward(*body: str, before: str = "", after: str = "", sig: str = SIG) -> str:
    return before + sig + "\n" + "".join(f"    {line}\n" for line in body) + after


def top(statement: str) -> str:
    return reward(RET, after=statement + "\n")


# A reward that gives each code of the static checks (it may give others too). A site: another
# call site than cartpole's.
STATIC_EXAMPLES: dict[str, str | tuple[str, CallSite]] = {
    "syntax_error": "x = 1\n\x00",
    "syntax_error_in": reward("x = (1 +", RET),
    "top_level_async_def": "async def compute_reward(self):\n    return 1.0, {}\n" + reward(RET),
    "reward_in_class": "class Env:\n" + "".join("    " + line + "\n" for line in reward(RET).splitlines()),
    "top_level_class": top("class A:\n    pass"),
    "top_level_for": top("for i in []:\n    pass"),
    "top_level_while": top("while False:\n    pass"),
    "top_level_if": top("if True:\n    pass"),
    "top_level_with": top("with x:\n    pass"),
    "top_level_try": top("try:\n    pass\nexcept ValueError:\n    pass"),
    "top_level_expression": top("print(1)"),
    "top_level_global": top("global g"),
    "top_level_del": top("del x"),
    "top_level_raise": top("raise ValueError"),
    "top_level_statement": top("assert True"),
    "no_reward_function": "def reward(self):\n    return 1.0, {}\n",
    "reward_defined_twice": reward(RET) + reward(RET),
    "reward_yields": reward("yield 1.0"),
    "reward_returns_nothing": reward("x = 1.0"),
    "first_parameter_not_self": reward(RET, sig="def compute_reward(a, b, c, d, e, f):"),
    "signature_too_many_arguments": reward(RET, sig="def compute_reward(self, a):"),
    "signature_takes_no_arguments": reward(RET, sig="def compute_reward(self):"),
    "signature_requires_unpassed": reward(RET, sig="def compute_reward(self, a, b, c, d, e, f, g):"),
    "signature_unknown_keywords": (reward(RET, sig="def compute_reward(self, cart_position, action):"), KW_SITE),
    "import_not_allowed": reward(RET, before="import os\n"),
    "import_submodule": reward(RET, before="import numpy.linalg\n"),
    "from_import_not_allowed": reward(RET, before="from os import path\n"),
    "from_submodule_not_allowed": reward(RET, before="from numpy.lib import stride_tricks\n"),
    "from_import_star": reward(RET, before="from numpy import *\n"),
    "from_import_private": reward(RET, before="from numpy import _core\n"),
    "from_import_forbidden": reward(RET, before="from numpy import load\n"),
    "from_import_missing": reward(RET, before="from math import nothing\n"),
    "from_import_submodule": reward(RET, before="from numpy import ma\n"),
    "module_attribute_forbidden": reward("f = np.frompyfunc", RET),
    "module_attribute_missing": reward("f = math.nothing", RET),
    "submodule_not_available": reward("f = np.ma", RET),
    "helper_self_misused": reward("h = helper", RET, before="def helper(self):\n    return 1.0\n\n"),
    "class_definition": reward("class A:\n        pass", RET),
    "async_function": reward("async def f():\n        pass", RET),
    "await_used": reward("async def f():\n        await g()", RET),
    "generator": reward("def f():\n        yield 1", RET),
    "ground_truth_named": reward("return 1.0, {'fitness_score': 1.0}"),
    "global_statement": reward("global g", RET),
    "nonlocal_statement": reward("g = 1", "def f():\n        nonlocal g", RET),
    "self_rebound_by_except": reward("try:\n        pass\n    except ValueError as self:\n        pass", RET),
    "self_rebound_by_import": reward(RET, before="import math as self\n"),
    "self_parameter": reward("f = lambda self: 1", RET),
    "decorator": reward("@d\n    def f():\n        pass", RET),
    **{forbidden_builtin_code(name): reward(f"f = {name}", RET) for name in FORBIDDEN_NAMES},
    "dunder_name": reward("f = __name__", RET),
    "self_rebound": reward("self = 1", RET),
    "reflective_not_called": reward("f = getattr", RET),
    "module_rebound": reward("np = 1", RET),
    "module_as_value": reward("f = np", RET),
    "dunder_attribute": reward("f = x.__class__", RET),
    "private_attribute": reward("f = x._y", RET),
    "forbidden_attribute": reward("f = x.system", RET),
    "format_not_on_literal": reward("f = x.format(1)", RET),
    "format_field_walks": reward("f = '{0.real}'.format(1)", RET),
    "getattr_name_not_constant": reward("f = getattr(x, n)", RET),
    "getattr_private_name": reward("f = getattr(x, '_y')", RET),
    "getattr_forbidden_name": reward("f = getattr(x, 'system')", RET),
    "type_call_arguments": reward("f = type()", RET),
    "out_into_env": reward("np.add(1, 2, out=self.state)", RET),
    "physics_mutator": reward("body.ApplyForce(1)", RET),
    "env_method_mutates": reward("self.reset()", RET),
    "in_place_into_env": reward("np.copyto(self.state, 0)", RET),
    "env_attribute_assigned": reward("self.state = 1", RET),
    "env_state_assigned": reward("self.state[0] = 1", RET),
    "module_assigned": reward("np.x[0] = 1", RET),
    "assignment_not_allowed": reward("x.y = 1", RET),
    "env_module_used": reward("f = os", RET),
    "builtin_not_available": reward("f = hash(1)", RET),
    "name_not_defined": reward("f = UNDEFINED", RET),
}

# A failed smoke run for each smoke code: the job's status and failure.
SMOKE_EXAMPLES: dict[str, tuple[str, dict[str, object]]] = {
    "smoke_failed": ("failed", {"reason": "compute_reward raised ValueError: x (reward line 4)", "line": 4}),
    "smoke_timeout": ("timeout", {"reason": "compute_reward did not return within 2 s"}),
    "smoke_out_of_memory": ("out_of_memory", {"reason": "ran out of memory (reward line 2)"}),
    "smoke_no_reason": ("crashed", {}),
}


def test_problems_md_has_a_line_for_every_code_and_no_other() -> None:
    assert len(set(CODES)) == len(CODES)
    assert missing_codes(lines()) == []
    assert set(lines()) == set(CODES)
    # a short file of keyed lines only: nothing to mistake for a line, no key given twice
    text = PROBLEMS_FILE.read_text(encoding="utf-8")
    keyed = [line for line in text.splitlines() if line]
    assert len(keyed) == len(CODES) == len(parse(text))


def test_every_code_has_an_example() -> None:
    assert set(STATIC_EXAMPLES) | set(SMOKE_EXAMPLES) == set(CODES)


@pytest.mark.parametrize("code", sorted(STATIC_EXAMPLES))
def test_each_static_code_is_given(code: str, cartpole_site: CallSite, cartpole_env_names: dict[str, str | None]) -> None:
    example = STATIC_EXAMPLES[code]
    source, site = example if isinstance(example, tuple) else (example, cartpole_site)
    problems = check_static(source, site, {**cartpole_env_names, **ENV_NAMES}, False, ENV_ATTRIBUTES).problems
    given = [p for p in problems if p.code == code]
    assert given, [(p.code, p.message) for p in problems]
    for p in given:
        assert all(type(v) in (str, int) for v in p.params.values()), p.params
        assert p.message == fill(lines()[code], p.params) and "{{" not in p.message


@pytest.mark.parametrize("code", sorted(SMOKE_EXAMPLES))
def test_each_smoke_code_is_given(code: str) -> None:
    status, failure = SMOKE_EXAMPLES[code]
    problem = smoke_problem(status, failure)
    assert (problem.stage, problem.code, problem.line) == ("smoke", code, failure.get("line"))
    if "reason" in failure:
        assert problem.params == {"reason": failure["reason"]} and failure["reason"] in problem.message


def test_smoke_messages_keep_their_words() -> None:
    assert smoke_problem("timeout", {"reason": "compute_reward did not return within 2 s"}).message == (
        "the smoke run did not finish: compute_reward did not return within 2 s (an infinite loop or a very slow reward?)"
    )
    assert smoke_problem("out_of_memory", {"reason": "ran out of memory"}).message == "the smoke run ran out of memory"
    assert smoke_problem("failed", {"reason": "boom"}).message == "boom"
    assert smoke_problem(None, {}).message == "the smoke run failed"


def test_forbidden_builtins_say_why(cartpole_site: CallSite, cartpole_env_names: dict[str, str | None]) -> None:
    problems = check_static(reward("f = __import__", RET), cartpole_site, cartpole_env_names, False).problems
    assert [(p.code, p.params, p.message) for p in problems] == [
        ("forbidden_builtin_import", {"name": "__import__"}, "`__import__` is not allowed in reward code (it imports modules at run time).")
    ]


def test_a_problem_needs_a_known_code_and_all_its_params() -> None:
    with pytest.raises(ValueError, match="'nope' is not a problem code"):
        Problem("names", "nope")
    with pytest.raises(ValueError, match=r"prompt placeholder \{\{allowed\}\} has no value"):
        Problem("names", "name_not_defined", {"name": "x"})
    assert missing_codes(parse("syntax_error: syntax error: {{error}}\n")) == [c for c in CODES if c != "syntax_error"]


def test_parse_and_fill_are_prompts_ts() -> None:
    # keyedLines: `key: text` lines, others passed over, a later key wins; a CRLF line is no
    # line at all (JavaScript's `.` stops at \r), so such a file fails loudly in both languages
    assert parse("# note\na: one {{x}}\nnot a line\nb:two\na: again\nc: x\r\n") == {"a": "again"}
    # fill: each {{name}} once, values as String() writes them and never filled again; the
    # third brace of `{{{x}}}` stays
    assert fill("{{a}} and {{b}} and {{{c}}}", {"a": 3, "b": "{{a}}", "c": "d", "unused": 1}) == "3 and {{a}} and {d}"
    assert fill("{{ a }} {a}", {}) == "{{ a }} {a}"
    with pytest.raises(ValueError, match=r"^prompt placeholder \{\{b\}\} has no value$"):
        fill("{{a}} {{b}}", {"a": 1})

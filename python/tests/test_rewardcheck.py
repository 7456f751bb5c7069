"""Static checks of reward code (rewardcheck.check_static) against cartpole's real call site:
`self.compute_reward(cart_position, cart_velocity, pole_angle, pole_angular_velocity, action,
terminated)` at env.py line 23 of class CartPoleEnv."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from stable_eureka_worker.envfolder import CallSite
from stable_eureka_worker.rewardcheck import Problem, check_static, normalize

SIG = "def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):"
RET = "return 1.0, {'alive': 1.0}"
CALL = (
    "the env calls self.compute_reward(cart_position, cart_velocity, pole_angle, "
    "pole_angular_velocity, action, terminated) (env.py line 23)"
)
ALLOWED = "reward code may import only math, numpy, random."

# A call site with keywords: self.compute_reward(cart_position, action=action, terminated=terminated)
KW_SITE = CallSite(
    positional=["cart_position"],
    keywords=["action", "terminated"],
    line=41,
    text="self.compute_reward(cart_position, action=action, terminated=terminated)",
)
KW_CALL = "the env calls self.compute_reward(cart_position, action=action, terminated=terminated) (env.py line 41)"


def reward(*body: str, before: str = "", after: str = "", sig: str = SIG) -> str:
    """A reward module: `before`, then compute_reward with the given body lines, then `after`."""
    return before + sig + "\n" + "".join(f"    {line}\n" for line in body) + after


@dataclass
class Case:
    code: str
    stage: str  # StaticResult.stage: the first problem's stage, or "ok"
    # (stage, line, fragment): each must match a problem (same stage and line, message contains fragment)
    expect: list[tuple[str, int | None, str]] = field(default_factory=list)
    site: CallSite | None = None  # None: cartpole's call site
    env_names: dict[str, str | None] = field(default_factory=dict)  # added to cartpole's names
    env_star: bool = False
    warnings: list[str] = field(default_factory=list)
    n_problems: int | None = None


CASES = [
    pytest.param(
        Case(
            reward(
                "upright = 1.0 - abs(pole_angle) / 0.2095",
                "components = {'upright': float(upright)}",
                "return float(upright), components",
                before="import numpy as np\n\n",
            ),
            "ok",
        ),
        id="valid",
    ),
    pytest.param(
        Case(
            reward("x = (1 + pole_angle", "return x, {}"),
            "syntax",
            [("syntax", 2, "syntax error: '(' was never closed in `x = (1 + pole_angle`")],
            n_problems=1,
        ),
        id="syntax-error",
    ),
    pytest.param(
        Case(
            reward("xs = [(yield) for i in range(3)]", "return 1.0, {}"),
            "syntax",
            [("syntax", 2, "syntax error: 'yield' inside list comprehension")],
            n_problems=1,
        ),
        id="parses-but-does-not-compile",
    ),
    pytest.param(
        Case(
            "def reward(self, pole_angle):\n    return 1.0, {}\n",
            "structure",
            [("structure", None, "no function named `compute_reward` is defined.")],
            n_problems=1,
        ),
        id="missing-compute_reward",
    ),
    pytest.param(
        Case(
            "class Env:\n" + reward(RET).replace("\n", "\n    ").replace("def", "    def", 1),
            "structure",
            [("structure", 1, "`compute_reward` is defined inside class `Env`; write it as a top-level")],
            n_problems=1,
        ),
        id="inside-class",
    ),
    pytest.param(
        Case(
            "async " + reward(RET),
            "structure",
            [
                ("structure", 1, "`compute_reward` must be a plain `def`, not `async def`."),
                ("structure", None, "no function named `compute_reward` is defined."),
            ],
        ),
        id="async-def",
    ),
    pytest.param(
        Case(
            reward("x = 1.0", "yield x, {'x': x}"),
            "structure",
            [("structure", 3, "`compute_reward` must `return` its result, not `yield` it.")],
        ),
        id="yield",
    ),
    pytest.param(
        Case(
            reward("total = 1.0 - abs(pole_angle)"),
            "structure",
            [("structure", 1, "`compute_reward` never returns a value; it must `return total_reward, components`")],
            n_problems=1,
        ),
        id="no-return-value",
    ),
    pytest.param(
        Case(
            reward("return", "x = 1"),
            "structure",
            [("structure", 1, "never returns a value")],
        ),
        id="bare-return",
    ),
    pytest.param(
        Case(
            reward(RET, after="while True:\n    pass\n"),
            "structure",
            [
                (
                    "structure",
                    3,
                    "only imports, constants and function definitions may stand at the top level; "
                    "line 3 has a while loop.",
                )
            ],
            n_problems=1,
        ),
        id="top-level-while",
    ),
    pytest.param(
        Case(
            reward(RET) + "\n" + reward(RET),
            "structure",
            [("structure", 4, "`compute_reward` is defined 2 times; define it once.")],
        ),
        id="defined-twice",
    ),
    pytest.param(
        Case(
            reward(RET, sig="def compute_reward(self, cart_position, pole_angle, action):"),
            "signature",
            [
                (
                    "signature",
                    1,
                    f"`compute_reward` must be `{SIG}`: {CALL}, and it receives 6 arguments but yours takes 3 "
                    "(cart_position, pole_angle, action).",
                )
            ],
            n_problems=1,
        ),
        id="wrong-arity",
    ),
    pytest.param(
        Case(
            reward(RET, sig=SIG.replace("(self, ", "(")),
            "signature",
            [
                (
                    "signature",
                    1,
                    f"`compute_reward` is a method of the env: its first parameter must be `self`. Write `{SIG}`; {CALL}.",
                )
            ],
            n_problems=1,
        ),
        id="missing-self",
    ),
    pytest.param(
        Case(
            reward(RET, sig=SIG.replace("terminated)", "terminated, done)")),
            "signature",
            [("signature", 1, "and yours also requires done, which the env never passes.")],
        ),
        id="extra-required-param",
    ),
    pytest.param(
        Case(reward(RET, sig=SIG.replace("terminated)", "terminated, scale=1.0, bonus=0.5)")), "ok"),
        id="defaults-make-arity-fit",
    ),
    pytest.param(Case(reward(RET, sig="def compute_reward(self, *args):"), "ok"), id="star-args"),
    pytest.param(
        Case(reward(RET, sig="def compute_reward(self, cart_position, *rest, **extra):"), "ok"),
        id="star-args-and-kwargs",
    ),
    pytest.param(
        Case(reward(RET, sig="def compute_reward(self, cart_position, action, terminated):"), "ok", site=KW_SITE),
        id="keywords-positional-params",
    ),
    pytest.param(
        Case(reward(RET, sig="def compute_reward(self, cart_position, *, terminated, action):"), "ok", site=KW_SITE),
        id="keywords-kwonly-params",
    ),
    pytest.param(
        Case(reward(RET, sig="def compute_reward(self, cart_position, **kwargs):"), "ok", site=KW_SITE),
        id="keywords-into-kwargs",
    ),
    pytest.param(
        Case(
            reward(RET, sig="def compute_reward(self, cart_position, action):"),
            "signature",
            [
                (
                    "signature",
                    1,
                    "`compute_reward` must be `def compute_reward(self, cart_position, action, terminated):`: "
                    f"{KW_CALL}, and it passes terminated= but yours has no such parameter.",
                )
            ],
            site=KW_SITE,
            n_problems=1,
        ),
        id="keywords-unknown-keyword",
    ),
    pytest.param(
        Case(
            reward(RET, sig="def compute_reward(self, cart_position, *, action, terminated, extra):"),
            "signature",
            [("signature", 1, f"{KW_CALL}, and yours also requires extra, which the env never passes.")],
            site=KW_SITE,
        ),
        id="keywords-missing-kwonly",
    ),
    pytest.param(
        Case(
            reward(RET, before="import os\n"),
            "forbidden",
            [("forbidden", 1, f"`import os` is not allowed; {ALLOWED}")],
            n_problems=1,
        ),
        id="import-os",
    ),
    pytest.param(
        Case(
            reward(RET, before="import subprocess\nimport socket\n"),
            "forbidden",
            [
                ("forbidden", 1, f"`import subprocess` is not allowed; {ALLOWED}"),
                ("forbidden", 2, f"`import socket` is not allowed; {ALLOWED}"),
            ],
            n_problems=2,
        ),
        id="import-subprocess-socket",
    ),
    pytest.param(
        Case(
            reward("import os.path", RET),
            "forbidden",
            [("forbidden", 2, f"`import os.path` is not allowed; {ALLOWED}")],
        ),
        id="import-inside-function",
    ),
    pytest.param(
        Case(
            reward(RET, before="from os import path\n"),
            "forbidden",
            [("forbidden", 1, f"`from os import ...` is not allowed; {ALLOWED}")],
            n_problems=1,
        ),
        id="from-os-import-path",
    ),
    pytest.param(
        Case(
            reward(RET, before="from . import helpers\n"),
            "forbidden",
            [("forbidden", 1, f"`from . import ...` is not allowed; {ALLOWED}")],
        ),
        id="relative-import",
    ),
    pytest.param(
        Case(
            reward(RET, before="from numpy import load\n"),
            "forbidden",
            [("forbidden", 1, "`from numpy import load`: `numpy.load` reaches files, processes or memory and is not allowed.")],
        ),
        id="from-numpy-import-load",
    ),
    pytest.param(
        Case(
            reward("text = open('/etc/passwd').read()", RET),
            "forbidden",
            [("forbidden", 2, "`open` is not allowed in reward code (it opens files).")],
            n_problems=1,
        ),
        id="open",
    ),
    pytest.param(
        Case(
            reward("x = eval('1 + 1')", RET),
            "forbidden",
            [("forbidden", 2, "`eval` is not allowed in reward code (it runs arbitrary code).")],
        ),
        id="eval",
    ),
    pytest.param(
        Case(
            reward("exec('x = 1')", RET),
            "forbidden",
            [("forbidden", 2, "`exec` is not allowed in reward code (it runs arbitrary code).")],
        ),
        id="exec",
    ),
    pytest.param(
        Case(
            reward("os = __import__('os')", RET),
            "forbidden",
            [("forbidden", 2, "`__import__` is not allowed in reward code (it imports modules at run time).")],
        ),
        id="dunder-import",
    ),
    pytest.param(
        Case(
            reward("g = globals()", RET),
            "forbidden",
            [("forbidden", 2, "`globals` is not allowed in reward code (it reaches the module's globals).")],
        ),
        id="globals",
    ),
    pytest.param(
        Case(
            reward("name = 'prev_' + 'angle'", "prev = getattr(self, name, 0.0)", RET),
            "forbidden",
            [
                (
                    "forbidden",
                    3,
                    "`getattr` needs a constant attribute name: write `getattr(obj, 'name')`.",
                )
            ],
            n_problems=1,
        ),
        id="getattr-computed-name",
    ),
    pytest.param(
        Case(
            reward("secret = getattr(self, '_np_random')", RET),
            "forbidden",
            [("forbidden", 2, "`getattr` needs a public attribute name, not '_np_random'")],
        ),
        id="getattr-private-name",
    ),
    pytest.param(
        Case(reward("prev = getattr(self, 'prev_angle', pole_angle)", "self.prev_angle = pole_angle", RET), "ok"),
        id="getattr-constant-name",
    ),
    pytest.param(
        Case(
            reward("cls = self.__class__", RET),
            "forbidden",
            [("forbidden", 2, "attribute `.__class__` is not allowed (no dunder attributes).")],
            n_problems=1,
        ),
        id="dunder-attribute",
    ),
    pytest.param(
        Case(
            reward("bases = ().__class__.__bases__", RET),
            "forbidden",
            [
                ("forbidden", 2, "attribute `.__bases__` is not allowed (no dunder attributes)."),
                ("forbidden", 2, "attribute `.__class__` is not allowed (no dunder attributes)."),
            ],
            n_problems=2,
        ),
        id="dunder-attribute-chain",
    ),
    pytest.param(
        Case(
            reward("table = np.load('table.npy')", RET),
            "forbidden",
            [
                (
                    "forbidden",
                    2,
                    "attribute `.load` is not allowed: it reaches files, processes or interpreter internals.",
                )
            ],
            n_problems=1,
        ),
        id="np-load",
    ),
    pytest.param(
        Case(
            reward("np.save('out.npy', np.zeros(3))", RET),
            "forbidden",
            [("forbidden", 2, "attribute `.save` is not allowed")],
        ),
        id="np-save",
    ),
    pytest.param(
        Case(
            reward("global counter", "counter = 1", RET),
            "forbidden",
            [
                (
                    "forbidden",
                    2,
                    "`global counter` is not allowed; keep state between steps on `self` (e.g. `self.prev_x`).",
                )
            ],
            n_problems=1,
        ),
        id="global-statement",
    ),
    pytest.param(
        Case(
            reward("bonus = ALIVE_BONUS * 2", "return bonus, {'alive': bonus}"),
            "names",
            [
                (
                    "names",
                    2,
                    "name `ALIVE_BONUS` is not defined: define or import it (only math, numpy, random), "
                    "or read it from `self` or the arguments.",
                )
            ],
            n_problems=1,
        ),
        id="undefined-name",
    ),
    pytest.param(
        Case(
            reward("bonus = ALIVE_BONUS * 2", "return bonus, {'alive': bonus}"),
            "ok",
            env_names={"ALIVE_BONUS": None},
        ),
        id="env-module-constant",
    ),
    pytest.param(
        Case(
            reward("cwd = os.getcwd()", RET),
            "forbidden",
            [
                (
                    "forbidden",
                    2,
                    "`os` is the module `os` imported by env.py; reward code may use only math, numpy, random.",
                )
            ],
            env_names={"os": "os"},
            n_problems=1,
        ),
        id="env-name-disallowed-module",
    ),
    pytest.param(
        Case(
            reward("x = spaces_np.pi", RET),
            "ok",
            env_names={"spaces_np": "numpy"},
        ),
        id="env-name-allowed-module",
    ),
    pytest.param(
        Case(
            reward("bonus = ALIVE_BONUS * 2", "return bonus, {'alive': bonus}"),
            "ok",
            env_star=True,
            warnings=[
                "`ALIVE_BONUS` is not defined in the reward; env.py has a star import, so it is checked at run time."
            ],
        ),
        id="env-star-import-warns",
    ),
    pytest.param(
        Case(
            reward("h = hex(3)", RET),
            "forbidden",
            [("forbidden", 2, "the builtin `hex` is not available to reward code.")],
        ),
        id="builtin-not-available",
    ),
    pytest.param(
        Case(
            reward(
                "upright = helper(pole_angle)",
                "return upright, {'upright': upright, 'scale': SCALE}",
                before=(
                    "SCALE = 2.0\nLIMITS: dict = {'angle': 0.2095}\n\n"
                    "def helper(angle):\n    return SCALE * (1.0 - abs(angle) / LIMITS['angle'])\n\n"
                ),
            ),
            "ok",
        ),
        id="helpers-and-constants",
    ),
    pytest.param(
        Case(
            reward(
                "x = numpy.sqrt(2.0) + np.pi + math.cos(pole_angle) + random.random()",
                "return x, {'x': x}",
            ),
            "ok",
        ),
        id="numpy-math-random-without-import",
    ),
    pytest.param(
        Case(
            reward("total = sum(abs(v) for v in [cart_position, pole_angle])", "return total, {'t': total}"),
            "ok",
        ),
        id="generator-expression",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_check_static(case: Case, cartpole_site: CallSite, cartpole_env_names: dict[str, str | None]) -> None:
    site = case.site or cartpole_site
    result = check_static(case.code, site, {**cartpole_env_names, **case.env_names}, case.env_star)
    got = [(p.stage, p.line, p.message) for p in result.problems]
    assert result.stage == case.stage, got
    if case.stage == "ok":
        assert result.problems == []
    for stage, line, fragment in case.expect:
        assert any(s == stage and ln == line and fragment in m for s, ln, m in got), (stage, line, fragment, got)
    if case.n_problems is not None:
        assert len(result.problems) == case.n_problems, got
    assert result.warnings == case.warnings
    if case.stage == "syntax":
        assert result.tree is None
    else:
        assert result.tree is not None


def test_problems_are_ordered_by_stage_then_line(
    cartpole_site: CallSite, cartpole_env_names: dict[str, str | None]
) -> None:
    code = reward(
        "x = UNDEFINED + 1",
        "y = open('f')",
        RET,
        before="import os\n",
        after="print('hi')\n",
        sig="def compute_reward(self, a):",
    )
    result = check_static(code, cartpole_site, cartpole_env_names, False)
    assert [(p.stage, p.line) for p in result.problems] == [
        ("structure", 6),
        ("signature", 2),
        ("forbidden", 1),
        ("forbidden", 4),
        ("names", 3),
    ]
    assert result.stage == "structure"


def test_columns_are_reported(cartpole_site: CallSite, cartpole_env_names: dict[str, str | None]) -> None:
    result = check_static(reward("x = 1.0 + eval('2')", RET), cartpole_site, cartpole_env_names, False)
    assert [(p.line, p.col) for p in result.problems] == [(2, 14)]


def test_shipped_bad_fixtures(
    reward_fixture, cartpole_site: CallSite, cartpole_env_names: dict[str, str | None]
) -> None:
    stages = {
        name: check_static(reward_fixture(name), cartpole_site, cartpole_env_names, False).stage
        for name in (
            "good",
            "syntax_error",
            "wrong_arguments",
            "imports_os",
            "opens_file",
            "undefined_name",
            "infinite_loop",
            "nan_reward",
        )
    }
    assert stages == {
        "good": "ok",
        "syntax_error": "syntax",
        "wrong_arguments": "signature",
        "imports_os": "forbidden",
        "opens_file": "forbidden",
        "undefined_name": "names",
        # run-time failures only: nothing to see statically
        "infinite_loop": "ok",
        "nan_reward": "ok",
    }


def test_every_problem_is_a_sentence_with_its_line(
    reward_fixture, cartpole_site: CallSite, cartpole_env_names: dict[str, str | None]
) -> None:
    # the worker reports problems; src/prompts (check.md) words them for the LLM
    result = check_static(reward_fixture("imports_os"), cartpole_site, cartpole_env_names, False)
    assert [(p.line, p.message) for p in result.problems] == [
        (1, f"`import os` is not allowed; {ALLOWED}"),
        (2, f"`import subprocess` is not allowed; {ALLOWED}"),
        (3, f"`import socket` is not allowed; {ALLOWED}"),
        (7, "attribute `.system` is not allowed: it reaches files, processes or interpreter internals."),
    ]


def test_problem_as_dict() -> None:
    assert Problem("names", "name_not_defined", {"name": "m", "allowed": "math"}, 3, 7).as_dict() == {
        "stage": "names",
        "code": "name_not_defined",
        "params": {"name": "m", "allowed": "math"},
        "message": "name `m` is not defined: define or import it (only math), or read it from `self` or the arguments.",
        "line": 3,
        "col": 7,
    }


# --- regressions: bugs found and fixed ----------------------------------------------------


def test_random_os_backdoor_is_rejected(cartpole_site: CallSite, cartpole_env_names: dict[str, str | None]) -> None:
    code = reward("fd = random._os.open('/tmp/owned', random._os.O_CREAT | random._os.O_WRONLY)", RET)
    assert check_static(code, cartpole_site, cartpole_env_names, False).stage == "forbidden"


def test_numpy_open_memmap_is_rejected(cartpole_site: CallSite, cartpole_env_names: dict[str, str | None]) -> None:
    code = reward("m = np.lib.format.open_memmap('/tmp/x.npy', mode='w+', dtype='f4', shape=(2,))", RET)
    assert check_static(code, cartpole_site, cartpole_env_names, False).stage == "forbidden"


# --- normalize: one canonical form per reward -----------------------------------------------

NORMALIZE_PLAIN = f"""import numpy as np

SCALE = 2.0

{SIG}
    upright = SCALE * np.cos(pole_angle)
    return float(upright), {{'upright': float(upright)}}
"""

NORMALIZE_NOISY = f'''"""Keeps the pole up."""
import numpy as np   # numerics
SCALE = 2.0  # how much upright counts


{SIG}
    """Reward for staying upright.

    Long docstring with 'quotes'.
    """
    # the pole's angle: 0 is upright
    upright = SCALE*np.cos( pole_angle )
    return (float(upright), {{"upright": float(upright)}})
'''


def test_normalize_ignores_formatting_comments_docstrings_and_quotes() -> None:
    plain = normalize(NORMALIZE_PLAIN)
    assert plain is not None and "SCALE = 2.0" in plain
    assert normalize(NORMALIZE_NOISY) == plain
    assert "#" not in plain and '"""' not in plain


def test_normalize_tells_a_different_constant_apart() -> None:
    changed = NORMALIZE_PLAIN.replace("SCALE = 2.0", "SCALE = 3.0")
    assert normalize(changed) is not None and normalize(changed) != normalize(NORMALIZE_PLAIN)


def test_normalize_keeps_a_string_that_is_not_a_docstring() -> None:
    # Only the first statement of a body is a docstring; a later string note is code.
    first = f"{SIG}\n    x = 1.0\n    'note'\n    {RET}\n"
    assert "note" in (normalize(first) or "")
    # A function that is only its docstring still unparses (to `pass`).
    assert normalize('def f():\n    """doc"""\n') == "def f():\n    pass"


def test_normalize_is_none_when_the_code_does_not_parse() -> None:
    assert normalize(f"{SIG}\n    return 1.0, {{'alive': 1.0\n") is None
    assert normalize("x = 1\0") is None

"""Static checks of LLM-written reward code, before any of it runs.

Stages, in order: syntax, structure (what may stand at the top level), signature (against the
env's real call site), forbidden (imports and constructs that reach outside the reward),
names (every global the code reads is defined). Each problem carries the line and a
sentence written so it can be sent back to the LLM as it is.
"""

from __future__ import annotations

import ast
import builtins
import symtable
from dataclasses import dataclass
from typing import Any

from .envfolder import REWARD_METHOD, CallSite, module_names
from .allowlists import ALLOWED_MODULES, FORBIDDEN_NAMES, SAFE_BUILTINS
from .policy import Problem, check_forbidden

__all__ = ["ALLOWED_MODULES", "SAFE_BUILTINS", "Problem", "StaticResult", "check_static", "normalize"]


@dataclass
class StaticResult:
    problems: list[Problem]
    warnings: list[str]
    tree: ast.Module | None

    @property
    def stage(self) -> str:
        return self.problems[0].stage if self.problems else "ok"


STAGES = ("syntax", "structure", "signature", "forbidden", "names")


def check_static(
    code: str,
    site: CallSite,
    env_names: dict[str, str | None],
    env_star: bool,
    env_attributes: frozenset[str] | set[str] | list[str] = frozenset(),
) -> StaticResult:
    """Every problem the code has that can be seen without running it. `env_attributes`:
    the env's own attribute and method names (envfolder.env_attributes), which the reward may
    read but never assign."""
    warnings: list[str] = []
    try:
        tree = ast.parse(code, filename="reward.py")
    except SyntaxError as e:
        msg = f"syntax error: {e.msg}"
        if e.text:
            msg += f" in `{e.text.strip()}`"
        return StaticResult([Problem("syntax", msg, e.lineno, e.offset)], warnings, None)

    problems: list[Problem] = []
    fn = _structure(tree, problems)
    if fn is not None:
        _signature(fn, site, problems)
    problems += check_forbidden(tree, frozenset(env_attributes))
    if not any(p.stage == "syntax" for p in problems):
        _names(code, tree, env_names, env_star, problems, warnings)
    problems.sort(key=lambda p: (STAGES.index(p.stage), p.line or 0))
    return StaticResult(problems, warnings, tree)


def _describe(node: ast.AST) -> str:
    kinds = {
        ast.ClassDef: "a class definition",
        ast.For: "a for loop",
        ast.While: "a while loop",
        ast.If: "an if statement",
        ast.With: "a with statement",
        ast.Try: "a try statement",
        ast.Expr: "an expression statement",
        ast.Global: "a global statement",
        ast.Delete: "a del statement",
        ast.Raise: "a raise statement",
    }
    return kinds.get(type(node), f"a {type(node).__name__} statement")


def _structure(tree: ast.Module, problems: list[Problem]) -> ast.FunctionDef | None:
    rewards: list[ast.FunctionDef] = []
    for i, node in enumerate(tree.body):
        if isinstance(node, ast.FunctionDef):
            if node.name == REWARD_METHOD:
                rewards.append(node)
        elif isinstance(node, ast.AsyncFunctionDef):
            problems.append(Problem("structure", f"`{node.name}` must be a plain `def`, not `async def`.", node.lineno))
        elif isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign)):
            pass
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            pass  # a docstring or a string note
        elif isinstance(node, ast.ClassDef) and any(
            isinstance(m, ast.FunctionDef) and m.name == REWARD_METHOD for m in node.body
        ):
            problems.append(
                Problem(
                    "structure",
                    f"`{REWARD_METHOD}` is defined inside class `{node.name}`; write it as a top-level "
                    f"`def {REWARD_METHOD}(self, ...)` without the class (it is bound to the env class for you).",
                    node.lineno,
                )
            )
            return None
        else:
            problems.append(
                Problem(
                    "structure",
                    f"only imports, constants and function definitions may stand at the top level; "
                    f"line {node.lineno} has {_describe(node)}.",
                    node.lineno,
                )
            )
    if not rewards:
        problems.append(Problem("structure", f"no function named `{REWARD_METHOD}` is defined."))
        return None
    if len(rewards) > 1:
        problems.append(
            Problem("structure", f"`{REWARD_METHOD}` is defined {len(rewards)} times; define it once.", rewards[1].lineno)
        )
    fn = rewards[0]
    for sub in ast.walk(fn):
        if isinstance(sub, (ast.Yield, ast.YieldFrom)):
            problems.append(
                Problem("structure", f"`{REWARD_METHOD}` must `return` its result, not `yield` it.", sub.lineno)
            )
            break
    if not any(isinstance(s, ast.Return) and s.value is not None for s in ast.walk(fn)):
        problems.append(
            Problem(
                "structure",
                f"`{REWARD_METHOD}` never returns a value; it must `return total_reward, components` "
                "(a float and a dict of named float components).",
                fn.lineno,
            )
        )
    return fn


def _signature(fn: ast.FunctionDef, site: CallSite, problems: list[Problem]) -> None:
    args = fn.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    expected = site.signature()
    call = f"the env calls {site.text} (env.py line {site.line})"
    if not positional or positional[0] != "self":
        problems.append(
            Problem(
                "signature",
                f"`{REWARD_METHOD}` is a method of the env: its first parameter must be `self`. "
                f"Write `{expected}:`; {call}.",
                fn.lineno,
            )
        )
        return
    if site.has_star_args:
        return  # the call's arity is only known at run time; the smoke run checks it
    params = positional[1:]
    n_defaults = len(args.defaults)
    required = params[: len(params) - n_defaults] if n_defaults else params
    n_pos = len(site.positional)
    wrong = None
    if n_pos > len(params) and args.vararg is None:
        wrong = f"it receives {n_pos} arguments but yours takes {len(params)} ({', '.join(params) or 'none'})"
    else:
        missing = [p for p in required[n_pos:] if p not in site.keywords]
        kw_names = set(params[n_pos:]) | {a.arg for a in args.kwonlyargs}
        unknown = [k for k in site.keywords if k not in kw_names and args.kwarg is None]
        kwonly_missing = [
            a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None and a.arg not in site.keywords
        ]
        if missing or kwonly_missing:
            wrong = f"yours also requires {', '.join(missing + kwonly_missing)}, which the env never passes"
        elif unknown:
            wrong = f"it passes {', '.join(k + '=' for k in unknown)} but yours has no such parameter"
    if wrong:
        problems.append(Problem("signature", f"`{REWARD_METHOD}` must be `{expected}:`: {call}, and {wrong}.", fn.lineno))


def _global_reads(code: str) -> set[str]:
    """Names that functions (and the module body) read from globals or builtins."""
    reads: set[str] = set()
    top = symtable.symtable(code, "reward.py", "exec")

    def visit(table: symtable.SymbolTable) -> None:
        for sym in table.get_symbols():
            if table.get_type() == "module":
                if sym.is_referenced() and not sym.is_assigned() and not sym.is_imported():
                    reads.add(sym.get_name())
            elif sym.is_global() and sym.is_referenced():
                reads.add(sym.get_name())
        for child in table.get_children():
            visit(child)

    visit(top)
    return reads


def _first_use(tree: ast.Module, name: str) -> tuple[int | None, int | None]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == name:
            return node.lineno, node.col_offset
    return None, None


def _names(
    code: str,
    tree: ast.Module,
    env_names: dict[str, str | None],
    env_star: bool,
    problems: list[Problem],
    warnings: list[str],
) -> None:
    defined = set(module_names(tree)[0])
    for name in sorted(_global_reads(code)):
        if name in defined or name in SAFE_BUILTINS or name in ("math", "np", "numpy", "random"):
            continue
        line, col = _first_use(tree, name)
        if name in env_names:
            origin = env_names[name]
            if origin is not None and origin.split(".")[0] not in ALLOWED_MODULES:
                problems.append(
                    Problem("forbidden", f"`{name}` is the module `{origin}` imported by env.py; reward code may use only {', '.join(ALLOWED_MODULES)}.", line, col)
                )
            continue
        if name in FORBIDDEN_NAMES or hasattr(builtins, name):
            if name not in FORBIDDEN_NAMES:
                problems.append(
                    Problem("forbidden", f"the builtin `{name}` is not available to reward code.", line, col)
                )
            continue
        if env_star:
            warnings.append(f"`{name}` is not defined in the reward; env.py has a star import, so it is checked at run time.")
            continue
        problems.append(
            Problem(
                "names",
                f"name `{name}` is not defined: define or import it (only {', '.join(ALLOWED_MODULES)}), "
                "or read it from `self` or the arguments.",
                line,
                col,
            )
        )


_DOCSTRING_OWNERS = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def normalize(code: str) -> str | None:
    """The reward in a canonical form: two rewards that differ only in whitespace, comments,
    docstrings or quote style give the same string, so a sample the LLM repeats can be
    recognised (and not trained twice). None when the code does not parse."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):  # ValueError: null bytes in the source
        return None
    for node in ast.walk(tree):
        if not isinstance(node, _DOCSTRING_OWNERS):
            continue
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            # A body cannot be empty: a function that was only its docstring becomes `pass`.
            node.body = body[1:] or [ast.Pass()]
    try:
        return ast.unparse(tree)
    except RecursionError:  # absurdly deep nesting: no canonical form, not worth a crash
        return None

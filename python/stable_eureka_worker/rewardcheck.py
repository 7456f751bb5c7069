"""Static checks of LLM-written reward code, before any of it runs.

Stages, in order: syntax, structure (what may stand at the top level), signature (against the
env's real call site), forbidden (imports and constructs that reach outside the reward),
names (every global the code reads is defined). Each problem carries the line and a code
with its params, which src/prompts/problems.md words for the LLM (problems.py).
"""

from __future__ import annotations

import ast
import builtins
import symtable
from dataclasses import dataclass
from typing import Any

from .envfolder import REWARD_METHOD, CallSite, module_names
from .allowlists import ALLOWED_MODULES, FORBIDDEN_NAMES, SAFE_BUILTINS
from .policy import check_forbidden
from .problems import Problem

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
        # what parses but does not compile (`yield` in a comprehension, a `nonlocal` with no
        # outer name) is a syntax error too; the symbol table below would raise on it
        compile(tree, "reward.py", "exec", dont_inherit=True)
    except SyntaxError as e:
        code, params = ("syntax_error_in", {"error": e.msg, "text": e.text.strip()}) if e.text else ("syntax_error", {"error": e.msg})
        return StaticResult([Problem("syntax", code, params, e.lineno, e.offset)], warnings, None)

    problems: list[Problem] = []
    fn = _structure(tree, problems)
    if fn is not None:
        _signature(fn, site, problems)
    problems += check_forbidden(tree, frozenset(env_attributes))
    if not any(p.stage == "syntax" for p in problems):
        _names(code, tree, env_names, env_star, problems, warnings)
    problems.sort(key=lambda p: (STAGES.index(p.stage), p.line or 0))
    return StaticResult(problems, warnings, tree)


# The statements the structure stage names in its own words (problems.md); any other is
# top_level_statement, named by its node type.
_TOP_LEVEL_CODES: dict[type[ast.AST], str] = {
    ast.ClassDef: "top_level_class",
    ast.For: "top_level_for",
    ast.While: "top_level_while",
    ast.If: "top_level_if",
    ast.With: "top_level_with",
    ast.Try: "top_level_try",
    ast.Expr: "top_level_expression",
    ast.Global: "top_level_global",
    ast.Delete: "top_level_del",
    ast.Raise: "top_level_raise",
}


def _structure(tree: ast.Module, problems: list[Problem]) -> ast.FunctionDef | None:
    rewards: list[ast.FunctionDef] = []
    for i, node in enumerate(tree.body):
        if isinstance(node, ast.FunctionDef):
            if node.name == REWARD_METHOD:
                rewards.append(node)
        elif isinstance(node, ast.AsyncFunctionDef):
            problems.append(Problem("structure", "top_level_async_def", {"name": node.name}, node.lineno))
        elif isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign)):
            pass
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            pass  # a docstring or a string note
        elif isinstance(node, ast.ClassDef) and any(
            isinstance(m, ast.FunctionDef) and m.name == REWARD_METHOD for m in node.body
        ):
            problems.append(Problem("structure", "reward_in_class", {"method": REWARD_METHOD, "class_name": node.name}, node.lineno))
            return None
        else:
            code = _TOP_LEVEL_CODES.get(type(node), "top_level_statement")
            problems.append(Problem("structure", code, {"line": node.lineno, "statement": type(node).__name__}, node.lineno))
    method = {"method": REWARD_METHOD}
    if not rewards:
        problems.append(Problem("structure", "no_reward_function", method))
        return None
    if len(rewards) > 1:
        problems.append(Problem("structure", "reward_defined_twice", {**method, "count": len(rewards)}, rewards[1].lineno))
    fn = rewards[0]
    for sub in ast.walk(fn):
        if isinstance(sub, (ast.Yield, ast.YieldFrom)):
            problems.append(Problem("structure", "reward_yields", method, sub.lineno))
            break
    if not any(isinstance(s, ast.Return) and s.value is not None for s in ast.walk(fn)):
        problems.append(Problem("structure", "reward_returns_nothing", method, fn.lineno))
    return fn


def _signature(fn: ast.FunctionDef, site: CallSite, problems: list[Problem]) -> None:
    args = fn.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    # what every signature problem says: the signature to write and the env's own call
    said: dict[str, str | int] = {"method": REWARD_METHOD, "expected": site.signature(), "call": site.text, "call_line": site.line}
    if not positional or positional[0] != "self":
        problems.append(Problem("signature", "first_parameter_not_self", said, fn.lineno))
        return
    if site.has_star_args:
        return  # the call's arity is only known at run time; the smoke run checks it
    params = positional[1:]
    n_defaults = len(args.defaults)
    required = params[: len(params) - n_defaults] if n_defaults else params
    n_pos = len(site.positional)
    wrong: tuple[str, dict[str, str | int]] | None = None
    if n_pos > len(params) and args.vararg is None:
        if params:
            wrong = "signature_too_many_arguments", {"received": n_pos, "takes": len(params), "parameters": ", ".join(params)}
        else:
            wrong = "signature_takes_no_arguments", {"received": n_pos}
    else:
        missing = [p for p in required[n_pos:] if p not in site.keywords]
        kw_names = set(params[n_pos:]) | {a.arg for a in args.kwonlyargs}
        unknown = [k for k in site.keywords if k not in kw_names and args.kwarg is None]
        kwonly_missing = [
            a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None and a.arg not in site.keywords
        ]
        if missing or kwonly_missing:
            wrong = "signature_requires_unpassed", {"parameters": ", ".join(missing + kwonly_missing)}
        elif unknown:
            wrong = "signature_unknown_keywords", {"keywords": ", ".join(k + "=" for k in unknown)}
    if wrong:
        problems.append(Problem("signature", wrong[0], {**said, **wrong[1]}, fn.lineno))


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
    allowed = ", ".join(ALLOWED_MODULES)
    for name in sorted(_global_reads(code)):
        if name in defined or name in SAFE_BUILTINS or name in ("math", "np", "numpy", "random"):
            continue
        line, col = _first_use(tree, name)
        if name in env_names:
            origin = env_names[name]
            if origin is not None and origin.split(".")[0] not in ALLOWED_MODULES:
                problems.append(Problem("forbidden", "env_module_used", {"name": name, "module": origin, "allowed": allowed}, line, col))
            continue
        if name in FORBIDDEN_NAMES or hasattr(builtins, name):
            if name not in FORBIDDEN_NAMES:
                problems.append(Problem("forbidden", "builtin_not_available", {"name": name}, line, col))
            continue
        if env_star:
            warnings.append(f"`{name}` is not defined in the reward; env.py has a star import, so it is checked at run time.")
            continue
        problems.append(Problem("names", "name_not_defined", {"name": name, "allowed": allowed}, line, col))


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

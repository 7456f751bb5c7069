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
from dataclasses import asdict, dataclass
from typing import Any

from .envfolder import REWARD_METHOD, CallSite, module_names

ALLOWED_MODULES = ("math", "numpy", "random")

# What reward code may call or name from builtins. Anything else (open, exec, __import__,
# globals, ...) is absent at run time as well as rejected here.
SAFE_BUILTINS = (
    "abs all any bool complex dict divmod enumerate filter float frozenset getattr hasattr "
    "int isinstance issubclass iter len list map max min next pow print range repr reversed "
    "round set slice sorted str sum tuple type zip "
    "ArithmeticError AssertionError Exception FloatingPointError IndexError KeyError "
    "NotImplementedError OverflowError RuntimeError StopIteration TypeError ValueError "
    "ZeroDivisionError"
).split()

FORBIDDEN_NAMES = {
    "eval": "runs arbitrary code",
    "exec": "runs arbitrary code",
    "compile": "builds code at run time",
    "open": "opens files",
    "__import__": "imports modules at run time",
    "globals": "reaches the module's globals",
    "locals": "reaches interpreter frames",
    "vars": "reaches objects' internals",
    "setattr": "changes attributes by computed name",
    "delattr": "deletes attributes by computed name",
    "input": "reads from the terminal",
    "breakpoint": "starts a debugger",
    "exit": "ends the process",
    "quit": "ends the process",
    "help": "starts the interactive help",
    "memoryview": "reaches raw memory",
}

# Attribute names that lead to files, processes, the network or interpreter internals
# (numpy's own file I/O included). Defence in depth: the job process has limits too.
FORBIDDEN_ATTRIBUTES = set(
    (
        "system popen spawnl spawnv fork execv execve execl kill remove unlink rmdir mkdir makedirs "
        "rename chmod chown chdir walk listdir scandir load loads save savez savez_compressed "
        "savetxt loadtxt genfromtxt fromfile tofile memmap ctypeslib ctypes DataSource f2py "
        "distutils os sys subprocess socket shutil pathlib builtins modules importlib "
        "gi_frame gi_code f_globals f_locals f_back f_builtins co_code tb_frame cr_frame "
        "func_globals open open_memmap lib"
    ).split()
)


@dataclass
class Problem:
    stage: str
    message: str
    line: int | None = None
    col: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StaticResult:
    problems: list[Problem]
    warnings: list[str]
    tree: ast.Module | None

    @property
    def stage(self) -> str:
        return self.problems[0].stage if self.problems else "ok"


STAGES = ("syntax", "structure", "signature", "forbidden", "names")


def check_static(code: str, site: CallSite, env_names: dict[str, str | None], env_star: bool) -> StaticResult:
    """Every problem the code has that can be seen without running it."""
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
    _forbidden(tree, problems)
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


def _forbidden(tree: ast.Module, problems: list[Problem]) -> None:
    allowed = ", ".join(ALLOWED_MODULES)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] not in ALLOWED_MODULES:
                    problems.append(
                        Problem("forbidden", f"`import {alias.name}` is not allowed; reward code may import only {allowed}.", node.lineno)
                    )
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level or mod.split(".")[0] not in ALLOWED_MODULES:
                problems.append(
                    Problem("forbidden", f"`from {'.' * node.level}{mod} import ...` is not allowed; reward code may import only {allowed}.", node.lineno)
                )
            for alias in node.names:
                if alias.name in FORBIDDEN_ATTRIBUTES or alias.name == "*":
                    problems.append(Problem("forbidden", f"importing `{alias.name}` from {mod} is not allowed.", node.lineno))
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            problems.append(
                Problem("forbidden", f"`{node.id}` is not allowed in reward code (it {FORBIDDEN_NAMES[node.id]}).", node.lineno, node.col_offset)
            )
        elif isinstance(node, ast.Name) and node.id.startswith("__"):
            problems.append(Problem("forbidden", f"the name `{node.id}` is not allowed (no dunder names).", node.lineno, node.col_offset))
        elif isinstance(node, ast.Attribute):
            if node.attr.startswith("__"):
                problems.append(
                    Problem("forbidden", f"attribute `.{node.attr}` is not allowed (no dunder attributes).", node.lineno, node.col_offset)
                )
            elif node.attr.startswith("_") and not (isinstance(node.value, ast.Name) and node.value.id == "self"):
                # `random._os` is the os module: private attributes of anything but the env's
                # own state are off limits.
                problems.append(
                    Problem("forbidden", f"attribute `.{node.attr}` is not allowed: private attributes may be used only on `self`.", node.lineno, node.col_offset)
                )
            elif node.attr in FORBIDDEN_ATTRIBUTES:
                problems.append(
                    Problem("forbidden", f"attribute `.{node.attr}` is not allowed: it reaches files, processes or interpreter internals.", node.lineno, node.col_offset)
                )
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
            name_arg = node.args[1] if len(node.args) > 1 else None
            ok = isinstance(name_arg, ast.Constant) and isinstance(name_arg.value, str) and not name_arg.value.startswith("_")
            if not ok:
                problems.append(
                    Problem("forbidden", "`getattr` needs a constant attribute name that does not start with `_`; write `obj.name` instead.", node.lineno, node.col_offset)
                )
        elif isinstance(node, ast.Global):
            problems.append(
                Problem("forbidden", f"`global {', '.join(node.names)}` is not allowed; keep state between steps on `self` (e.g. `self.prev_x`).", node.lineno)
            )


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


def llm_feedback(problems: list[Problem]) -> str:
    """All problems as one message an LLM can act on."""
    if not problems:
        return ""
    lines = ["Your reward function cannot be used:"]
    for p in problems:
        where = f"line {p.line}: " if p.line else ""
        lines.append(f"- {where}{p.message}")
    lines.append(f"Return only a corrected `{REWARD_METHOD}`.")
    return "\n".join(lines)


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

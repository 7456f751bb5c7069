"""The lists reward code is checked against: what it may import and call, and the names that
lead out of it. One place for them: the static checks (policy.py) and the binder (binding.py,
namespace.py) read these."""

from __future__ import annotations

ALLOWED_MODULES = ("math", "numpy", "random")
RESERVED_COMPONENTS = ("fitness_score",)

# numpy's submodules that are pure computation; every other submodule (lib, ctypeslib, rec,
# char, testing, f2py, _core, ...) leads to files, C pointers or interpreter internals.
ALLOWED_SUBMODULES = {"numpy.linalg", "numpy.random", "numpy.fft", "numpy.polynomial", "numpy.lib.scimath"}
# The rest of numpy's submodules: reward code's view of numpy holds a stand-in for each
# (guard.Unreachable), so that using one is recorded (an AttributeError could be caught unseen).
UNREACHABLE_NUMPY = ("lib", "ctypeslib", "core", "testing", "f2py", "distutils", "char", "rec", "ma", "typing", "strings", "exceptions", "dtypes")

# What reward code may call or name from builtins. Anything else (open, exec, __import__,
# globals, ...) is absent at run time as well as rejected here.
SAFE_BUILTINS = (
    "abs all any bool callable chr complex dict divmod enumerate filter float frozenset getattr "
    "hasattr int isinstance issubclass iter len list map max min next ord pow print range repr "
    "reversed round set slice sorted str sum tuple type zip "
    "ArithmeticError AssertionError AttributeError Exception FloatingPointError IndexError KeyError "
    "LookupError NameError NotImplementedError OverflowError RuntimeError StopIteration TypeError "
    "UnboundLocalError ValueError ZeroDivisionError"
).split()

# Builtins that hand out objects' internals: legal only as a direct call (`getattr(x, 'n')`).
REFLECTIVE = {"getattr", "hasattr", "type", "isinstance", "issubclass"}

# Builtins that lead out of the reward (code, files, frames, the process). Why each is forbidden
# is told to the LLM by its own line of src/prompts/problems.md (forbidden_builtin_<name>).
FORBIDDEN_NAMES = (
    "eval", "exec", "compile", "open", "__import__", "globals", "locals", "vars", "dir", "setattr",
    "delattr", "input", "breakpoint", "exit", "quit", "help", "memoryview", "super", "object",
)

# Attribute names that lead to files, processes, the network, C memory or interpreter
# internals, whatever object they are read from (numpy's own file I/O included).
FORBIDDEN_ATTRIBUTES = set(
    (
        "system popen spawnl spawnv spawnve fork forkpty execv execve execl execvp kill remove unlink "
        "rmdir mkdir makedirs rename replace_file chmod chown chdir walk listdir scandir environ getenv "
        "load loads save savez savez_compressed savetxt loadtxt genfromtxt fromfile fromregex tofile "
        "dump dumps memmap open_memmap ctypeslib ctypes data_as DataSource f2py distutils as_strided "
        "stride_tricks lib npyio os sys subprocess socket shutil pathlib builtins modules importlib "
        "gi_frame gi_code gi_yieldfrom cr_frame cr_code cr_await ag_frame ag_code ag_await "
        "f_globals f_locals f_back f_builtins f_code f_trace co_code tb_frame tb_next func_globals "
        "format_map open mro"
    ).split()
)

# numpy functions that read or write files or memory by address.
NUMPY_FORBIDDEN = {
    "load", "save", "savez", "savez_compressed", "savetxt", "loadtxt", "genfromtxt", "fromfile",
    "fromregex", "memmap", "DataSource", "frompyfunc", "ctypeslib",
}

# Methods that change the object they are called on. Called on the env's own state (a chain
# from `self` that the reward did not create) they would let an episode look better than it was.
MUTATING_METHODS = {
    "step", "reset", "close", "render", "seed", "fill", "put", "itemset", "resize", "setfield",
    "setflags", "sort", "partition", "byteswap", "append", "extend", "insert", "pop", "remove",
    "clear", "update", "setdefault", "popitem", "add", "discard", "compute_reward",
}
# Box2D's mutators, forbidden on any receiver: a body reached through a local is still the env's.
PHYSICS_MUTATORS_PREFIXES = ("Apply", "Create", "Destroy", "Set", "Clear")
PHYSICS_MUTATORS = {"Step"}
# numpy functions whose first argument is written in place.
IN_PLACE_FUNCTIONS = {"copyto", "put", "place", "putmask", "put_along_axis", "fill_diagonal", "shuffle"}

"""Operating-system containment of a job process: the layer under rewardcheck's static checks.

`confine_job()` runs once at the start of every job process (forked from the forkserver, still
single-threaded, before env or reward code is loaded). Each layer the host lacks (not Linux,
EPERM in a locked-down container, no user namespaces, no libseccomp) is skipped with a
one-line reason in the returned report; nothing here raises.

  rlimits       no core dumps, bounded fds, bounded file size (EFBIG, not a SIGXFSZ kill),
                bounded tasks of the user (RLIMIT_NPROC; the kernel exempts root).
  network       a new network namespace: only a downed loopback, so no TCP/UDP anywhere, the
                worker's own 127.0.0.1 listeners included. Non-root goes through a user
                namespace that maps its uid/gid to themselves, so files keep their owner.
  no_new_privs  setuid binaries cannot raise privileges; also what lets non-root load seccomp.
  seccomp       default allow; new processes, exec, network sockets, other processes and the
                kernel's admin interfaces are denied (_DENY and the argument rules below).

The order matters: rlimits and unshare come before the filter that forbids changing them.
Call it after any rlimit of your own (jobs.py's RLIMIT_AS): later setrlimit calls get EPERM.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import signal
import sys
from pathlib import Path
from typing import Any, Mapping

_LINUX = sys.platform.startswith("linux")

resource: Any
try:
    import resource
except ImportError:  # Windows: the worker does not run there, but importing must not fail
    resource = None

# Loaded at import, in the forkserver when it imports this module: pyseccomp finds libc and
# libseccomp with ctypes.util.find_library, which runs `ldconfig -p` in a subprocess; that
# costs time per job and would itself be refused once a filter is loaded.
_seccomp: Any = None
_SECCOMP_MISSING = "not Linux"
if _LINUX:
    try:
        import pyseccomp as _seccomp
    except Exception as e:  # not installed, or no libseccomp.so.2 (RuntimeError)
        _SECCOMP_MISSING = f"pyseccomp/libseccomp not loadable ({type(e).__name__}: {e})"

FSIZE_BYTES = 4 << 30  # model zips and replay buffers fit; a runaway writer stops at 4 GiB
NOFILE = 1024
# Tasks (threads count) the user may add after the job starts. Other jobs of the same user
# start threads later too (torch, CUDA, TensorBoard), so it is generous: it stops a thread
# bomb from exhausting the machine's pids, not ordinary work.
NPROC_MARGIN = max(4096, 128 * (os.cpu_count() or 1))

_CLONE_THREAD = 0x00010000
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_NO_NEW_PRIVS = 38
_AF_UNIX = 1

# Denied outright: (syscall, errno). EPERM reads as "not allowed here"; ENOSYS where callers
# probe and fall back (glibc retries clone3 as clone, io_uring users fall back to plain I/O).
_DENY: tuple[tuple[str, int], ...] = (
    # no new programs, no child processes (a reward could otherwise run anything)
    ("execve", errno.EPERM), ("execveat", errno.EPERM), ("fork", errno.EPERM), ("vfork", errno.EPERM),
    # clone3 passes its flags in a struct BPF cannot read; ENOSYS sends glibc to clone
    ("clone3", errno.ENOSYS),
    # io_uring performs socket/connect/open without those syscalls passing the filter
    ("io_uring_setup", errno.ENOSYS), ("io_uring_enter", errno.ENOSYS), ("io_uring_register", errno.ENOSYS),
    # other processes' memory, descriptors and signals (the worker and forkserver are ours)
    ("ptrace", errno.EPERM), ("process_vm_readv", errno.EPERM), ("process_vm_writev", errno.EPERM),
    ("pidfd_open", errno.EPERM), ("pidfd_getfd", errno.EPERM), ("pidfd_send_signal", errno.EPERM),
    # namespaces: leaving ours, or a new user namespace to regain capabilities
    ("unshare", errno.EPERM), ("setns", errno.EPERM),
    # mounts, old and new API (root could otherwise remount or bind over anything)
    ("mount", errno.EPERM), ("umount2", errno.EPERM), ("pivot_root", errno.EPERM),
    ("fsopen", errno.EPERM), ("fsconfig", errno.EPERM), ("fsmount", errno.EPERM), ("fspick", errno.EPERM),
    ("move_mount", errno.EPERM), ("open_tree", errno.EPERM), ("mount_setattr", errno.EPERM),
    # kernel attack surface and tracing
    ("bpf", errno.EPERM), ("perf_event_open", errno.EPERM), ("userfaultfd", errno.EPERM),
    ("keyctl", errno.EPERM), ("add_key", errno.EPERM), ("request_key", errno.EPERM),
    # machine administration that root could otherwise do from a reward
    ("kexec_load", errno.EPERM), ("kexec_file_load", errno.EPERM), ("init_module", errno.EPERM),
    ("finit_module", errno.EPERM), ("delete_module", errno.EPERM), ("reboot", errno.EPERM),
    ("swapon", errno.EPERM), ("swapoff", errno.EPERM), ("iopl", errno.EPERM), ("ioperm", errno.EPERM),
    ("open_by_handle_at", errno.EPERM),  # reads any file by handle, around mounts ("shocker")
    ("sethostname", errno.EPERM), ("setdomainname", errno.EPERM),
    ("settimeofday", errno.EPERM), ("clock_settime", errno.EPERM),
    # the limits set above stay set (root could raise its hard limits)
    ("setrlimit", errno.EPERM),
)


# What a job process keeps of its environment: locale, paths, rendering and thread settings.
# Everything else (keys, tokens, HOME, the caller's own variables) is gone before env or
# reward code is loaded, whoever started the worker and with whatever environment.
KEEP_ENV = ("PATH", "LANG", "TZ", "TMPDIR", "PYTHONHASHSEED", "MUJOCO_GL", "PYOPENGL_PLATFORM", "CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH")
KEEP_ENV_PREFIXES = ("LC_", "SDL_", "NVIDIA_", "OMP_", "MKL_", "OPENBLAS_")


def clean_environment() -> None:
    """Drop every environment variable a job does not need (os.environ and the C environ)."""
    for key in list(os.environ):
        if key not in KEEP_ENV and not key.startswith(KEEP_ENV_PREFIXES):
            del os.environ[key]


def confine_job(
    *,
    network: bool = True,
    seccomp: bool = True,
    fsize_bytes: int = FSIZE_BYTES,
    nofile: int = NOFILE,
    nproc_margin: int = NPROC_MARGIN,
) -> dict[str, str]:
    """Confine this process; returns layer -> "applied: ...", "partial: ...", "unavailable: ...",
    "failed: ..." or "off: ...". Meant for a fresh, single-threaded process (a user namespace
    cannot be entered by a threaded one). Set your own rlimits (RLIMIT_AS) first: afterwards
    setrlimit is refused. The keyword arguments exist for tests."""
    report: dict[str, str] = {}
    libc = _libc()
    steps: list[tuple[str, Any]] = [
        ("rlimits", lambda: _rlimits(fsize_bytes, nofile, nproc_margin)),
        ("network", (lambda: _network(libc)) if network else (lambda: "off: not requested")),
        ("no_new_privs", lambda: _no_new_privs(libc)),
        ("seccomp", _seccomp_filter if seccomp else (lambda: "off: not requested")),
    ]
    for name, step in steps:
        try:
            report[name] = step()
        except Exception as e:  # a layer that breaks unexpectedly is reported, never raised
            report[name] = f"failed: {type(e).__name__}: {e}"
    return report


def is_applied(value: str) -> bool:
    return value.startswith("applied")


def describe_isolation(report: Mapping[str, str]) -> str:
    """One line for the worker's log, from what a job's confine_job() returned."""
    if not report:
        return "job isolation: unknown"
    missing = [k for k, v in report.items() if not is_applied(v)]
    head = "all layers applied" if not missing else f"NOT applied: {', '.join(missing)}"
    return f"job isolation: {head} | " + "; ".join(f"{k}: {v}" for k, v in report.items())


# --- the layers ---------------------------------------------------------------------------


def _libc() -> Any:
    if not _LINUX:
        return None
    libc = ctypes.CDLL(None, use_errno=True)  # the process's own symbols: glibc or musl
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    libc.unshare.argtypes = [ctypes.c_int]
    return libc


def _oserr() -> str:
    return os.strerror(ctypes.get_errno())


def _rlimits(fsize_bytes: int, nofile: int, nproc_margin: int) -> str:
    if resource is None:
        return "unavailable: no resource module on this platform"
    wanted = [("core", resource.RLIMIT_CORE, 0), ("nofile", resource.RLIMIT_NOFILE, nofile), ("fsize", resource.RLIMIT_FSIZE, fsize_bytes)]
    notes: list[str] = []
    tasks = _user_tasks(os.getuid())
    if tasks is None:
        notes.append("nproc not set (cannot count the user's tasks without /proc)")
    else:
        wanted.append(("nproc", resource.RLIMIT_NPROC, tasks + nproc_margin))
    done: list[str] = []
    for name, res, value in wanted:
        try:
            _, hard = resource.getrlimit(res)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)  # never raise
            # hard = soft: non-root code cannot raise them back (root cannot either: seccomp)
            resource.setrlimit(res, (value, value))
            done.append(f"{name}={value}")
        except (OSError, ValueError) as e:
            notes.append(f"{name} not set ({e})")
    if any(d.startswith("nproc") for d in done) and os.getuid() == 0:
        notes.append("nproc not enforced for root")
    try:
        # Past RLIMIT_FSIZE the kernel sends SIGXFSZ, which kills; ignored, the write fails with
        # EFBIG and surfaces as an OSError in the reward or the model save.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    except (ValueError, AttributeError, OSError) as e:  # not the main thread, or no SIGXFSZ
        notes.append(f"SIGXFSZ still kills ({e})")
    status = "applied" if len(done) == len(wanted) else "partial" if done else "unavailable"
    return f"{status}: {' '.join(done) or 'none'}" + (f"; {'; '.join(notes)}" if notes else "")


def _user_tasks(uid: int) -> int | None:
    """Tasks (threads) whose real uid is `uid`: what RLIMIT_NPROC counts."""
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return None
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status", "rb") as f:
                fields = dict(line.split(b":", 1) for line in f.read().splitlines() if b":" in line)
            if int(fields[b"Uid"].split()[0]) == uid:
                total += int(fields[b"Threads"])
        except (OSError, KeyError, ValueError, IndexError):
            continue  # exited meanwhile, or not readable
    return total


def _network(libc: Any) -> str:
    if libc is None:
        return "unavailable: not Linux"
    if libc.unshare(_CLONE_NEWNET) == 0:
        return "applied: network namespace"
    direct = _oserr()  # EPERM without CAP_SYS_ADMIN (non-root, or a container)
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        return f"unavailable: unshare(NEWNET): {direct}; with a user namespace: {_oserr()}"
    try:
        # setgroups=deny is what lets an unprivileged process write its gid_map (kernel >= 3.19)
        if os.path.exists("/proc/self/setgroups"):
            Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1\n")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1\n")
    except OSError as e:
        return f"partial: network namespace in a user namespace, but mapping uid {uid} failed ({e.strerror}); files may be unwritable"
    return f"applied: network namespace (via a user namespace mapping uid {uid}/gid {gid} to themselves)"


def _no_new_privs(libc: Any) -> str:
    if libc is None:
        return "unavailable: not Linux"
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"unavailable: prctl(PR_SET_NO_NEW_PRIVS): {_oserr()}"
    return "applied"


def _seccomp_filter() -> str:
    if _seccomp is None:
        return f"unavailable: {_SECCOMP_MISSING}"
    sc = _seccomp
    filt = sc.SyscallFilter(sc.ALLOW)
    for attr, value in ((sc.Attr.ACT_BADARCH, sc.KILL_PROCESS), (sc.Attr.CTL_TSYNC, 1)):
        try:  # another ABI (int 0x80) kills the process; all threads get the filter
            filt.set_attr(attr, value)
        except OSError:
            pass  # older kernel or libseccomp: the defaults (kill thread; this thread) hold
    not_here: list[str] = []
    rules = 0

    def deny(name: str, err: int, *args: Any) -> None:
        nonlocal rules
        nr = sc.resolve_syscall(sc.Arch.NATIVE, name)
        try:
            if nr == -1:  # __NR_SCMP_ERROR: a name this (older) libseccomp does not know
                raise OSError(errno.EINVAL, "unknown")
            filt.add_rule(sc.ERRNO(err), nr, *args)
            rules += 1
        except OSError:
            not_here.append(name)

    for name, err in _DENY:
        deny(name, err)
    # clone is how glibc makes threads and processes alike: threads (CLONE_THREAD) stay, torch,
    # BLAS and TensorBoard need them. s390 passes the flags second.
    flags_arg = 1 if platform.machine().startswith("s390") else 0
    deny("clone", errno.EPERM, sc.Arg(flags_arg, sc.MASKED_EQ, _CLONE_THREAD, 0))
    # Sockets: only AF_UNIX (the job's pipe to the worker is a socketpair); covers hosts where
    # the network namespace was unavailable, and netlink/packet/raw sockets in any case.
    deny("socket", errno.EPERM, sc.Arg(0, sc.NE, _AF_UNIX))
    # Signals only to this process: as root kill(-1, SIGKILL) would end every process on the
    # machine, kill(getppid()) the forkserver. glibc's raise/abort/pthread_kill target us.
    me = os.getpid()
    for name in ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        deny(name, errno.EPERM, sc.Arg(0, sc.NE, me))
    # prlimit64 reads limits too (getrlimit uses it with new_limit NULL): only setting is denied
    deny("prlimit64", errno.EPERM, sc.Arg(2, sc.NE, 0))
    filt.load()
    return f"applied: {rules} deny rules, default allow" + (f"; unknown to libseccomp here: {' '.join(not_here)}" if not_here else "")

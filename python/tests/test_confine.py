"""confine.py in real job-like processes: each test forks a child, confines it, tries the
forbidden (and the needed) things there and reports back through a pipe. A layer the host
does not provide skips the assertions that depend on it, with the reason confine_job gave.

Run: PYTHONPATH=python <venv python> -m pytest -q python/tests/test_confine.py
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from stable_eureka_worker import confine
from stable_eureka_worker.confine import confine_job, describe_isolation, is_applied

LINUX = sys.platform.startswith("linux")
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _try(fn: Callable[[], Any]) -> str:
    """'ok' or the exception, as one comparable string."""
    try:
        fn()
        return "ok"
    except OSError as e:
        return f"{type(e).__name__}:{errno.errorcode.get(e.errno or 0, e.errno)}"
    except Exception as e:
        return f"{type(e).__name__}:{e}"


def in_child(body: Callable[[], dict[str, Any]], before: Callable[[], None] | None = None, **kwargs: Any) -> dict[str, Any]:
    """Fork, confine_job(**kwargs) in the child, run `body` there; its dict (plus 'report')."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: whatever happens, report and _exit (never return into pytest)
        os.close(r)
        out: dict[str, Any]
        try:
            signal.alarm(15)  # a hang ends the child, not the test run
            if before is not None:
                before()
            out = {"report": confine_job(**kwargs)}
            out.update(body())
        except BaseException as e:
            out = {"error": f"{type(e).__name__}: {e}"}
        os.write(w, json.dumps(out).encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    assert data, "the child died without a report"
    result: dict[str, Any] = json.loads(data)
    assert "error" not in result, result.get("error")
    return result


def require(report: dict[str, str], layer: str) -> None:
    if not is_applied(report[layer]):
        pytest.skip(f"{layer} not provided by this host: {report[layer]}")


@pytest.fixture()
def listener() -> Iterator[int]:
    """A TCP listener on 127.0.0.1 in the test's (the worker's) network namespace."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    port = srv.getsockname()[1]
    socket.create_connection(("127.0.0.1", port), timeout=2).close()  # reachable from here
    yield port
    srv.close()


def _has_cap_sys_admin() -> bool:
    status = Path("/proc/self/status").read_text()
    cap_eff = next(line.split()[1] for line in status.splitlines() if line.startswith("CapEff:"))
    return bool(int(cap_eff, 16) & (1 << 21))


def test_report_and_summary() -> None:
    result = in_child(lambda: {})
    report = result["report"]
    assert set(report) == {"rlimits", "network", "no_new_privs", "seccomp"}
    for value in report.values():
        assert value.split(":")[0] in ("applied", "partial", "unavailable", "failed"), value
    line = describe_isolation(report)
    assert line.startswith("job isolation: ") and "\n" not in line
    if not LINUX:
        assert report["network"] == "unavailable: not Linux"
        assert report["seccomp"] == "unavailable: not Linux"


def test_this_host_applies_the_layers_it_provides() -> None:
    """Root with CAP_SYS_ADMIN on Linux with libseccomp (this machine, CI): all four layers."""
    if not LINUX:
        pytest.skip("not Linux: only rlimits apply")
    report = in_child(lambda: {})["report"]
    expected = ["rlimits", "no_new_privs"]
    if _has_cap_sys_admin():
        expected.append("network")
    if confine._seccomp is not None and "Seccomp:" in Path("/proc/self/status").read_text():
        expected.append("seccomp")
    assert {k: report[k] for k in expected if not is_applied(report[k])} == {}
    if os.geteuid() == 0:
        assert "not enforced for root" in report["rlimits"]


def test_network_namespace_cuts_the_hosts_loopback(listener: int) -> None:
    def body() -> dict[str, Any]:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # allowed: seccomp is off here
        s.settimeout(2)
        connect = _try(lambda: s.connect(("127.0.0.1", listener)))
        s.close()
        return {"connect": connect}

    result = in_child(body, seccomp=False)
    require(result["report"], "network")
    assert result["connect"] != "ok"  # ENETUNREACH: the new namespace's loopback is down


def test_seccomp_denies_processes_exec_and_network(listener: int, tmp_path: Path) -> None:
    marker = tmp_path / "marker"

    def body() -> dict[str, Any]:
        libc = ctypes.CDLL(None, use_errno=True)
        nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        pair = socket.socketpair()  # AF_UNIX stays: the job's pipe to the worker is one
        pair[0].sendall(b"x")
        return {
            "inet": _try(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
            "inet6": _try(lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)),
            "connect": _try(lambda: socket.create_connection(("127.0.0.1", listener), timeout=2)),
            "unix": pair[1].recv(1).decode(),
            "system": os.system(f"touch {marker}"),
            "subprocess": _try(lambda: subprocess.run(["touch", str(marker)])),
            "execv": _try(lambda: os.execv("/bin/sh", ["sh", "-c", f"touch {marker}"])),
            "fork": _try(os.fork),
            "kill_parent": _try(lambda: os.kill(os.getppid(), 0)),
            "kill_self": _try(lambda: os.kill(os.getpid(), 0)),
            "unshare": libc.unshare(0x40000000) == -1 and ctypes.get_errno() == errno.EPERM,
            "setrlimit": _try(lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile // 2, nofile // 2))),
            "getrlimit": _try(lambda: resource.getrlimit(resource.RLIMIT_NOFILE)),
        }

    result = in_child(body)
    require(result["report"], "seccomp")
    assert result["inet"] == "PermissionError:EPERM"
    assert result["inet6"] == "PermissionError:EPERM"
    assert result["connect"] != "ok"
    assert result["unix"] == "x"
    assert result["system"] != 0
    assert result["subprocess"] == "PermissionError:EPERM"
    assert result["execv"] == "PermissionError:EPERM"
    assert result["fork"] == "PermissionError:EPERM"
    assert not marker.exists()
    assert result["kill_parent"] == "PermissionError:EPERM"
    assert result["kill_self"] == "ok"
    assert result["unshare"] is True
    assert result["setrlimit"] != "ok"  # even lowering: limits stay what confine_job set
    assert result["getrlimit"] == "ok"


def test_threads_and_torch_keep_working() -> None:
    torch = pytest.importorskip("torch")

    def body() -> dict[str, Any]:
        seen: list[int] = []
        t = threading.Thread(target=lambda: seen.append(threading.get_native_id()))
        t.start()
        t.join()
        torch.set_num_threads(2)
        a = torch.ones(256, 256)
        value = float((a @ a)[0, 0])
        return {"thread_ran": len(seen) == 1 and seen[0] != os.getpid(), "matmul": value, "tasks": len(os.listdir("/proc/self/task")) if LINUX else 2}

    result = in_child(body)
    require(result["report"], "seccomp")
    assert result["thread_ran"]
    assert result["matmul"] == 256.0
    # (torch's own pool may not restart in a child forked from a process that already used it,
    # as pytest's is after other test files: the Python thread above is the proof threads work)


def test_file_size_limit_is_an_oserror(tmp_path: Path) -> None:
    small, big = tmp_path / "small.bin", tmp_path / "big.bin"

    def body() -> dict[str, Any]:
        small.write_bytes(b"x" * 65536)
        with open(big, "wb") as f:
            outcome = _try(lambda: (f.write(b"x" * (2 << 20)), f.flush()))
        return {"big": outcome}

    result = in_child(body, fsize_bytes=1 << 20)
    assert "fsize=1048576" in result["report"]["rlimits"], result["report"]["rlimits"]
    assert small.stat().st_size == 65536
    assert result["big"] == "OSError:EFBIG"  # and the child lived to say so (SIGXFSZ ignored)


@pytest.fixture()
def shared_dir() -> Iterator[Path]:
    """A folder anyone may write to (pytest's tmp_path sits in a root-only 0700 folder)."""
    d = Path(tempfile.mkdtemp(prefix="se-confine-"))
    d.chmod(0o777)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_unprivileged_fallback_through_a_user_namespace(listener: int, shared_dir: Path) -> None:
    """As root: drop to nobody in the child, so the non-root path (CLONE_NEWUSER) runs too."""
    if not LINUX or os.geteuid() != 0:
        pytest.skip("needs root to become an ordinary user (as non-root the other tests take this path)")
    shared = shared_dir
    nobody = 65534

    def become_nobody() -> None:
        os.setgroups([])
        os.setgid(nobody)
        os.setuid(nobody)
        # Changing uid made us non-dumpable, which leaves /proc/self/uid_map owned by root;
        # a process started as an ordinary user is dumpable.
        ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE

    def body() -> dict[str, Any]:
        (shared / "out.txt").write_text("written")
        done, started = threading.Event(), 0
        try:  # RLIMIT_NPROC binds an ordinary user: a thread bomb stops at the margin
            for _ in range(64):
                threading.Thread(target=done.wait, daemon=True).start()
                started += 1
        except RuntimeError:
            pass
        done.set()
        return {
            "threads": started,
            "uid": os.getuid(),
            "connect": _try(lambda: socket.create_connection(("127.0.0.1", listener), timeout=2)),
            "fork": _try(os.fork),
        }

    result = in_child(body, before=become_nobody, nproc_margin=16)
    report = result["report"]
    assert is_applied(report["rlimits"]) and "not enforced" not in report["rlimits"], report["rlimits"]
    assert 0 < result["threads"] <= 16
    require(report, "network")
    assert "user namespace" in report["network"]
    assert result["uid"] == nobody
    assert result["connect"] != "ok"
    assert (shared / "out.txt").read_text() == "written"
    assert (shared / "out.txt").stat().st_uid == nobody  # the mapping kept the owner
    require(report, "seccomp")
    assert result["fork"] == "PermissionError:EPERM"

"""The run-time layers of containment, each alone, in real job processes (no static checks:
the code goes straight to a smoke job, as if the checks had a gap).

- audit hook (guard.py) with fitness integrity off: files, processes, imports, frames, ctypes,
  compiling code;
- module guard (guard.py), with the audit hook and integrity off: module attributes;
- fitness integrity (integrity.py) with the audit hook off: the env's fitness method, class,
  attributes and arrays;
- all layers on: honest rewards that keep state on `self` still run.
Every case ends as a failed job whose reason starts with "blocked:", and has no effect.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from stable_eureka_worker.jobs import Limits, LocalProcessExecutor

REPO = Path(__file__).resolve().parents[2]
PENDULUM = {"env_dir": str(REPO / "envs" / "pendulum"), "class_name": "PendulumEnv", "kwargs": {}, "max_episode_steps": 200}
SIG = "def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):"
MARKER = Path("/tmp/se_guard_test_marker")
_ids = itertools.count()


@pytest.fixture(scope="module")
def executor() -> Iterator[LocalProcessExecutor]:
    ex = LocalProcessExecutor(max_jobs=2)
    yield ex
    ex.shutdown()


def smoke(executor: LocalProcessExecutor, body: str, layers: dict[str, bool], steps: int = 300) -> dict[str, Any]:
    code = "import numpy as np\nimport math\n\n" + SIG + "\n" + "\n".join("    " + line for line in body.strip("\n").splitlines()) + "\n"
    params = {"env": PENDULUM, "code": code, "smoke": {"steps": steps}, "containment": layers}
    future = executor.submit(f"guard-{next(_ids)}", "smoke", params, Limits(wall_s=60, memory_mb=2048), lambda _e, _d: None)
    return future.result(timeout=90)


def blocked(result: dict[str, Any], fragment: str) -> None:
    assert result["status"] == "failed", result
    reason = result["failure"]["reason"]
    assert reason.startswith("blocked:"), reason
    assert fragment in reason, reason


AUDIT_ALONE = {"audit_hook": True, "fitness_integrity": False}
INTEGRITY_ALONE = {"audit_hook": False, "fitness_integrity": True}
NEITHER = {"audit_hook": False, "fitness_integrity": False}

# Each reaches the real object through a route the static checks reject; here nothing but the
# audit hook stands in the way. `__builtins__` of reward code lacks open/__import__, so the
# attacks go through objects numpy and the env module hold.
AUDIT_CASES = [
    ("open-through-np-save", f"np.save('{MARKER}', np.zeros(2))\nreturn 0.0, {{}}", "tried to open the file"),
    ("savetxt", f"np.savetxt('{MARKER}', np.zeros(2))\nreturn 0.0, {{}}", "tried to open the file"),
    ("np-load", "np.load('/etc/hostname')\nreturn 0.0, {}", "tried to open the file"),
    ("import-through-real-builtins", "b = np.vectorize.__init__.__globals__['__builtins__']\nb['__import__']('sqlite3')\nreturn 0.0, {}", "tried to import"),
    ("generator-frame", "g = (x for x in [1])\nf = g.gi_frame\nreturn 0.0, {}", "gi_frame"),
    ("traceback-frame", "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    f = e.__traceback__.tb_frame.f_back\nreturn 0.0, {}", "tb_frame"),
    ("code-object", "c = (lambda: 0).__code__\nreturn 0.0, {}", "__code__"),
    (
        "os-through-globals",
        f"os = random.seed.__func__.__globals__['_os']\nos.system('touch {MARKER}')\nreturn 0.0, {{}}",
        "tried to",
    ),
    ("swallowed", f"try:\n    np.save('{MARKER}', np.zeros(2))\nexcept Exception:\n    pass\nreturn 0.0, {{}}", "tried to open the file"),
    (
        "ctypes",
        "real = np.vectorize.__init__.__globals__['np']\nct = real.ctypeslib.ctypes\nct.CDLL(None).system(b'true')\nreturn 0.0, {}",
        "tried to",
    ),
]


@pytest.mark.parametrize("name,body,fragment", AUDIT_CASES, ids=[c[0] for c in AUDIT_CASES])
def test_audit_hook_alone(executor: LocalProcessExecutor, name: str, body: str, fragment: str) -> None:
    MARKER.unlink(missing_ok=True)
    result = smoke(executor, body, AUDIT_ALONE)
    blocked(result, fragment)
    assert not MARKER.exists() and not Path(str(MARKER) + ".npy").exists()


MODULE_CASES = [
    ("np-clip", "np.clip = lambda *a, **k: 0.0\nreturn 0.0, {}", "numpy.clip"),
    ("math-cos", "math.cos = abs\nreturn 0.0, {}", "math.cos"),
    ("del-np-pi", "del np.pi\nreturn 0.0, {}", "numpy.pi"),
]


@pytest.mark.parametrize("name,body,fragment", MODULE_CASES, ids=[c[0] for c in MODULE_CASES])
def test_module_guard_alone(executor: LocalProcessExecutor, name: str, body: str, fragment: str) -> None:
    blocked(smoke(executor, body, NEITHER), fragment)


# Pendulum's fitness is gymnasium's reward, at most 0 a step.
INTEGRITY_CASES = [
    ("shadow-fitness", "self.compute_fitness_score = lambda r: 1000.0\nreturn 0.0, {}", "compute_fitness_score"),
    ("class-fitness", "type(self).compute_fitness_score = lambda s, r: 1000.0\nreturn 0.0, {}", "compute_fitness_score"),
    ("env-class-global", "PendulumEnv.compute_fitness_score = lambda s, r: 1000.0\nreturn 0.0, {}", "compute_fitness_score"),
    ("base-class-step", "type(self).__mro__[2].step = lambda s, a: (np.zeros(3), 1000.0, False, False, {})\nreturn 0.0, {}", "step"),
    ("rebind-state", "self.state = np.zeros(2)\nreturn 0.0, {}", "`state`"),
    ("mutate-state", "self.state[0] = 0.0\nreturn 0.0, {}", "`state`"),
    ("fill-state", "self.state.fill(0.0)\nreturn 0.0, {}", "`state`"),
    ("copyto-state", "np.copyto(self.state, 0.0)\nreturn 0.0, {}", "`state`"),
    ("out-state", "np.multiply(self.state, 0.0, out=self.state)\nreturn 0.0, {}", "`state`"),
    ("alias-state", "s = self.state\ns[:] = 0.0\nreturn 0.0, {}", "`state`"),
    ("torque-limit", "self.max_torque = 100.0\nreturn 0.0, {}", "`max_torque`"),
    ("delete-attribute", "del self.last_u\nreturn 0.0, {}", "`last_u`"),
    ("shadow-step", "self.step = lambda a: (np.zeros(3), 0.0, False, False, {})\nreturn 0.0, {}", "step"),
    ("swap-class", "self.__class__ = type(self).__mro__[1]\nreturn 0.0, {}", "class"),
]


@pytest.mark.parametrize("name,body,fragment", INTEGRITY_CASES, ids=[c[0] for c in INTEGRITY_CASES])
def test_fitness_integrity_alone(executor: LocalProcessExecutor, name: str, body: str, fragment: str) -> None:
    blocked(smoke(executor, body, INTEGRITY_ALONE), fragment)


def test_without_integrity_the_fitness_is_forged(executor: LocalProcessExecutor) -> None:
    """The control: with every run-time layer off, the same attack does forge the fitness,
    so the integrity tests above test something."""
    code = "import numpy as np\n\n" + SIG + "\n    self.compute_fitness_score = lambda r: 1000.0\n    return 0.0, {}\n"
    params = {
        "env": PENDULUM,
        "code": code,
        "rl": {"algo": "ppo", "algo_params": {"n_steps": 64, "batch_size": 64, "n_epochs": 1}, "training": {"num_envs": 1, "total_timesteps": 128, "seed": 0, "device": "cpu", "eval": {"num_evals": 1, "num_episodes": 1}}},
        "out_dir": str(Path(os.environ.get("TMPDIR", "/tmp")) / f"se-guard-control-{os.getpid()}"),
        "containment": NEITHER,
    }
    result = executor.submit("guard-control", "train", params, Limits(wall_s=120, memory_mb=4096), lambda _e, _d: None).result(timeout=180)
    assert result["status"] == "succeeded", result
    assert result["best"]["fitness_mean"] > 0


HONEST = [
    ("state-on-self", "prev = getattr(self, 'prev_theta', prev_theta)\nself.prev_theta = prev_theta\nreturn -abs(prev_theta - prev), {'d': -abs(prev_theta - prev)}"),
    ("try-except", "try:\n    self.count += 1\nexcept AttributeError:\n    self.count = 1\nreturn float(self.count > 0), {'alive': 1.0}"),
    ("lists-on-self", "if not hasattr(self, 'hist'):\n    self.hist = []\nself.hist.append(torque)\nself.hist = self.hist[-10:]\nreturn -float(np.mean(np.abs(self.hist))), {'effort': -float(np.mean(np.abs(self.hist)))}"),
    ("reads-env", "limit = self.max_torque\nup = float(np.cos(self.state[0]))\nreturn up - abs(torque) / limit, {'up': up}"),
    ("warning", "x = np.array([1.0]) / np.array([0.0])\nreturn 0.0, {'x': float(np.nan_to_num(x[0], posinf=1.0))}"),
    ("formats", "label = f'{prev_theta:.2f}' + '{:.1f}'.format(torque) + '%0.2f' % torque\nreturn float(len(label) > 0), {'ok': 1.0}"),
]


@pytest.mark.parametrize("name,body", HONEST, ids=[c[0] for c in HONEST])
def test_honest_rewards_run_under_every_layer(executor: LocalProcessExecutor, name: str, body: str) -> None:
    result = smoke(executor, body, {}, steps=500)
    assert result["status"] == "succeeded", result


def test_training_raises_no_audit_events_once_armed_for() -> None:
    """With the hook installed, torch's hot paths must not call it: `Tensor.__hash__` (an
    `id()` in Python) raised an event for every tensor hashed, a hook call each (bench:
    about 1% of LunarLander training). A fresh interpreter, since the hook stays for life."""
    import subprocess
    import sys

    script = (
        "import sys, torch\n"
        "from stable_eureka_worker.guard import GUARD\n"
        "GUARD.install(audit=True)\n"
        "events, counting = [], False\n"
        "sys.addaudithook(lambda e, a: events.append(e) if e == 'builtins.id' and counting else None)\n"
        "p = torch.nn.Parameter(torch.zeros(3)); q = torch.nn.Parameter(torch.zeros(3))\n"
        "opt = torch.optim.Adam([p, q])\n"
        "for counting in (False, True):  # the first steps load torch's lazy parts\n"
        "    for _ in range(3):\n"
        "        (p.sum() + q.sum()).backward(); opt.step(); opt.zero_grad()\n"
        "state = {p: 1}\n"
        "assert state[p] == 1 and q not in state and hash(p) == hash(p) and len({p, q}) == 2\n"
        "print(len(events))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "0", out.stdout

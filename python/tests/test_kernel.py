"""The "Stable Eureka (TypeScript)" kernel over the real Jupyter protocol: jupyter_client starts
the kernelspec that setup installed (tslab with kernel-ext/preload.cjs) and these tests read
the messages a front end would get: whole multi-mime display bundles, display updates,
set_next_input payloads, rich cell results, interrupts that cancel a real training job in the
library's Python worker, and errors with ename/evalue/traceback.

Needs `node scripts/setup.mjs` first (the kernelspec in .stable-eureka/jupyter and dist/).
Run: PYTHONPATH=python <venv python> -m pytest -q python/tests/test_kernel.py

One kernel serves the whole module, in file order: the SIGINT tests at the end run in a
kernel whose Python worker was started inside a cell (see test_interrupt_cancels_training).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

try:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    from jupyter_client.manager import KernelManager
except ImportError as err:  # not skipped: the venv that setup builds has it
    pytest.fail(f"jupyter_client is not installed ({err}): run `node scripts/setup.mjs`, then use its venv", pytrace=False)

REPO = Path(__file__).resolve().parents[2]
KERNEL_NAME = "stable-eureka-ts"
JUPYTER_DIR = REPO / ".stable-eureka" / "jupyter"
KERNEL_DIR = JUPYTER_DIR / "kernels" / KERNEL_NAME
DIST_INDEX = REPO / "dist" / "index.js"
SETUP_HINT = "run `node scripts/setup.mjs` (or `npm run setup`) in the repository first"

HOOK = "(globalThis as any)[Symbol.for('stable-eureka.kernel')]"


def js(value: Any) -> str:
    """A Python value as a JS/TS literal (paths, strings)."""
    return json.dumps(value if not isinstance(value, Path) else str(value))


@dataclass
class Execution:
    msg_id: str
    reply: dict[str, Any] = field(default_factory=dict)
    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def of_type(self, msg_type: str) -> list[dict[str, Any]]:
        return [content for t, content in self.messages if t == msg_type]

    def stdout(self) -> str:
        return "".join(c["text"] for c in self.of_type("stream") if c["name"] == "stdout")


class Kernel:
    def __init__(self, km: KernelManager, log: Path) -> None:
        self.km = km
        self.kc = km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.log = log
        self._kept: dict[str, list[dict[str, Any]]] = {"iopub": [], "shell": []}

    @property
    def pid(self) -> int:
        return self.km.provisioner.pid  # type: ignore[union-attr]

    def log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])
        except OSError:
            return ""

    def send(self, code: str, *, stop_on_error: bool = True) -> Execution:
        return Execution(self.kc.execute(code, stop_on_error=stop_on_error))

    def _next(self, channel: str, msg_id: str, deadline: float, what: str) -> dict[str, Any]:
        """The next message on `channel` whose parent is `msg_id`; others are kept for later."""
        kept = self._kept[channel]
        for i, msg in enumerate(kept):
            if msg["parent_header"].get("msg_id") == msg_id:
                return kept.pop(i)
        get = self.kc.get_iopub_msg if channel == "iopub" else self.kc.get_shell_msg
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {what} within the time limit; kernel log:\n{self.log_tail()}")
            try:
                msg = get(timeout=left)
            except Exception:  # queue.Empty
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg
            kept.append(msg)

    def collect(self, ex: Execution, *, timeout: float = 30, until: Callable[[str, dict[str, Any]], bool] | None = None) -> None:
        """Read iopub messages of `ex` until `until` says so, or until the kernel is idle."""
        deadline = time.monotonic() + timeout
        while True:
            msg = self._next("iopub", ex.msg_id, deadline, "end of the cell's output")
            kind, content = msg["msg_type"], msg["content"]
            ex.messages.append((kind, content))
            if until is not None and until(kind, content):
                return
            if kind == "status" and content["execution_state"] == "idle":
                return

    def wait_reply(self, ex: Execution, *, timeout: float = 30) -> dict[str, Any]:
        ex.reply = self._next("shell", ex.msg_id, time.monotonic() + timeout, "execute_reply")["content"]
        return ex.reply

    def run(self, code: str, *, timeout: float = 30, stop_on_error: bool = True) -> Execution:
        ex = self.send(code, stop_on_error=stop_on_error)
        self.collect(ex, timeout=timeout)
        self.wait_reply(ex, timeout=timeout)
        return ex

    def run_ok(self, code: str, *, timeout: float = 30) -> Execution:
        ex = self.run(code, timeout=timeout)
        assert ex.reply["status"] == "ok", f"cell failed: {ex.reply}\noutput: {ex.messages}\nkernel log:\n{self.log_tail()}"
        return ex

    def run_error(self, code: str, *, timeout: float = 30) -> Execution:
        ex = self.run(code, timeout=timeout)
        assert ex.reply["status"] == "error", f"cell did not fail: {ex.reply}\noutput: {ex.messages}"
        settle_after_error()
        return ex


def settle_after_error() -> None:
    # After a failed cell, tslab aborts what arrives in the next 200 ms (stop_on_error): a
    # person runs the next cell later than that, and so do these tests.
    time.sleep(0.3)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kernel]:
    if not (KERNEL_DIR / "kernel.json").is_file():
        pytest.fail(f"the kernelspec {KERNEL_DIR / 'kernel.json'} is missing: {SETUP_HINT}", pytrace=False)
    spec_json = json.loads((KERNEL_DIR / "kernel.json").read_text())
    preload = REPO / "kernel-ext" / "preload.cjs"
    if str(preload) not in spec_json["argv"]:
        pytest.fail(f"{KERNEL_DIR / 'kernel.json'} runs another clone's kernel ({spec_json['argv']}): {SETUP_HINT}", pytrace=False)
    if not DIST_INDEX.is_file():
        pytest.fail(f"{DIST_INDEX} is missing: {SETUP_HINT}", pytrace=False)
    with pytest.MonkeyPatch.context() as mp:
        # scripts/test.mjs puts this clone's Jupyter dir first on JUPYTER_PATH; so does this,
        # for a pytest started by hand.
        paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
        if str(JUPYTER_DIR) not in paths:
            mp.setenv("JUPYTER_PATH", os.pathsep.join([str(JUPYTER_DIR), *paths]))
        ksm = KernelSpecManager()
        try:
            spec = ksm.get_kernel_spec(KERNEL_NAME)
        except NoSuchKernel:
            pytest.fail(f"Jupyter does not find the kernel {KERNEL_NAME}: {SETUP_HINT}", pytrace=False)
        assert Path(spec.resource_dir).resolve() == KERNEL_DIR.resolve(), f"found {spec.resource_dir}, not this clone's kernel"
        assert spec.display_name == "Stable Eureka (TypeScript)"
        assert spec.language == "typescript"
        log = tmp_path_factory.mktemp("kernel") / "kernel.log"
        km = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm)
        with open(log, "w") as out:
            km.start_kernel(cwd=str(REPO / "notebooks"), stdout=out, stderr=out)
        k = Kernel(km, log)
        try:
            yield k
        finally:
            k.kc.stop_channels()
            km.shutdown_kernel(now=False)


# --- install -----------------------------------------------------------------------------------


def test_install_and_uninstall_in_a_data_dir(tmp_path: Path) -> None:
    """dist/kernel.js writes kernel.json by hand (no jupyter_client needed); Jupyter finds it."""
    script = f"""
    const k = require({js(REPO / 'dist' / 'kernel.js')});
    const dir = k.installKernel();
    console.log(JSON.stringify({{ dir, specDir: k.kernelSpecDir(), again: k.installKernel(),
      removed: k.uninstallKernel(), removedAgain: k.uninstallKernel(), explicit: k.installKernel({{ dataDir: {js(tmp_path / 'other')} }}) }}));
    """
    env = {**os.environ, "JUPYTER_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run(["node", "-e", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout)
    expected = tmp_path / "data" / "kernels" / KERNEL_NAME
    assert r["dir"] == r["specDir"] == r["again"] == str(expected)
    assert (r["removed"], r["removedAgain"]) == (True, False) and not expected.exists()
    other = tmp_path / "other" / "kernels" / KERNEL_NAME
    assert r["explicit"] == str(other)
    spec = json.loads((other / "kernel.json").read_text())
    argv = spec["argv"]
    assert Path(argv[0]).is_absolute() and Path(argv[0]).exists()  # this Node
    assert argv[1:3] == ["-r", str(REPO / "kernel-ext" / "preload.cjs")]
    assert argv[3] == str(REPO / "node_modules" / "tslab" / "bin" / "tslab")
    assert argv[4:] == ["kernel", "--config-path", "{connection_file}"]
    assert (spec["display_name"], spec["language"], spec["interrupt_mode"]) == ("Stable Eureka (TypeScript)", "typescript", "message")
    found = KernelSpecManager(kernel_dirs=[str(other.parent)]).get_kernel_spec(KERNEL_NAME)
    assert found.argv == argv


# --- display ---------------------------------------------------------------------------------


def test_display_sends_one_message_with_the_whole_bundle(kernel: Kernel) -> None:
    ex = kernel.run_ok(
        f"""
        const hook = {HOOK};
        hook.display({{
          data: {{
            'text/plain': 'a chart',
            'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>',
            'application/vnd.vegalite.v5+json': {{ mark: 'bar', data: {{ values: [{{ a: 1 }}] }} }},
          }},
          metadata: {{ 'image/svg+xml': {{ isolated: true }} }},
        }});
        """
    )
    displays = ex.of_type("display_data")
    assert len(displays) == 1, ex.messages
    data = displays[0]["data"]
    assert set(data) == {"text/plain", "image/svg+xml", "application/vnd.vegalite.v5+json"}
    assert data["text/plain"] == "a chart"
    assert data["image/svg+xml"].startswith("<svg")
    assert data["application/vnd.vegalite.v5+json"] == {"mark": "bar", "data": {"values": [{"a": 1}]}}
    assert displays[0]["metadata"] == {"image/svg+xml": {"isolated": True}}
    assert ex.reply["payload"] == [] and ex.reply["user_expressions"] == {}
    # tslab does not send execute_input; the preload does, with the reply's execution count.
    inputs = ex.of_type("execute_input")
    assert len(inputs) == 1 and inputs[0]["execution_count"] == ex.reply["execution_count"]


def test_display_with_an_id_then_update(kernel: Kernel) -> None:
    ex = kernel.run_ok(
        f"""
        const hook = {HOOK};
        hook.display({{ data: {{ 'text/plain': 'step 0', 'text/html': '<b>step 0</b>' }} }}, 'progress-1');
        hook.update({{ data: {{ 'text/plain': 'step 1', 'text/html': '<b>step 1</b>' }} }}, 'progress-1');
        // binary data goes out as base64, like tslab's display.png()
        hook.display({{ data: {{ 'image/png': new Uint8Array([137, 80, 78, 71]), 'text/plain': 'png' }} }});
        """
    )
    first, png = ex.of_type("display_data")
    assert first["transient"] == {"display_id": "progress-1"}
    assert first["data"]["text/plain"] == "step 0"
    updates = ex.of_type("update_display_data")
    assert len(updates) == 1
    assert updates[0]["transient"] == {"display_id": "progress-1"}
    assert updates[0]["data"] == {"text/plain": "step 1", "text/html": "<b>step 1</b>"}
    assert png["data"]["image/png"] == "iVBORw=="
    assert png["transient"] == {}


def test_a_view_with_charts_is_its_result_then_one_output_per_chart(kernel: Kernel) -> None:
    ex = kernel.run_ok(
        """
({
  toMimeBundle: () => ({ data: { 'text/plain': 'all in one' } }),
  toMimeBundles: () => [
    { data: { 'text/html': '<b>the view</b>', 'text/plain': 'the view' } },
    { data: { 'application/vnd.vegalite.v5+json': { mark: 'point' }, 'text/plain': 'chart 1' } },
    { data: { 'application/vnd.vegalite.v5+json': { mark: 'bar' }, 'text/plain': 'chart 2' } },
  ],
})
"""
    )
    kinds = [(t, c["data"]["text/plain"]) for t, c in ex.messages if t in ("execute_result", "display_data")]
    assert kinds == [("execute_result", "the view"), ("display_data", "chart 1"), ("display_data", "chart 2")]


def test_set_next_input_is_a_payload_of_the_reply(kernel: Kernel) -> None:
    ex = kernel.run_ok(f"{HOOK}.setNextInput('await run.next();');")
    assert ex.reply["payload"] == [{"source": "set_next_input", "text": "await run.next();", "replace": False}]
    # One per cell, the last wins (as IPython does); the next cell starts with none.
    ex = kernel.run_ok(f"{HOOK}.setNextInput('first'); {HOOK}.setNextInput('second');")
    assert ex.reply["payload"] == [{"source": "set_next_input", "text": "second", "replace": False}]
    assert kernel.run_ok("1 + 1").reply["payload"] == []


def test_last_value_with_to_mime_bundle_is_the_cell_result(kernel: Kernel) -> None:
    ex = kernel.run_ok(
        """
        class Chart {
          toMimeBundle() {
            return { data: { 'text/plain': 'Chart(3 points)', 'text/html': '<div>chart</div>' }, metadata: { 'text/html': { isolated: true } } };
          }
        }
        new Chart();
        """
    )
    results = ex.of_type("execute_result")
    assert len(results) == 1, ex.messages
    assert results[0]["data"] == {"text/plain": "Chart(3 points)", "text/html": "<div>chart</div>"}
    assert results[0]["metadata"] == {"text/html": {"isolated": True}}
    assert results[0]["execution_count"] == ex.reply["execution_count"]
    assert "Chart" not in ex.stdout(), "shown as a bundle, not printed as text"

    # The awaited value of a last `await` expression, too; the hook takes a Displayable as well.
    ex = kernel.run_ok(
        f"""
        const shown = {{ toMimeBundle: () => ({{ data: {{ 'text/plain': 'shown' }} }}) }};
        {HOOK}.display(shown);
        await Promise.resolve({{ toMimeBundle: () => ({{ data: {{ 'text/markdown': '**awaited**', 'text/plain': 'awaited' }} }}) }});
        """
    )
    assert [d["data"] for d in ex.of_type("display_data")] == [{"text/plain": "shown"}]
    assert [r["data"] for r in ex.of_type("execute_result")] == [{"text/markdown": "**awaited**", "text/plain": "awaited"}]

    # Any other value prints as tslab prints it.
    ex = kernel.run_ok("({ a: 1 })")
    assert ex.of_type("execute_result") == [] and "{ a: 1 }" in ex.stdout()


def test_the_package_imports_by_name_with_types(kernel: Kernel) -> None:
    """notebooks/ has no node_modules/stable-eureka: the kernel serves its own package there."""
    ex = kernel.run_ok(
        "import { loadConfig, KERNEL_HOOK } from 'stable-eureka';\n"
        "const loaded = loadConfig('../configs/cartpole.yml');\n"
        "console.log(loaded.config.rl.algo, typeof KERNEL_HOOK);"
    )
    assert ex.stdout() == "ppo symbol\n"
    # Typed: a wrong use is a compile error, not `any`.
    ex = kernel.run_error("import { loadConfig } from 'stable-eureka';\nconst n: number = loadConfig;")
    assert ex.reply["ename"] == "TSError" and "is not assignable to type 'number'" in ex.reply["evalue"]


# --- errors ----------------------------------------------------------------------------------


def test_thrown_error_has_ename_evalue_traceback(kernel: Kernel) -> None:
    ex = kernel.run_error("const x = 1;\nthrow new TypeError('boom');")
    reply = ex.reply
    assert reply["ename"] == "TypeError" and reply["evalue"] == "boom"
    assert reply["traceback"] and reply["traceback"][0] == "TypeError: boom"
    assert any(line.strip().startswith("at ") for line in reply["traceback"])
    errors = ex.of_type("error")
    assert len(errors) == 1
    assert errors[0] == {"ename": "TypeError", "evalue": "boom", "traceback": reply["traceback"]}
    # The error is the message, not stderr text as well.
    assert not [c for c in ex.of_type("stream") if c["name"] == "stderr"]

    ex = kernel.run_error("await Promise.reject(new RangeError('later', { cause: new Error('root cause') }));")
    assert (ex.reply["ename"], ex.reply["evalue"]) == ("RangeError", "later")
    assert "Caused by: Error: root cause" in ex.reply["traceback"]

    ex = kernel.run_error("throw 'a string';")
    assert ex.reply["evalue"] == "Uncaught 'a string'" and ex.reply["traceback"]


def test_type_error_has_ename_evalue_and_the_source_line(kernel: Kernel) -> None:
    ex = kernel.run_error("const n: number = 'text';")
    reply = ex.reply
    assert reply["ename"] == "TSError"
    assert "Type 'string' is not assignable to type 'number'" in reply["evalue"]
    assert reply["evalue"].startswith("1:7 - ")
    assert "   1 | const n: number = 'text';" in reply["traceback"]
    assert "     |       ^" in reply["traceback"]
    (error,) = ex.of_type("error")
    assert error["ename"] == "TSError" and error["evalue"] == reply["evalue"]


def test_stop_on_error_false_does_not_abort_the_next_cell(kernel: Kernel) -> None:
    # nbclient sends stop_on_error=False for cells allowed to fail and the next cell at once.
    failing = kernel.send("throw new Error('allowed to fail');", stop_on_error=False)
    following = kernel.send("console.log('ran');")
    kernel.collect(failing)
    kernel.collect(following)
    assert kernel.wait_reply(failing)["status"] == "error"
    assert failing.reply["ename"] == "Error" and failing.of_type("error")
    assert kernel.wait_reply(following)["status"] == "ok", following.reply
    assert following.stdout() == "ran\n"
    # With stop_on_error (the default), a cell queued behind a failing one is aborted.
    failing = kernel.send("throw new Error('stop here');")
    following = kernel.send("console.log('never');")
    kernel.wait_reply(failing)
    assert kernel.wait_reply(following)["status"] == "aborted"
    settle_after_error()


def test_busy_from_the_start_of_each_cell_to_its_end_never_idle_while_one_is_queued(kernel: Kernel) -> None:
    # Run All: three cells sent at once. A kernel runs them one after the other and is busy
    # from the start of each to its end, so the last status a front end sees while any of
    # them runs or waits is "busy".
    cells = [kernel.send(f"await new Promise((r) => setTimeout(r, 300)); console.log('cell {k}');") for k in range(3)]
    ids = [c.msg_id for c in cells]
    seen: list[tuple[str, int]] = []
    deadline = time.monotonic() + 30
    while len(seen) < 6:
        left = deadline - time.monotonic()
        assert left > 0, f"statuses so far: {seen}\n{kernel.log_tail()}"
        try:
            msg = kernel.kc.get_iopub_msg(timeout=left)
        except Exception:  # queue.Empty
            continue
        parent = msg["parent_header"].get("msg_id")
        if msg["msg_type"] == "status" and parent in ids:
            seen.append((msg["content"]["execution_state"], ids.index(parent)))
        elif parent in ids and msg["msg_type"] == "stream":
            # output of a cell comes between its busy and its idle
            assert seen and seen[-1] == ("busy", ids.index(parent)), (seen, msg["content"])
    assert seen == [("busy", 0), ("idle", 0), ("busy", 1), ("idle", 1), ("busy", 2), ("idle", 2)]
    for c in cells:
        assert kernel.wait_reply(c)["status"] == "ok"


# --- interrupts --------------------------------------------------------------------------------


def interrupt_cell(kernel: Kernel, code: str, marker: str, interrupt: Callable[[], None], *, wait: float = 30) -> tuple[Execution, float]:
    """Run `code`, interrupt it once it printed `marker`; returns the execution and seconds to the reply."""
    ex = kernel.send(code)
    kernel.collect(ex, timeout=wait, until=lambda kind, c: kind == "stream" and marker in c.get("text", ""))
    assert marker in ex.stdout(), f"the cell never printed {marker!r}: {ex.messages}\n{kernel.log_tail()}"
    started = time.monotonic()
    interrupt()
    kernel.collect(ex, timeout=10)
    kernel.wait_reply(ex, timeout=10)
    return ex, time.monotonic() - started


WAIT_FOR_ABORT = f"""
const signal = {HOOK}.cellSignal();
setTimeout(() => console.log('WAITING'), 20);
await new Promise((_, reject) => signal.addEventListener('abort', () => {{
  (globalThis as any).__abortReason = (signal.reason as Error).name;
  reject(signal.reason);
}}));
"""


def assert_interrupted(ex: Execution, seconds: float) -> None:
    assert seconds < 5, f"the interrupt took {seconds:.1f} s"
    assert ex.reply["status"] == "error", ex.reply
    assert ex.reply["ename"] == "Interrupted" and ex.reply["traceback"]
    assert [e["ename"] for e in ex.of_type("error")] == ["Interrupted"]


def test_interrupt_request_aborts_the_cell_signal(kernel: Kernel) -> None:
    assert kernel.km.kernel_spec.interrupt_mode == "message"  # type: ignore[union-attr]
    ex, seconds = interrupt_cell(kernel, WAIT_FOR_ABORT, "WAITING", kernel.km.interrupt_kernel)
    assert_interrupted(ex, seconds)
    settle_after_error()
    ex = kernel.run_ok("console.log((globalThis as any).__abortReason);")
    assert ex.stdout() == "AbortError\n"


def test_an_interrupted_stage_says_in_its_own_words_what_was_kept(kernel: Kernel) -> None:
    # A notebook stage (notebook/stage.ts) tells the hook what an interrupt leaves and how to
    # go on; the person reads that sentence, not the kernel's.
    said = "train(0): interrupted; what was done is kept, run the cell again to continue where it stopped"
    code = f"""
{HOOK}.onInterrupt({js(said)});
""" + WAIT_FOR_ABORT
    ex, seconds = interrupt_cell(kernel, code, "WAITING", kernel.km.interrupt_kernel)
    assert_interrupted(ex, seconds)
    assert ex.reply["evalue"] == said
    assert ex.of_type("error")[0]["traceback"] == [f"Interrupted: {said}"]
    settle_after_error()
    # a cell that said nothing gets a plain sentence, no jargon, and not the last cell's words
    ex, _ = interrupt_cell(kernel, WAIT_FOR_ABORT, "WAITING", kernel.km.interrupt_kernel)
    assert ex.reply["evalue"] == "The cell was stopped (kernel interrupt). Run it again to start it over."
    settle_after_error()


def test_interrupt_cancels_training(kernel: Kernel) -> None:
    """A real training job in the library's worker, started with the cell's signal: the
    interrupt ends the cell at once, the worker cancels the job and stays up."""
    code = f"""
    const lib = require({js(DIST_INDEX)});
    const fs = require('fs');
    const os = require('os');
    const path = require('path');
    const loaded = lib.loadConfig({js(REPO / 'configs' / 'cartpole.yml')});
    const worker = await lib.getWorker();
    (globalThis as any).__workerPid = worker.pid;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'se-kernel-test-'));
    (globalThis as any).__trainOut = out;
    const reward = fs.readFileSync({js(REPO / 'test' / 'fixtures' / 'rewards' / 'good.py')}, 'utf8');
    let said = false;
    const job = lib.trainReward(loaded, reward, {{
      outDir: out,
      timesteps: 5_000_000,
      signal: {HOOK}.cellSignal(),
      onProgress: () => {{ if (!said) {{ said = true; console.log('TRAINING'); }} }},
    }});
    (globalThis as any).__job = job.then((r: any) => r, (e: any) => ({{ status: 'rejected', error: String(e) }}));
    await job;
    console.log('FINISHED');
    """
    ex, seconds = interrupt_cell(kernel, code, "TRAINING", kernel.km.interrupt_kernel, wait=60)
    assert_interrupted(ex, seconds)
    assert "FINISHED" not in ex.stdout()
    settle_after_error()
    # The next cell runs; the train request ended as cancelled; the same worker is alive
    # with no job left.
    ex = kernel.run_ok(
        f"""
        const lib = require({js(DIST_INDEX)});
        const result = await (globalThis as any).__job;
        const worker = await lib.getWorker();
        const jobs = await worker.jobs();
        console.log(JSON.stringify({{ status: result.status, samePid: worker.pid === (globalThis as any).__workerPid, running: jobs.running.length, queued: jobs.queued.length }}));
        require('fs').rmSync((globalThis as any).__trainOut, {{ recursive: true, force: true }});
        """,
        timeout=30,
    )
    assert json.loads(ex.stdout()) == {"status": "cancelled", "samePid": True, "running": 0, "queued": 0}


def test_sigint_to_the_kernel_interrupts_and_the_kernel_lives(kernel: Kernel) -> None:
    def sigint() -> None:
        os.kill(kernel.pid, signal.SIGINT)

    # The cell adds a SIGINT listener in its synchronous part, as execa's signal-exit does when
    # a cell starts the Python worker. tslab runs that part with vm's breakOnSigint, after which
    # Node's exit-on-SIGINT handler was left installed: without the preload's repair this
    # SIGINT would kill the kernel without a word.
    code = "const noop = () => {}; process.on('SIGINT', noop); (globalThis as any).__noop = noop;\n" + WAIT_FOR_ABORT
    ex, seconds = interrupt_cell(kernel, code, "WAITING", sigint)
    assert_interrupted(ex, seconds)
    settle_after_error()
    ex = kernel.run_ok("process.off('SIGINT', (globalThis as any).__noop); console.log((globalThis as any).__abortReason);")
    assert ex.stdout() == "AbortError\n"

    # A busy synchronous loop: only a signal can stop it (vm's breakOnSigint in tslab).
    ex, seconds = interrupt_cell(kernel, "console.log('LOOPING');\nwhile (true) {}", "LOOPING", sigint)
    assert_interrupted(ex, seconds)
    settle_after_error()
    assert kernel.km.is_alive()
    assert kernel.run_ok("console.log('still here');").stdout() == "still here\n"

"""The protocol is defined once, in stable_eureka_worker/protocol.schema.json: the TypedDicts of
protocol_types/ must say the same (names, keys, optionality, value types), the server must
offer its methods, and what the worker's Server sends in a short session with real jobs (every
method, every event, success and failure) must validate against it. The TypeScript side is checked against the
same file by test/protocol.test.ts.

Run: PYTHONPATH=python <venv python> -m pytest -q python/tests/test_protocol_types.py
"""

from __future__ import annotations

import json
import queue
import typing
from pathlib import Path
from typing import Any, Callable, Iterator, Literal, Union

import jsonschema
import pytest
import typing_extensions

from stable_eureka_worker import PROTOCOL_VERSION, protocol_types
from stable_eureka_worker.jobs import LocalProcessExecutor
from stable_eureka_worker.server import Server

SCHEMA = protocol_types.load_schema()
DEFS: dict[str, Any] = SCHEMA["$defs"]

# --- the TypedDicts against the schema -----------------------------------------------------
#
# Both sides are brought to one form and compared: a set of alternatives, each a tuple.
# ("string",) ("integer",) ("number",) ("boolean",) ("null",) ("any",), ("const", type, value),
# ("array", items), ("object", ((key, required, value), ...), extra), where extra is "closed"
# (no other keys) or the form of every other key's value.

Form = frozenset

ANY: Form = frozenset({("any",)})
PRIMITIVES = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
ANNOTATIONS = {"description", "$comment", "default", "title", "minimum", "maximum", "exclusiveMinimum", "minLength", "pattern"}


def schema_form(node: Any) -> Form:
    """The form of a schema node ($refs followed; annotations and bounds ignored)."""
    if node is True or not (set(node) - ANNOTATIONS):
        return ANY
    if "$ref" in node:
        return schema_form(DEFS[node["$ref"].removeprefix("#/$defs/")])
    if "const" in node:
        return frozenset({const(node["const"])})
    if "enum" in node:
        return frozenset(const(v) for v in node["enum"])
    if "anyOf" in node:
        return frozenset().union(*(schema_form(alt) for alt in node["anyOf"]))
    kind = node["type"]
    if isinstance(kind, list):
        return frozenset().union(*(schema_form({**node, "type": k}) for k in kind))
    if kind == "array":
        return frozenset({("array", schema_form(node.get("items", {})))})
    if kind == "object":
        required = set(node.get("required", []))
        props = tuple(sorted((k, k in required, schema_form(v)) for k, v in node.get("properties", {}).items()))
        extra = node.get("additionalProperties", True)
        if props:
            assert extra is False, f"an object with properties must be closed (additionalProperties: false): {node}"
        return frozenset({("object", props, "closed" if extra is False else schema_form(extra))})
    return frozenset({(kind,)})


def const(value: Any) -> tuple[Any, ...]:
    return ("null",) if value is None else ("const", type(value).__name__, value)


def type_form(t: Any) -> Form:
    """The form of a Python annotation (TypedDicts structurally, aliases resolved)."""
    if t is Any:
        return ANY
    if t in PRIMITIVES:
        return frozenset({(PRIMITIVES[t],)})
    origin, args = typing.get_origin(t), typing.get_args(t)
    if origin is Literal:
        return frozenset(const(v) for v in args)
    if origin is Union or (origin is not None and origin.__name__ == "UnionType"):
        return frozenset().union(*(type_form(a) for a in args))
    if origin is list:
        return frozenset({("array", type_form(args[0]))})
    if origin is dict:
        assert args[0] is str, f"JSON object keys are strings: {t}"
        return frozenset({("object", (), type_form(args[1]))})
    if typing_extensions.is_typeddict(t):
        hints = typing_extensions.get_type_hints(t)
        props = tuple(sorted((k, k in t.__required_keys__, type_form(v)) for k, v in hints.items()))
        return frozenset({("object", props, "closed")})
    raise AssertionError(f"no JSON form for {t!r}")


def describe(form: Form) -> str:
    return json.dumps(sorted(map(str, form)))[:2000]


def differences(a: Form, b: Form, where: str) -> list[str]:
    """Where two forms differ, key by key, for a readable failure."""
    if a == b:
        return []
    objects_a = [x for x in a if x[0] == "object"]
    objects_b = [x for x in b if x[0] == "object"]
    if len(objects_a) == len(objects_b) == 1 and a - {objects_a[0]} == b - {objects_b[0]}:
        (_, props_a, extra_a), (_, props_b, extra_b) = objects_a[0], objects_b[0]
        pa, pb = {k: (r, f) for k, r, f in props_a}, {k: (r, f) for k, r, f in props_b}
        out = [f"{where}: only in Python: {k}" for k in pa.keys() - pb.keys()]
        out += [f"{where}: only in the schema: {k}" for k in pb.keys() - pa.keys()]
        for k in pa.keys() & pb.keys():
            if pa[k][0] != pb[k][0]:
                out.append(f"{where}.{k}: required in {'Python' if pa[k][0] else 'the schema'} only")
            out += differences(pa[k][1], pb[k][1], f"{where}.{k}")
        if extra_a != extra_b:
            out.append(f"{where}: other keys differ")
        return out
    return [f"{where}: Python {describe(a - b)} vs schema {describe(b - a)}"]


@pytest.mark.parametrize("name", sorted(DEFS))
def test_each_schema_def_is_a_python_type_of_the_same_shape(name: str) -> None:
    assert hasattr(protocol_types, name), f"protocol_types has no {name} (the schema's $defs.{name})"
    assert differences(type_form(getattr(protocol_types, name)), schema_form(DEFS[name]), name) == []


def test_every_typeddict_is_in_the_schema() -> None:
    typed = {n for n, v in vars(protocol_types).items() if typing_extensions.is_typeddict(v) and v.__module__.startswith(protocol_types.__name__ + ".")}
    # the tasks' parts of two results, before the job's process and the executor add status and output
    assert typed - set(DEFS) == {"TrainFields", "EvaluateFields"}
    assert protocol_types.TrainSuccess.__required_keys__ == protocol_types.TrainFields.__required_keys__ | {"status", "output"}
    assert protocol_types.EvaluateSuccess.__required_keys__ == protocol_types.EvaluateFields.__required_keys__ | {"status", "output"}


def test_methods_and_events_are_the_schemas() -> None:
    methods = SCHEMA["x-methods"]
    assert list(protocol_types.METHODS) == list(methods)
    assert set(Server(LocalProcessExecutor(1)).methods) == set(methods)
    assert set(typing.get_args(protocol_types.MethodName)) == set(methods)
    for name, (params, result, events) in protocol_types.METHODS.items():
        assert differences(type_form(params), schema_form(methods[name]["params"]), f"{name}.params") == []
        assert differences(type_form(result), schema_form(methods[name]["result"]), f"{name}.result") == []
        assert list(events) == methods[name]["events"], name
    events = SCHEMA["x-events"]
    assert list(protocol_types.EVENTS) == list(events) == list(typing.get_args(protocol_types.EventName))
    for name, data in protocol_types.EVENTS.items():
        assert differences(type_form(data), schema_form(events[name]), f"event {name}") == []
    assert DEFS["Hello"]["properties"]["protocol"]["const"] == PROTOCOL_VERSION


def test_the_comparison_sees_a_difference() -> None:
    """A key more, a key optional, a type changed: each is reported."""

    class Changed(protocol_types.CancelResult):
        extra: int

    assert differences(type_form(Changed), schema_form(DEFS["CancelResult"]), "CancelResult") == ["CancelResult: only in Python: extra"]
    loose = {**DEFS["CallSite"], "required": [k for k in DEFS["CallSite"]["required"] if k != "line"]}
    assert differences(type_form(protocol_types.CallSite), schema_form(loose), "CallSite") == ["CallSite.line: required in Python only"]
    retyped = {**DEFS["Stats"], "properties": {**DEFS["Stats"]["properties"], "mean": {"type": "integer"}}}
    assert differences(type_form(protocol_types.Stats), schema_form(retyped), "Stats")[0].startswith("Stats.mean: Python")


# --- a real session validates --------------------------------------------------------------

VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def problems(value: Any, node: Any) -> list[str]:
    """Why `value` does not validate against `node` (a schema node of SCHEMA)."""
    validator = VALIDATOR.evolve(schema={**node, "$defs": DEFS})
    return [p for error in validator.iter_errors(value) for p in explain(error)]


def explain(error: jsonschema.ValidationError) -> list[str]:
    """An anyOf's error is that of its alternative that came closest (the fewest errors)."""
    if error.validator == "anyOf" and error.context:
        alternatives: dict[Any, list[jsonschema.ValidationError]] = {}
        for e in error.context:
            alternatives.setdefault(e.relative_schema_path[0], []).append(e)
        return [p for e in min(alternatives.values(), key=len) for p in explain(e)]
    return [f"{'.'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"[:500]]


class Session:
    """The worker's Server in this process, with real jobs (max_jobs 1, so that a second job
    queues), writing its lines here: every message both ways is kept."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []
        self._replies: queue.Queue[dict[str, Any]] = queue.Queue()
        self.executor = LocalProcessExecutor(1)
        self.server = Server(self.executor, out=self)
        self.server.hello()

    def write(self, line: str) -> None:
        """The server's stdout."""
        msg = json.loads(line)
        self.received.append(msg)
        if msg["type"] == "reply":
            self._replies.put(msg)

    def flush(self) -> None:
        pass

    def send(self, method: str, params: dict[str, Any]) -> str:
        msg = {"type": "request", "id": f"{method}#{len(self.sent)}", "method": method, "params": params}
        self.sent.append(msg)
        self.server.handle(json.loads(json.dumps(msg)))
        return msg["id"]

    def wait(self, *ids: str, timeout: float = 120.0) -> dict[str, dict[str, Any]]:
        """The replies to `ids`, by id."""
        replies: dict[str, dict[str, Any]] = {}
        while len(replies) < len(ids):
            msg = self._replies.get(timeout=timeout)
            if msg["id"] in ids:
                replies[msg["id"]] = msg
        return replies

    def call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        req_id = self.send(method, params)
        return self.wait(req_id)[req_id]


@pytest.fixture(scope="module")
def session(cartpole_dir: Path, reward_fixture: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """ping, jobs, cancel, describe_env, check_reward (passing, failing statically, failing in
    its smoke run, one queued behind another), an env error, train CartPole for 256 steps,
    evaluate, render_gif, a missing model, shutdown."""
    tmp = tmp_path_factory.mktemp("protocol")
    env = {"env_dir": str(cartpole_dir), "class_name": None, "kwargs": {}, "max_episode_steps": 200}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SDL_VIDEODRIVER", "dummy")  # as the worker's main() sets it (render_gif)
        s = Session()
        try:
            s.call("ping", {})
            s.call("jobs", {})
            s.call("cancel", {"id": "nothing-runs"})
            s.call("describe_env", {"env": env})
            s.call("describe_env", {"env": {"env_dir": str(tmp / "no-such-env")}})
            good = s.send("check_reward", {"env": env, "code": reward_fixture("good"), "smoke": {"steps": 300, "seed": 0}})
            smoke_fails = s.send("check_reward", {"env": env, "code": reward_fixture("nan_reward"), "smoke": {"steps": 300}})
            s.wait(good, smoke_fails)
            s.call("check_reward", {"env": env, "code": reward_fixture("syntax_error"), "smoke": False})
            rl = {
                "algo": "ppo",
                "algo_params": {"policy": "MlpPolicy", "n_steps": 32, "batch_size": 64, "n_epochs": 1},
                "architecture": {"net_arch": [16], "activation_fn": "Tanh", "share_features_extractor": None},
                "training": {"total_timesteps": 256, "num_envs": 8, "seed": 0, "device": "cpu", "torch_compile": True, "eval": {"num_evals": 1, "num_episodes": 1, "seed": 0}},
            }  # fmt: skip
            train = s.call("train", {"env": env, "code": reward_fixture("good"), "rl": rl, "out_dir": str(tmp / "train"), "progress_interval_s": 0.1})
            model = train["result"]["best_model"]
            s.call("evaluate", {"env": env, "code": reward_fixture("good"), "model": model, "algo": "ppo", "episodes": 2, "seed": 3})
            gif = {"path": str(tmp / "policy.gif"), "max_frames": 10}
            s.call("render_gif", {"env": env, "code": reward_fixture("good"), "model": model, "algo": "ppo", "gif": gif})
            s.call("evaluate", {"env": env, "code": reward_fixture("good"), "model": str(tmp / "missing.zip"), "algo": "ppo"})
            s.call("shutdown", {})
            yield s
        finally:
            s.executor.shutdown()


def test_the_session_covers_every_method_event_and_outcome(session: Session) -> None:
    assert {m["method"] for m in session.sent} == set(SCHEMA["x-methods"])
    assert {m["event"] for m in session.received if m["type"] == "event"} == set(SCHEMA["x-events"])
    results = [m.get("result") or {} for m in session.received if m["type"] == "reply"]
    assert {r.get("status") for r in results} >= {"succeeded", "failed"}
    assert any("failure" in r and "output" in r and "passed" in r for r in results), "a check_reward whose smoke run failed"
    assert any(m["type"] == "reply" and not m["ok"] for m in session.received), "an error reply"


def test_every_message_of_the_session_validates(session: Session) -> None:
    methods = {m["id"]: m["method"] for m in session.sent}
    errors: list[str] = []
    for msg in session.sent:
        errors += [f"request {msg['id']}: {p}" for p in problems(msg, {"$ref": "#/$defs/WorkerRequest"})]
        errors += [f"{msg['id']} params: {p}" for p in problems(msg["params"], SCHEMA["x-methods"][msg["method"]]["params"])]
    assert session.received[0]["type"] == "hello"
    for msg in session.received:
        errors += [f"{msg['type']} {msg.get('id')}: {p}" for p in problems(msg, {"$ref": "#/$defs/Incoming"})]
        if msg["type"] == "reply" and msg["ok"]:
            node = SCHEMA["x-methods"][methods[msg["id"]]]["result"]
            errors += [f"{msg['id']} result: {p}" for p in problems(msg["result"], node)]
        elif msg["type"] == "event":
            spec = SCHEMA["x-methods"][methods[msg["id"]]]
            if msg["event"] not in spec["events"]:
                errors.append(f"{msg['id']}: {methods[msg['id']]} does not send {msg['event']} events")
            errors += [f"{msg['id']} {msg['event']} event: {p}" for p in problems(msg["data"], SCHEMA["x-events"][msg["event"]])]
    assert errors == []


def test_validation_sees_a_key_too_many(session: Session) -> None:
    reply = next(m for m in session.received if m["type"] == "reply" and m["ok"] and "bye" in m["result"])
    assert problems({**reply["result"], "extra": 1}, SCHEMA["x-methods"]["shutdown"]["result"]) != []

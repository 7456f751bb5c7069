/**
 * The protocol is defined once, in python/stable_eureka_worker/protocol.schema.json. Here:
 * src/worker/protocol/ says the same (every $def is a type of the same name there, and the
 * compiler finds the two identical: keys, optionality, value types), and a real session (every
 * method and event, success and failure, train and evaluate from a parsed config) sends and
 * receives only what the schema allows. python/tests/test_protocol_types.py checks the Python
 * side against the same file.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig, RlSchema, validateConfig, type LoadedConfig } from '../src/config/index';
import { envRefFromConfig } from '../src/envs';
import { checkReward, evaluatePolicy, rlSection, trainReward } from '../src/training';
import { PythonWorker, WorkerRequestError } from '../src/worker/client';
import { PROTOCOL_VERSION, type Incoming, type WorkerRequest } from '../src/worker/protocol/index';
import { configsDir, repoRoot, reward, tempDir } from './helpers';

type Node = Record<string, unknown>;
interface Schema {
  $defs: Record<string, Node>;
  'x-methods': Record<string, { params: Node; result: Node; events: string[] }>;
  'x-events': Record<string, Node>;
}

const SCHEMA_FILE = path.join(repoRoot, 'python', 'stable_eureka_worker', 'protocol.schema.json');
const PROTOCOL_FILE = path.join(repoRoot, 'src', 'worker', 'protocol', 'index.ts');
const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as Schema;

/** Types of worker/protocol with no $def: the maps of the schema's x-methods and x-events, and a helper. */
const TS_ONLY = ['Methods', 'Events', 'EventArgs'];

// --- the types against the schema -------------------------------------------------------------

const refName = (ref: string) => ref.replace('#/$defs/', '');

/** A schema node as TypeScript type text (the S_ prefix names the schema's own types). */
function tsType(node: Node | boolean): string {
  if (node === true || Object.keys(node).every((k) => ['description', '$comment', 'default', 'title'].includes(k))) return 'unknown';
  if (node === false) return 'never';
  if (typeof node.$ref === 'string') return `S_${refName(node.$ref)}`;
  if ('const' in node) return JSON.stringify(node.const);
  if (Array.isArray(node.enum)) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(node.anyOf)) return `(${(node.anyOf as Node[]).map(tsType).join(' | ')})`;
  if (Array.isArray(node.type)) return `(${node.type.map((t) => tsType({ ...node, type: t })).join(' | ')})`;
  switch (node.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${tsType((node.items as Node | undefined) ?? {})}>`;
    case 'object': {
      const props = Object.entries((node.properties ?? {}) as Record<string, Node>);
      const extra = (node.additionalProperties ?? true) as Node | boolean;
      if (props.length === 0) return extra === false ? 'Record<string, never>' : `Record<string, ${tsType(extra)}>`;
      if (extra !== false) throw new Error(`an object with properties must be closed (additionalProperties: false): ${JSON.stringify(node)}`);
      const required = new Set((node.required ?? []) as string[]);
      return `{ ${props.map(([k, v]) => `${k}${required.has(k) ? '' : '?'}: ${tsType(v)};`).join(' ')} }`;
    }
  }
  throw new Error(`no TypeScript type for ${JSON.stringify(node)}`);
}

/**
 * A file that declares the schema's types and, for each, asks the compiler whether worker/protocol's
 * type of the same name is identical to it (and assignable both ways, for a readable message).
 */
function probeSource(): { text: string; owner: (line: number) => string } {
  const lines = [
    `import type * as P from './src/worker/protocol/index';`,
    `type Identical<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;`,
  ];
  const owners: string[] = ['', ''];
  const add = (owner: string, ...text: string[]) => {
    lines.push(...text);
    owners.push(...text.map(() => owner));
  };
  for (const [name, node] of Object.entries(schema.$defs)) add(name, `type S_${name} = ${tsType(node)};`);
  const methods = Object.entries(schema['x-methods']).map(
    ([m, spec]) => `${m}: { params: ${tsType(spec.params)}; result: ${tsType(spec.result)}; events: ${spec.events.map((e) => JSON.stringify(e)).join(' | ') || 'never'} };`,
  );
  add('Methods (x-methods)', `type S_Methods = { ${methods.join(' ')} };`);
  const events = Object.entries(schema['x-events']).map(([e, node]) => `${e}: ${tsType(node)};`);
  add('Events (x-events)', `type S_Events = { ${events.join(' ')} };`);
  for (const name of [...Object.keys(schema.$defs), 'Methods', 'Events']) {
    const owner = name === 'Methods' ? 'Methods (x-methods)' : name === 'Events' ? 'Events (x-events)' : name;
    add(
      owner,
      `declare const from_schema_${name}: S_${name}; export const to_ts_${name}: P.${name} = from_schema_${name};`,
      `declare const from_ts_${name}: P.${name}; export const to_schema_${name}: S_${name} = from_ts_${name};`,
      `export const identical_${name}: Identical<P.${name}, S_${name}> = true;`,
      // an optional key on one side only keeps both assignable: these name it
      `export const keys_only_in_schema_${name}: [Exclude<keyof S_${name}, keyof P.${name}>] extends [never] ? true : Exclude<keyof S_${name}, keyof P.${name}> = true;`,
      `export const keys_only_in_ts_${name}: [Exclude<keyof P.${name}, keyof S_${name}>] extends [never] ? true : Exclude<keyof P.${name}, keyof S_${name}> = true;`,
    );
  }
  return { text: lines.join('\n') + '\n', owner: (line) => owners[line] ?? '?' };
}

/** Compile the probe with worker/protocol (nothing written to disk): its errors, and protocol/index.ts's exported type names. */
function compileProbe(): { errors: string[]; exported: string[] } {
  const probe = probeSource();
  const probeFile = path.join(repoRoot, '__protocol_probe__.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    types: [],
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (file, language, ...rest) =>
    path.resolve(file) === probeFile ? ts.createSourceFile(file, probe.text, language) : getSourceFile.call(host, file, language, ...rest);
  host.fileExists = (file) => path.resolve(file) === probeFile || fileExists.call(host, file);
  host.readFile = (file) => (path.resolve(file) === probeFile ? probe.text : readFile.call(host, file));
  const program = ts.createProgram([probeFile], options, host);
  const errors = ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return path.resolve(d.file.fileName) === probeFile ? `${probe.owner(line)}: ${message}` : `${d.file.fileName}:${line + 1}: ${message}`;
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(PROTOCOL_FILE)!)!;
  const exported = checker
    .getExportsOfModule(module)
    .filter((s) => s.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias))
    .map((s) => s.name);
  return { errors, exported };
}

describe('worker/protocol against the schema', () => {
  const compiled = compileProbe();

  it('has a type of the same name for every $def, and no type the schema lacks', () => {
    expect(Object.keys(schema.$defs).filter((name) => !compiled.exported.includes(name))).toEqual([]);
    expect(compiled.exported.filter((name) => !(name in schema.$defs) && !TS_ONLY.includes(name))).toEqual([]);
  });

  it('has types identical to the schema: keys, optionality and value types, the methods and the events', () => {
    expect(compiled.errors).toEqual([]);
  });

  it('the comparison sees a key more, an optional key and a changed type', () => {
    const defs = schema.$defs;
    const saved = { CancelResult: defs.CancelResult!, CallSite: defs.CallSite!, Stats: defs.Stats! };
    try {
      const props = (n: Node) => n.properties as Record<string, Node>;
      defs.CancelResult = { ...saved.CancelResult, properties: { ...props(saved.CancelResult), extra: { type: 'integer' } } };
      defs.CallSite = { ...saved.CallSite, required: (saved.CallSite.required as string[]).filter((k) => k !== 'line') };
      defs.Stats = { ...saved.Stats, properties: { ...props(saved.Stats), mean: { type: 'string' } } };
      const errors = compileProbe().errors.join('\n');
      for (const name of ['CancelResult', 'CallSite', 'Stats']) expect(errors).toMatch(new RegExp(`^${name}: `, 'm'));
      expect(errors).toContain(`CancelResult: Type 'true' is not assignable to type '"extra"'`);
    } finally {
      Object.assign(defs, saved);
    }
  });

  it('says the protocol version the worker greets with', () => {
    expect(schema.$defs.Hello!.properties).toMatchObject({ protocol: { const: PROTOCOL_VERSION } });
  });
});

// --- a real session validates ------------------------------------------------------------------

const validators = new Map<string, z.ZodType>();
/** Why `value` does not validate against `node` (a node of the schema, usually a $ref). */
function problems(value: unknown, node: Node): string[] {
  const key = JSON.stringify(node);
  let validator = validators.get(key);
  if (!validator) {
    validator = z.fromJSONSchema({ $schema: 'https://json-schema.org/draft/2020-12/schema', $defs: schema.$defs, ...node } as never);
    validators.set(key, validator);
  }
  const result = validator.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || '<root>'}: ${i.message}`);
}

/**
 * The keys of a schema node at every level: each object alternative's properties ($refs and
 * anyOf followed), with what is under each. Works on the zod-made schema of the config too.
 */
function keyTree(node: Node, defs: Record<string, Node>): Record<string, unknown> {
  const resolve = (n: Node): Node[] => {
    if (typeof n.$ref === 'string') return resolve(defs[refName(n.$ref)]!);
    return Array.isArray(n.anyOf) ? (n.anyOf as Node[]).flatMap(resolve) : [n];
  };
  const tree: Record<string, unknown> = {};
  for (const alternative of resolve(node)) {
    for (const [key, sub] of Object.entries((alternative.properties ?? {}) as Record<string, Node>)) {
      tree[key] = { ...(tree[key] as object | undefined), ...keyTree(sub, defs) };
    }
  }
  return tree;
}

describe('a real session against the schema', () => {
  const trace: ['sent' | 'received', WorkerRequest | Incoming][] = [];
  let worker: PythonWorker;
  let loaded: LoadedConfig;

  beforeAll(async () => {
    // max_jobs 1: the second of two checks sent together is queued.
    worker = await PythonWorker.start({ maxJobs: 1, onMessage: (direction, msg) => trace.push([direction, msg]) });
    const base = loadConfig(path.join(configsDir, 'cartpole.yml'), { cwd: repoRoot });
    const config = structuredClone(base.config);
    config.rl.training = { ...config.rl.training, total_timesteps: 256, torch_compile: true, device: 'cpu', eval: { seed: 0, num_episodes: 1, num_evals: 1 } };
    config.rl.evaluation.num_episodes = 2;
    config.environment.max_episode_steps = 200;
    loaded = { ...base, config: validateConfig(config, 'the protocol test') };

    const out = tempDir('se-protocol-');
    const env = envRefFromConfig(loaded);
    await worker.request('ping', {});
    await worker.jobs();
    await worker.cancel('nothing-runs');
    await worker.describeEnv(env);
    await expect(worker.describeEnv({ env_dir: path.join(out, 'no-such-env') })).rejects.toThrow(WorkerRequestError);
    await Promise.all([
      checkReward(env, reward('good'), { worker, smokeSteps: 300 }),
      checkReward(env, reward('nan_reward'), { worker, smokeSteps: 300 }),
    ]);
    await checkReward(env, reward('syntax_error'), { worker, smokeSteps: false });
    const trained = await trainReward(loaded, reward('good'), { worker, outDir: path.join(out, 'train') });
    if (trained.status !== 'succeeded') throw new Error(`training failed: ${JSON.stringify(trained)}`);
    await evaluatePolicy(loaded, reward('good'), { worker, model: trained.best_model });
    await worker.renderGif({ env, code: reward('good'), model: trained.best_model, algo: 'ppo', gif: { path: path.join(out, 'policy.gif'), max_frames: 10 } });
    await evaluatePolicy(loaded, reward('good'), { worker, model: path.join(out, 'missing.zip') });
    await worker.shutdown();
  });

  afterAll(async () => {
    await worker?.shutdown();
  });

  const sent = () => trace.filter(([d]) => d === 'sent').map(([, m]) => m as WorkerRequest);
  const received = () => trace.filter(([d]) => d === 'received').map(([, m]) => m as Incoming);

  it('covers every method, every event, success, failure and an error reply', () => {
    expect(new Set(sent().map((m) => m.method))).toEqual(new Set(Object.keys(schema['x-methods'])));
    const events = received().flatMap((m) => (m.type === 'event' ? [m.event] : []));
    expect(new Set(events)).toEqual(new Set(Object.keys(schema['x-events'])));
    const results = received().flatMap((m) => (m.type === 'reply' && m.ok ? [m.result as Node] : []));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([undefined, 'succeeded', 'failed']));
    expect(results.some((r) => 'passed' in r && 'failure' in r && 'output' in r)).toBe(true); // a smoke run that failed
    expect(received().some((m) => m.type === 'reply' && !m.ok)).toBe(true);
  });

  it('sends requests whose params are the schema\'s, config.rl included', () => {
    const errors = sent().flatMap((m) => [
      ...problems(m, { $ref: '#/$defs/WorkerRequest' }).map((p) => `request ${m.id}: ${p}`),
      ...problems(m.params, schema['x-methods'][m.method]!.params).map((p) => `${m.id} params: ${p}`),
    ]);
    expect(errors).toEqual([]);
  });

  it('receives a hello, replies and events that are the schema\'s', () => {
    const methods = new Map(sent().map((m) => [m.id, m.method]));
    expect(received()[0]!.type).toBe('hello');
    const errors = received().flatMap((m) => {
      const out = problems(m, { $ref: '#/$defs/Incoming' }).map((p) => `${m.type}: ${p}`);
      if (m.type === 'reply' && m.ok) {
        out.push(...problems(m.result, schema['x-methods'][methods.get(m.id!)!]!.result).map((p) => `${m.id} result: ${p}`));
      } else if (m.type === 'event') {
        const spec = schema['x-methods'][methods.get(m.id)!]!;
        if (!spec.events.includes(m.event)) out.push(`${m.id}: ${methods.get(m.id)} does not send ${m.event} events`);
        out.push(...problems(m.data, schema['x-events'][m.event]!).map((p) => `${m.id} ${m.event} event: ${p}`));
      }
      return out;
    });
    expect(errors).toEqual([]);
  });

  it('has the keys of the config\'s rl section (RlSchema) in RlSection, at every level', () => {
    // algo_params is free-form (SB3's keyword arguments) on the wire; the config names only policy.
    const config = { ...keyTree(z.toJSONSchema(RlSchema, { io: 'input', unrepresentable: 'any' }) as Node, {}), algo_params: {} };
    expect(keyTree({ $ref: '#/$defs/RlSection' }, schema.$defs)).toEqual(config);
    expect(Object.keys(rlSection(loaded)).sort()).toEqual(Object.keys(config).sort()); // config.rl is what is sent
  });

  it('the validation sees a key too many', () => {
    expect(problems({ bye: true, extra: 1 }, schema['x-methods'].shutdown!.result)).not.toEqual([]);
  });
});

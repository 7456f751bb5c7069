import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  applyOverrides,
  ConfigError,
  loadConfig,
  parseConfig,
  resolveEnvDir,
  validateConfig,
  type Config,
} from '../src/config/index';

const FIXTURES = path.join(__dirname, 'fixtures', 'configs');
const fixture = (name: string) => path.join(FIXTURES, name);

const tempDirs: string[] = [];
afterEach(() => {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp folder with the given files (path -> content); returns its absolute path. */
function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'se-config-'));
  tempDirs.push(root);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

/** A cwd holding envs/<name>/env_code/env.py for every env the fixtures use. */
const envCwd = () =>
  tempTree({
    'envs/mountain_car_continuous/env_code/env.py': '# env\n',
    'envs/minimal_env/env_code/env.py': '# env\n',
  });

/** Runs fn, expects a ConfigError, returns it. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError, got none');
}

const MINIMAL = `
eureka: {backend: ollama, model: llama3}
environment: {name: foo, class_name: FooEnv}
experiment: {name: exp}
rl: {algo: ppo, training: {total_timesteps: 1000}}
`;

describe('loadConfig: valid files', () => {
  it('loads a stable-eureka config unchanged, every key with its value', () => {
    const cwd = envCwd();
    const loaded = loadConfig(fixture('stable-eureka-full.yml'), { cwd });
    expect(loaded.file).toBe(fixture('stable-eureka-full.yml'));
    expect(loaded.envDir).toBe(path.join(cwd, 'envs', 'mountain_car_continuous'));
    const c = loaded.config;
    expect(c.rl.training.total_timesteps).toBe(1000000);
    expect(c.eureka).toEqual({
      backend: 'ollama',
      model: 'llama3',
      temperature: 1.0,
      iterations: 5,
      samples: 8,
      sleep_time_per_iteration: 5,
      use_initial_reward_prompt: false,
      pretraining_with_best_model: false,
      // our additions, at their defaults
      host: null,
      timeout_s: 300,
      max_retries: 3,
      check_retries: 2,
      headers: {},
      api_key_env: null,
      concurrency: 4,
      selection: 'halving',
      halving: { eta: 4, min_fraction: 0.25 },
    });
    expect(c.environment).toEqual({
      name: 'mountain_car_continuous',
      max_episode_steps: 999,
      class_name: 'Continuous_MountainCarEnv',
      kwargs: {},
      benchmark: 'MountainCarContinuous-v0',
      env_dir: null,
    });
    expect(c.experiment).toEqual({
      parent: 'experiments',
      name: 'mountain_car_continuous_llama3',
      use_datetime: true,
      sparse_baseline: null,
      human_baseline: null,
    });
    expect(c.rl.algo).toBe('ppo');
    expect(c.rl.algo_params).toEqual({
      policy: 'MlpPolicy',
      learning_rate: 0.0003,
      n_steps: 2048,
      batch_size: 128,
      n_epochs: 10,
      gamma: 0.999,
      gae_lambda: 0.95,
      clip_range: 0.2,
      ent_coef: 0.0,
      vf_coef: 0.5,
      max_grad_norm: 0.5,
    });
    expect(c.rl.architecture).toEqual({
      net_arch: { pi: [64, 64], vf: [64, 64] },
      activation_fn: 'ReLU',
      share_features_extractor: false,
    });
    expect(c.rl.training).toEqual({
      torch_compile: true,
      seed: 0,
      eval: { seed: 5, num_episodes: 2, num_evals: 10 },
      total_timesteps: 1000000,
      device: 'cuda',
      num_envs: 4,
      state_stack: 1,
      is_atari: false,
      multithreaded: false,
      limits: { wall_s: 3600, memory_mb: 4096 },
      max_parallel: null,
    });
    expect(c.rl.evaluation).toEqual({ seed: 10, num_episodes: 10, save_gif: true });
  });

  it('fills every default on a minimal config', () => {
    const { config: c } = loadConfig(fixture('minimal.yml'), { cwd: envCwd() });
    expect(c).toEqual({
      eureka: {
        backend: 'openai',
        model: 'gpt-4o',
        temperature: 1.0,
        iterations: 5,
        samples: 8,
        sleep_time_per_iteration: 0,
        use_initial_reward_prompt: false,
        pretraining_with_best_model: false,
        host: null,
        timeout_s: 300,
        max_retries: 3,
        check_retries: 2,
        headers: {},
        api_key_env: null,
        concurrency: 4,
        selection: 'halving',
        halving: { eta: 4, min_fraction: 0.25 },
      },
      environment: {
        name: 'minimal_env',
        max_episode_steps: null,
        class_name: 'MinimalEnv',
        kwargs: {},
        benchmark: null,
        env_dir: null,
      },
      experiment: { parent: 'experiments', name: 'minimal', use_datetime: true, sparse_baseline: null, human_baseline: null },
      rl: {
        algo: 'sac',
        algo_params: { policy: 'MlpPolicy' },
        architecture: null,
        training: {
          torch_compile: false,
          seed: 0,
          eval: { seed: 0, num_episodes: 5, num_evals: 10 },
          total_timesteps: 50000,
          device: 'auto',
          num_envs: 1,
          state_stack: 1,
          is_atari: false,
          multithreaded: false,
          limits: { wall_s: 3600, memory_mb: 4096 },
          max_parallel: null,
        },
        evaluation: { seed: 0, num_episodes: 10, save_gif: true },
      },
      compute: { executor: 'local', ray: { address: 'auto', num_cpus: 1, num_gpus: 0 } },
    } satisfies Config);
  });

  it('reads our additions, and YAML 1.1 the way PyYAML does', () => {
    const root = tempTree({ 'somewhere/else/env.py': '# env\n' });
    const file = path.join(root, 'configs', 'with-additions.yml');
    mkdirSync(path.dirname(file));
    writeFileSync(file, readFixture('with-additions.yml'));
    const loaded = loadConfig(file, { cwd: root });
    const c = loaded.config;
    expect(loaded.envDir).toBe(path.join(root, 'somewhere', 'else'));
    expect(c.eureka).toMatchObject({
      backend: 'local',
      host: 'http://127.0.0.1:11434',
      timeout_s: 120,
      max_retries: 1,
      check_retries: 0,
      concurrency: 2,
    });
    expect(c.environment.kwargs).toEqual({ y: 1, continuous: true });
    expect(c.experiment).toMatchObject({ sparse_baseline: -200, human_baseline: 90.5 });
    expect(c.rl.architecture).toEqual({ net_arch: [400, 300], activation_fn: null, share_features_extractor: null });
    expect(c.rl.training).toMatchObject({ total_timesteps: 2000, max_parallel: 3, limits: { wall_s: 600, memory_mb: 2048 } });
  });

  it('keeps algo_params and kwargs free-form but still type-checks the fixed keys around them', () => {
    const text = MINIMAL.replace(
      'rl: {algo: ppo,',
      'rl: {algo: ppo, algo_params: {policy: CnnPolicy, whatever_sb3_takes: [1, 2]},',
    ).replace('class_name: FooEnv}', 'class_name: FooEnv, kwargs: {render_mode: rgb_array, hardcore: true}}');
    const c = validateConfig(parseYamlForTest(text), 'x.yml');
    expect(c.rl.algo_params).toEqual({ policy: 'CnnPolicy', whatever_sb3_takes: [1, 2] });
    expect(c.environment.kwargs).toEqual({ render_mode: 'rgb_array', hardcore: true });
  });
});

describe('loadConfig: errors', () => {
  it('reports malformed YAML with file, line and column', () => {
    const e = configError(() => loadConfig(fixture('bad-yaml.yml'), { cwd: envCwd() }));
    expect(e.file).toBe(fixture('bad-yaml.yml'));
    expect(e.keyPath).toBe('');
    expect(e.line).toBe(7);
    expect(e.col).toBe(1);
    expect(e.message).toMatch(new RegExp(`^${escape(fixture('bad-yaml.yml'))}: line 7, column 1: invalid YAML: `));
    expect(e.hint).toMatch(/^Fix the YAML syntax/);
  });

  it('names a missing file', () => {
    const e = configError(() => loadConfig('configs/nope.yml', { cwd: FIXTURES }));
    expect(e.message).toBe(
      `configs/nope.yml: file not found. Check the path (resolved to ${path.join(FIXTURES, 'configs', 'nope.yml')}).`,
    );
  });

  it("flags an unknown key and suggests the closest one (rl.trainig -> 'training')", () => {
    const e = configError(() => loadConfig(fixture('unknown-key.yml')));
    expect(e.keyPath).toBe('rl.trainig');
    expect(e.hint).toBe("Did you mean 'training'?");
    // the typo explains the missing rl.training, so that is not reported separately
    expect(e.issues).toHaveLength(1);
    expect(e.message).toBe(`${fixture('unknown-key.yml')}: rl.trainig: unknown key 'trainig'. Did you mean 'training'?`);
  });

  it('flags an unknown nested key (rl.training.eval.num_episode)', () => {
    const e = configError(() => loadConfig(fixture('unknown-nested-key.yml')));
    expect(e.keyPath).toBe('rl.training.eval.num_episode');
    expect(e.message).toBe(
      `${fixture('unknown-nested-key.yml')}: rl.training.eval.num_episode: unknown key 'num_episode'. Did you mean 'num_episodes'?`,
    );
  });

  it('lists the known keys when no key is close', () => {
    const e = configError(() => validateConfig(parseYamlForTest(MINIMAL.replace('name: exp}', 'name: exp, colour: red}')), 'c.yml'));
    expect(e.message).toBe(
      "c.yml: experiment.colour: unknown key 'colour'. Remove it; known keys under experiment are parent, name, use_datetime, sparse_baseline, human_baseline.",
    );
  });

  it('names the expected type on a wrong type (eureka.samples: eight)', () => {
    const e = configError(() => loadConfig(fixture('wrong-type.yml')));
    expect(e.keyPath).toBe('eureka.samples');
    expect(e.message).toBe(
      `${fixture('wrong-type.yml')}: eureka.samples: 'eight' is a string, not a positive integer. Set eureka.samples to a positive integer.`,
    );
  });

  it('lists the allowed values on a bad enum (rl.algo: ppo2)', () => {
    const e = configError(() => loadConfig(fixture('bad-enum.yml')));
    expect(e.keyPath).toBe('rl.algo');
    expect(e.hint).toBe('Set rl.algo to one of them.');
    expect(e.message).toBe(
      `${fixture('bad-enum.yml')}: rl.algo: 'ppo2' is not one of ppo, sac, dqn, td3, ddpg. Set rl.algo to one of them.`,
    );
  });

  it('names a bad selection strategy and halving setting with what to set them to', () => {
    const text = MINIMAL.replace('backend: ollama, ', 'backend: ollama, selection: fastest, halving: {eta: 1, min_fraction: 1.5}, ');
    const e = configError(() => validateConfig(parseYamlForTest(text), 'c.yml'));
    expect(e.issues.map((i) => i.keyPath)).toEqual(['eureka.selection', 'eureka.halving.eta', 'eureka.halving.min_fraction']);
    expect(e.message).toContain("c.yml: eureka.selection: 'fastest' is not one of full, halving. Set eureka.selection to one of them.");
    expect(e.message).toContain('eureka.halving.eta');
    expect(e.message).toMatch(/eureka\.halving\.min_fraction: .*a number between 0 and 1/);
  });

  it('reads where jobs run, and names a bad executor with what to set it to', () => {
    const c = validateConfig(parseYamlForTest(MINIMAL + "compute: {executor: ray, ray: {address: '10.0.0.1:6379', num_gpus: 0.5}}\n"), 'c.yml');
    expect(c.compute).toEqual({ executor: 'ray', ray: { address: '10.0.0.1:6379', num_cpus: 1, num_gpus: 0.5 } });
    const e = configError(() => validateConfig(parseYamlForTest(MINIMAL + 'compute: {executor: slurm}\n'), 'c.yml'));
    expect(e.message).toBe("c.yml: compute.executor: 'slurm' is not one of local, ray. Set compute.executor to one of them.");
  });

  it("reads a gateway's headers and key variable, and names a bad one without showing a header's value", () => {
    const ok = validateConfig(parseYamlForTest(MINIMAL.replace('backend: ollama, ', 'backend: ollama, api_key_env: OPENROUTER_API_KEY, headers: {HTTP-Referer: "https://x.org"}, ')), 'c.yml');
    expect(ok.eureka).toMatchObject({ api_key_env: 'OPENROUTER_API_KEY', headers: { 'HTTP-Referer': 'https://x.org' } });
    const text = MINIMAL.replace('backend: ollama, ', 'backend: ollama, api_key_env: my-key, headers: {"bad header": x, api-key: 12345}, ');
    const e = configError(() => validateConfig(parseYamlForTest(text), 'c.yml'));
    expect(e.issues.map((i) => i.keyPath)).toEqual(['eureka.headers.bad header', 'eureka.headers.api-key', 'eureka.api_key_env']);
    expect(e.message).toContain("eureka.headers.bad header: 'bad header' is not an HTTP header name. Use letters, digits and dashes");
    expect(e.message).toContain('eureka.headers.api-key: the value is a number, not a string. Set eureka.headers.api-key to a string (a secret as ${NAME}');
    expect(e.message).not.toContain('12345');
    expect(e.message).toContain("eureka.api_key_env: 'my-key' is not an environment variable name.");
  });

  it('names a missing required section (rl)', () => {
    const e = configError(() => loadConfig(fixture('missing-rl.yml')));
    expect(e.keyPath).toBe('rl');
    expect(e.message).toBe(`${fixture('missing-rl.yml')}: rl: required section 'rl' is missing. Add the 'rl:' section with its keys.`);
  });

  it('names missing required keys and what to set them to', () => {
    const text = MINIMAL.replace('{total_timesteps: 1000}', '{seed: 1}').replace('backend: ollama, ', '');
    const e = configError(() => validateConfig(parseYamlForTest(text), 'c.yml'));
    expect(e.message.split('\n')).toEqual([
      'c.yml: eureka.backend: required key is missing. Set eureka.backend to one of ollama, openai, local.',
      'c.yml: rl.training.total_timesteps: required key is missing. Set rl.training.total_timesteps to a positive integer.',
    ]);
  });

  it('collects every problem into one error, the first one in keyPath', () => {
    const e = configError(() => loadConfig(fixture('many-problems.yml')));
    const f = fixture('many-problems.yml');
    expect(e.keyPath).toBe('eureka.temperature');
    expect(e.issues.map((i) => i.keyPath)).toEqual([
      'eureka.temperature',
      'eureka.iterations',
      'rl.architecture.net_arch.vff',
      'rl.training.device',
    ]);
    expect(e.message.split('\n')).toEqual([
      `${f}: eureka.temperature: -0.5 is not a number >= 0. Set eureka.temperature to a number >= 0.`,
      `${f}: eureka.iterations: 0 is not a positive integer. Set eureka.iterations to a positive integer.`,
      `${f}: rl.architecture.net_arch.vff: unknown key 'vff'. Did you mean 'vf'?`,
      `${f}: rl.training.device: 'gpu' is not one of cpu, cuda, auto. Set rl.training.device to one of them.`,
    ]);
  });

  it('rejects an empty file and a non-mapping top level', () => {
    expect(configError(() => parseConfig('# nothing\n', 'e.yml')).message).toBe(
      'e.yml: the config is empty. Write the sections eureka, environment, experiment and rl.',
    );
    expect(configError(() => parseConfig('- 1\n', 'l.yml')).message).toMatch(/^l\.yml: the top level is a list, not a mapping\./);
  });

  it('rejects equal sparse and human baselines', () => {
    const text = MINIMAL.replace('name: exp}', 'name: exp, sparse_baseline: 3, human_baseline: 3}');
    const e = configError(() => validateConfig(parseYamlForTest(text), 'c.yml'));
    expect(e.keyPath).toBe('experiment.human_baseline');
  });
});

describe('resolveEnvDir', () => {
  const configWith = (environment: string) =>
    validateConfig(parseYamlForTest(MINIMAL.replace('{name: foo, class_name: FooEnv}', environment)), 'c.yml');
  const foo = configWith('{name: foo, class_name: FooEnv}');

  it('finds envs/<name> under cwd first, as stable-eureka does', () => {
    const root = tempTree({
      'cwd/envs/foo/env_code/env.py': '',
      'cwd/configs/envs/foo/env_code/env.py': '', // beside the config: loses to cwd
    });
    const cwd = path.join(root, 'cwd');
    expect(resolveEnvDir(foo, 'configs/c.yml', cwd)).toBe(path.join(cwd, 'envs', 'foo'));
  });

  it('then envs/<name> beside the config file', () => {
    const root = tempTree({ 'cfg/envs/foo/env.py': '' });
    expect(resolveEnvDir(foo, path.join(root, 'cfg', 'c.yml'), path.join(root, 'elsewhere'))).toBe(
      path.join(root, 'cfg', 'envs', 'foo'),
    );
  });

  it("then ../envs/<name> from the config's folder", () => {
    const root = tempTree({ 'project/envs/foo/env_code/env.py': '' });
    expect(resolveEnvDir(foo, path.join(root, 'project', 'configs', 'c.yml'), root)).toBe(
      path.join(root, 'project', 'envs', 'foo'),
    );
  });

  it('uses environment.env_dir relative to the config folder, over name lookup', () => {
    const root = tempTree({ 'envs/foo/env_code/env.py': '', 'custom/my_env/env_code/env.py': '' });
    const c = configWith('{name: foo, class_name: FooEnv, env_dir: ../custom/my_env}');
    expect(resolveEnvDir(c, path.join(root, 'configs', 'c.yml'), root)).toBe(path.join(root, 'custom', 'my_env'));
  });

  it('errors on a missing env_dir folder at key environment.env_dir', () => {
    const root = tempTree({});
    const c = configWith('{name: foo, class_name: FooEnv, env_dir: nowhere}');
    const e = configError(() => resolveEnvDir(c, path.join(root, 'c.yml'), root));
    expect(e.keyPath).toBe('environment.env_dir');
    expect(e.message).toContain(`folder ${path.join(root, 'nowhere')} does not exist`);
  });

  it('lists every path tried when no folder exists', () => {
    const root = tempTree({});
    const file = path.join(root, 'project', 'configs', 'c.yml');
    const cwd = path.join(root, 'cwd');
    const e = configError(() => resolveEnvDir(foo, file, cwd));
    expect(e.file).toBe(file);
    expect(e.keyPath).toBe('environment.name');
    const tried = [
      path.join(cwd, 'envs', 'foo'),
      path.join(root, 'project', 'configs', 'envs', 'foo'),
      path.join(root, 'project', 'envs', 'foo'),
    ];
    expect(e.message).toBe(
      `${file}: environment.name: no env folder 'foo' found; tried ${tried.join(', ')}. ` +
        'Create one of them with env_code/env.py, fix environment.name, or set environment.env_dir to the folder (relative to the config file).',
    );
  });

  it('requires env_code/env.py or env.py in the folder', () => {
    const root = tempTree({ 'envs/foo/step.py': '' });
    const e = configError(() => resolveEnvDir(foo, path.join(root, 'c.yml'), root));
    expect(e.keyPath).toBe('environment.name');
    expect(e.message).toContain(`env folder ${path.join(root, 'envs', 'foo')} has no env_code/env.py (or env.py)`);
    expect(e.hint).toBe(`Put the gymnasium env class 'FooEnv' in ${path.join(root, 'envs', 'foo', 'env_code', 'env.py')}.`);
  });

  it('is applied by parseConfig with opts.cwd', () => {
    const root = tempTree({ 'envs/foo/env.py': '' });
    const loaded = parseConfig(MINIMAL, 'configs/c.yml', { cwd: root });
    expect(loaded.file).toBe(path.join(root, 'configs', 'c.yml'));
    expect(loaded.envDir).toBe(path.join(root, 'envs', 'foo'));
  });
});

describe('applyOverrides', () => {
  const base = () => validateConfig(parseYamlForTest(MINIMAL), 'c.yml');

  it('returns a new config with the given values and leaves the input alone', () => {
    const before = base();
    const snapshot = structuredClone(before);
    const after = applyOverrides(before, { iterations: 2, samples: 3, timesteps: 5000, backend: 'openai', model: 'tiny' });
    expect(after).not.toBe(before);
    expect(after.eureka).toMatchObject({ iterations: 2, samples: 3, backend: 'openai', model: 'tiny' });
    expect(after.rl.training.total_timesteps).toBe(5000);
    expect(before).toEqual(snapshot);
  });

  it('ignores undefined values', () => {
    expect(applyOverrides(base(), { samples: undefined })).toEqual(base());
  });

  it('runs a server config on the embedded model: its default, or the one named', () => {
    expect(base().eureka.model).toBe('llama3');
    expect(applyOverrides(base(), { backend: 'local' }).eureka.model).toBe('gemma-3-270m');
    expect(applyOverrides(base(), { backend: 'local', model: 'SmolLM2-135M-Instruct' }).eureka.model).toBe('SmolLM2-135M-Instruct');
    const e = configError(() => applyOverrides(base(), { backend: 'local', model: 'gemma3' }, 'command-line options'));
    expect(e.message).toBe(
      "command-line options: eureka.model: 'gemma3' is not an embedded model, with backend 'local': gemma-3-270m or SmolLM2-135M-Instruct. Set eureka.model to an embedded model, with backend 'local': gemma-3-270m or SmolLM2-135M-Instruct.",
    );
  });

  it('validates the values it sets', () => {
    const e = configError(() => applyOverrides(base(), { samples: 0 }, '--samples'));
    expect(e.message).toBe('--samples: eureka.samples: 0 is not a positive integer. Set eureka.samples to a positive integer.');
  });
});

// helpers ---------------------------------------------------------------------------------------

function readFixture(name: string): string {
  return readFileSync(fixture(name), 'utf8');
}

function parseYamlForTest(text: string): unknown {
  return parse(text, { version: '1.1' });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

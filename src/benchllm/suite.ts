/**
 * A reward-design benchmark suite: which env configs, with which fixed seeds, iterations,
 * samples and training budgets. YAML, read like a config (YAML 1.1, errors naming the file,
 * key and fix); each env's config is a stable-eureka config, relative to the suite file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfig, parseYaml, type LoadedConfig } from '../config/index';
import { packageRoot } from '../pyenv';

/** The shipped suites, by name: `--suite small` (the default) or `--suite large`. */
export const SHIPPED_SUITES = ['small', 'large'] as const;
export const suitesDir = path.join(packageRoot, 'suites');

const posInt = z.int('a positive integer').positive('a positive integer');
const SuiteEnvSchema = z.strictObject(
  {
    /** A stable-eureka config file, relative to the suite file. */
    config: z.string('a config file path').min(1, 'a config file path'),
    /** rl.training.total_timesteps for this env (default: the config's). */
    timesteps: posInt.optional(),
  },
  'a mapping with config (and timesteps)',
);

const SuiteSchema = z.strictObject(
  {
    /** Names the bench folder by default (experiments/bench-llm/<name>). */
    name: z.string('a name').regex(/^[\w.-]+$/, 'a name of letters, digits, dots, dashes and underscores'),
    iterations: posInt,
    samples: posInt,
    /** Training seeds; each env runs once per seed (the LLM's seed follows it). */
    seeds: z.array(z.int('an integer >= 0').nonnegative('an integer >= 0'), 'a list of seeds').min(1, 'at least one seed'),
    envs: z.array(SuiteEnvSchema, 'a list of envs').min(1, 'at least one env'),
  },
  'a mapping',
);

export type SuiteFile = z.infer<typeof SuiteSchema>;

/** One env of a suite, its config loaded; `label` names it in folders and tables. */
export interface SuiteEnv {
  label: string;
  loaded: LoadedConfig;
  timesteps: number;
}

export interface Suite {
  file: string;
  name: string;
  iterations: number;
  samples: number;
  seeds: number[];
  envs: SuiteEnv[];
}

/** A shipped suite's name, or a suite file's path, as the file to read. */
export function suiteFile(nameOrFile: string): string {
  return (SHIPPED_SUITES as readonly string[]).includes(nameOrFile) ? path.join(suitesDir, `${nameOrFile}.yml`) : path.resolve(nameOrFile);
}

/** Reads and checks a suite, and loads each env's config. Throws ConfigError. */
export function loadSuite(nameOrFile: string): Suite {
  const file = suiteFile(nameOrFile);
  if (!fs.existsSync(file)) {
    throw new ConfigError(file, [{ keyPath: '', problem: 'file not found', hint: `Name a suite file, or one of the shipped suites: ${SHIPPED_SUITES.join(', ')}.` }]);
  }
  const raw = parseYaml(fs.readFileSync(file, 'utf8'), file);
  const parsed = SuiteSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((i) => {
        const keyPath = i.path.join('.');
        const unknown = i.code === 'unrecognized_keys' ? i.keys : [];
        return unknown.length
          ? { keyPath: [...i.path, unknown[0]].join('.'), problem: `unknown key '${unknown[0]}'`, hint: 'A suite has name, iterations, samples, seeds and envs (each with config and timesteps).' }
          : { keyPath, problem: `expected ${i.message}`, hint: `Set ${keyPath || 'the file'} to ${i.message}.` };
      }),
    );
  }
  const s = parsed.data;
  const labels = new Set<string>();
  const envs = s.envs.map((e) => {
    const loaded = loadConfig(e.config, { cwd: path.dirname(file) });
    let label = loaded.config.environment.name;
    for (let n = 2; labels.has(label); n++) label = `${loaded.config.environment.name}-${n}`;
    labels.add(label);
    return { label, loaded, timesteps: e.timesteps ?? loaded.config.rl.training.total_timesteps };
  });
  return { file, name: s.name, iterations: s.iterations, samples: s.samples, seeds: [...new Set(s.seeds)], envs };
}

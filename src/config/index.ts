/**
 * The config folder: YAML config in, validated typed config out (stable-eureka's format plus
 * our optional additions).
 *
 * - schema.ts: the zod schemas, their inferred types and the constant lists.
 * - errors.ts: ConfigError, and zod issues turned into messages naming file, key and fix.
 * - load.ts: reading and parsing the YAML, validating, resolving the env folder, overrides.
 * - requestOptions.ts: the LLM request options (headers, api_key_env) kept out of run folders.
 *
 * Used by the CLI (cli/), the run stages (run/), envs.ts, training.ts, llm/factory.ts,
 * notebook/run.ts and the public API (src/index.ts). Import from here, not from the modules.
 */
export {
  ALGOS,
  ArchitectureSchema,
  BACKENDS,
  ComputeSchema,
  ConfigSchema,
  DEVICES,
  EXECUTORS,
  EnvironmentSchema,
  EurekaSchema,
  EvaluationSchema,
  ExperimentSchema,
  RlSchema,
  SELECTIONS,
  TrainingSchema,
  type Algo,
  type ArchitectureConfig,
  type Backend,
  type ComputeConfig,
  type Config,
  type ConfigInput,
  type EnvironmentConfig,
  type EurekaConfig,
  type EvaluationConfig,
  type ExecutorName,
  type ExperimentConfig,
  type RlConfig,
  type Selection,
  type TrainingConfig,
} from './schema';
export { ConfigError, type ConfigIssue } from './errors';
export {
  applyOverrides,
  computeWith,
  loadConfig,
  parseConfig,
  parseYaml,
  resolveEnvDir,
  validateConfig,
  type LoadOptions,
  type LoadedConfig,
  type Overrides,
} from './load';
export {
  REQUEST_OPTION_KEYS,
  requestOptionsFrom,
  withRequestOptions,
  withoutRequestOptions,
  yamlWithoutRequestOptions,
  type RequestOptions,
} from './requestOptions';

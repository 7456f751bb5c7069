/**
 * The env a request is about (an env folder, or a registered gymnasium env for train,
 * evaluate and render_gif), the limits and containment a job runs under, and describe_env's
 * params and result.
 */

// --- shared parameter objects -------------------------------------------------------------

/** The env a request is about: a folder in stable-eureka's layout. */
export interface EnvRef {
  /** Absolute path. */
  env_dir: string;
  /** null: the one class whose step() calls self.compute_reward. */
  class_name?: string | null;
  kwargs?: Record<string, unknown> | null;
  /** null: no limit. */
  max_episode_steps?: number | null;
}

/**
 * A registered gymnasium env, trained on its own reward (the benchmark run): train, evaluate
 * and render_gif only, with no reward code. The env reward is also the fitness; no components.
 */
export interface GymEnvRef {
  gym_id: string;
  kwargs?: Record<string, unknown> | null;
  /** null keeps the registered limit (an env folder's null means no limit). */
  max_episode_steps?: number | null;
}

/** What train, evaluate and render_gif take. */
export type JobEnvRef = EnvRef | GymEnvRef;

/** Defaults per task in the worker's defaults.json. */
export interface Limits {
  wall_s?: number;
  memory_mb?: number;
}

/** Reward containment layers, all on when absent; only tests switch one off. */
export interface Containment {
  audit_hook?: boolean;
  fitness_integrity?: boolean;
  os_isolation?: boolean;
}

// --- describe_env -------------------------------------------------------------------------

export interface DescribeEnvParams {
  env: EnvRef;
}

/** How env.py calls a method on self. */
export interface CallSite {
  /** Parameter names to suggest. */
  args: string[];
  /** Source text of each positional argument. */
  positional: string[];
  keywords: string[];
  line: number;
  text: string;
  /** The def line a reward must have. */
  signature: string;
  has_star_args: boolean;
  method: string;
}

export interface EnvDescription {
  env_dir: string;
  env_file: string;
  class_name: string;
  classes: string[];
  call_site: CallSite;
  fitness_call_site: CallSite | null;
  step_code: string;
  step_code_source: 'step.py' | 'env.py';
  task_description: string | null;
  initial_reward: string | null;
  warnings: string[];
  /** null when the env could not be created (see warnings). */
  observation_space: string | null;
  action_space: string | null;
  observation_shape: number[] | null;
  action_shape: number[] | null;
  action_type: 'discrete' | 'continuous' | 'other' | null;
  /** The modules reward code may import (the worker's allow-list), for the prompt. */
  allowed_modules: string[];
}

/**
 * Defaults shared with the Python worker: both sides read them from the worker package's
 * defaults.json (python/stable_eureka_worker/defaults.py is the Python reader), so a default
 * is written once and the two languages cannot disagree. Read once, when this module loads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { pythonPackageDir } from './pyenv';

const count = () => z.int().positive();
const seed = () => z.int().nonnegative();
const limits = z.object({ wall_s: z.number().positive(), memory_mb: z.int().positive() });

const DefaultsSchema = z.object({
  /** Per job task, as the worker applies them when a request gives none. */
  limits: z.object({ train: limits, evaluate: limits, render_gif: limits, smoke: limits, describe_spaces: limits }),
  /** The random-action smoke run of check_reward. */
  smoke: z.object({ steps: count(), seed: seed() }),
  /** Seconds one compute_reward call may take before the job is failed as stuck. */
  max_call_s: z.number().positive(),
  /** Evaluations during training (rl.training.eval). */
  training_eval: z.object({ num_evals: count(), num_episodes: count(), seed: seed() }),
  /** The final evaluation (rl.evaluation) and an evaluate request. */
  evaluation: z.object({ num_episodes: count(), seed: seed() }),
  gif: z.object({ max_frames: count(), fps: z.number().positive() }),
});

export type Defaults = z.infer<typeof DefaultsSchema>;

export const DEFAULTS_FILE = path.join(pythonPackageDir(), 'stable_eureka_worker', 'defaults.json');

function load(file: string): Defaults {
  const parsed = DefaultsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a valid defaults file: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export const DEFAULTS: Readonly<Defaults> = load(DEFAULTS_FILE);

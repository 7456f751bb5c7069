/**
 * The records a run folder holds (layout.ts says which file holds which, and reads and writes
 * them): what the loop writes, the report and notebooks read, and `--resume` continues from.
 */
import type { CheckStage, EvalPoint, EvaluateSuccess, JobStatus, JobWhere } from '../worker/protocol/index';
import type { RungEntry, StopRecord } from './halving';

export const RUN_FORMAT = 1;

export type RunStatus = 'running' | 'interrupted' | 'failed' | 'done';

/**
 * Where a sample's code came from: the LLM; a person's edit (never passed off as LLM output);
 * or the env folder's human reward (initial_reward_prompt.txt), trained in iteration 0 with
 * `use_initial_reward_prompt: true` to compare against.
 */
export type SampleOrigin = 'llm' | 'edit' | 'human';
/** Each origin in words, for the CLI, the report and notebooks. */
export const ORIGIN_TEXT: Record<SampleOrigin, string> = { llm: 'LLM', edit: 'edited by a person', human: 'the human reward (initial_reward_prompt.txt)' };

/**
 * pending: waiting for its check (or a fix from the LLM); checked: passed, not yet training;
 * invalid: no usable reward after every fix attempt; duplicate: same normalised code as a
 * sample that trains (its figures are that one's); queued/training: waiting for or in its
 * training job; trained: done; stopped: ended early by successive halving (its curve and best
 * checkpoint kept, `stopped` says why); failed: the training job failed (reason recorded);
 * interrupted: stopped by the user, redone on resume.
 */
export type SampleStatus = 'pending' | 'checked' | 'invalid' | 'duplicate' | 'queued' | 'training' | 'trained' | 'stopped' | 'failed' | 'interrupted';

export interface SampleRef {
  iteration: number;
  sample: number;
}

export interface SampleFailure {
  /** 'llm' (no answer), 'extract' (no code in the answer), a check stage, or 'train'. */
  stage: 'llm' | 'extract' | CheckStage | 'train';
  reason: string;
  /** For training failures: the job's end (failed, timeout, out_of_memory, crashed). */
  status?: JobStatus;
  traceback?: string | null;
  line?: number | null;
}

export interface Fitness {
  /** Mean fitness_score over the eval episodes at the best checkpoint. */
  fitness: number;
  fitness_std: number;
  timesteps: number;
}

export interface SampleRecord extends SampleRef {
  origin: SampleOrigin;
  status: SampleStatus;
  /** LLM answers this sample took: 1 + fix requests. */
  answers: number;
  /** The code last checked (also in reward.py); null when no code could be extracted. */
  code: string | null;
  /** The code in canonical form (ast.unparse without comments/docstrings), for deduplication. */
  normalized: string | null;
  duplicate_of: SampleRef | null;
  failure: SampleFailure | null;
  components: string[] | null;
  /** Best checkpoint, from the training's evaluations. */
  best: Fitness | null;
  /** Last evaluation. */
  final: Fitness | null;
  best_model: string | null;
  /** Where training started from (pretraining_with_best_model), if not from scratch. */
  init_model: string | null;
  train: {
    timesteps: number;
    wall_s: number;
    steps_per_s: number;
    device: string;
    /** Where it trained (local, or a Ray node) and for how long; absent in runs before it was kept. */
    where?: JobWhere | null;
  } | null;
  /** For status 'stopped': the rung, the steps and the reason (halving.ts). */
  stopped?: StopRecord | null;
  /** Seconds spent on this sample: LLM answers, checks (with smoke runs), training. */
  time: { llm_s: number; check_s: number; train_s: number };
  tokens: { prompt: number; completion: number };
  /** For origin 'edit': the sample the person started from, if any. */
  edit_of?: SampleRef | null;
  /** For origin 'edit': what the person said about the edit. */
  note?: string | null;
  updated: string;
}

export type IterationStatus = 'generating' | 'checking' | 'training' | 'reflecting' | 'done';

export interface IterationRecord {
  iteration: number;
  status: IterationStatus;
  samples: number;
  /** The iteration's best sample by best-checkpoint fitness (ties: fewer steps). */
  best: (SampleRef & Fitness) | null;
  counts: Partial<Record<SampleStatus, number>>;
  /** Wall seconds of the iteration's phases; overhead = total - the rest. */
  time: { llm_s: number; check_s: number; train_s: number; total_s: number };
  tokens: { prompt: number; completion: number };
  started: string;
  finished: string | null;
}

export interface FeedbackRecord {
  /** reflection: the automatic one; human: a person's text replaced it; both: a person's text was added to it. */
  source: 'reflection' | 'human' | 'both' | 'failures';
  iteration: number;
  /** The sample whose response the next iteration's history shows as the assistant turn. */
  about: SampleRef | null;
  warnings: string[];
  written: string;
}

export interface BestRecord extends SampleRef, Fitness {
  code: string;
  best_model: string;
  components: string[] | null;
  origin: SampleOrigin;
}

export interface FinalRecord extends Omit<EvaluateSuccess, 'status'> {
  of: SampleRef;
  model: string;
  deterministic: boolean;
  seed: number;
}

export interface BenchmarkRecord {
  gym_id: string;
  status: JobStatus;
  reason: string | null;
  /** Best checkpoint during training, and the deterministic evaluation of it (same seeds as final). */
  best: Fitness | null;
  evaluation: Omit<EvaluateSuccess, 'status' | 'episodes'> | null;
  wall_s: number;
}

/** Where the HNS's human figure came from. */
export type HumanFrom = 'config' | 'human_reward' | 'benchmark';
/** Each in words, for the CLI, the report and notebooks. */
export const HUMAN_FROM_TEXT: Record<HumanFrom, string> = {
  config: 'experiment.human_baseline',
  human_reward: 'the human reward, trained here',
  benchmark: 'the benchmark',
};

/** The human reward's sample, its best model evaluated like the final policy (same seeds, deterministic). */
export interface HumanRecord {
  of: SampleRef;
  status: JobStatus;
  reason: string | null;
  evaluation: Omit<EvaluateSuccess, 'status' | 'episodes'> | null;
}

export interface RunRecord {
  format: typeof RUN_FORMAT;
  status: RunStatus;
  created: string;
  updated: string;
  /** The config file this run was started from (config.yml holds its text); a resume reads eureka.headers and api_key_env from it. */
  config_file: string;
  env_dir: string;
  env_class: string;
  backend: string;
  model: string;
  iterations: number;
  samples: number;
  /** Iterations fully done. */
  completed_iterations: number;
  best: (SampleRef & Fitness) | null;
  final: { fitness_mean: number; fitness_std: number; episodes: number; gif: string | null } | null;
  benchmark: { gym_id: string; fitness_mean: number | null; status: JobStatus } | null;
  /** Human-normalised score of the final evaluation: (ours - sparse) / |human - sparse|, clipped to [0, 3]. */
  /** The human reward's final figure (HumanRecord); absent in runs without one. */
  human?: { of: SampleRef; fitness_mean: number | null; status: JobStatus } | null;
  /** human_from: experiment.human_baseline, the human reward trained here, or the benchmark. */
  hns: { value: number; sparse: number; human: number; human_from: HumanFrom } | null;
  tokens: { prompt: number; completion: number };
  error: string | null;
}

export interface CheckRecord {
  answer: number;
  passed: boolean;
  stage: CheckStage | 'extract';
  message: string;
  /** What the LLM is told when this check failed. */
  feedback: string;
  wall_s: number;
  at: string;
}

export interface LlmCallRecord {
  iteration: number;
  /** generate: the iteration's samples; fix: one sample's fix request. */
  purpose: 'generate' | 'fix';
  samples: number[];
  backend: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  ms: number;
  attempts: number;
  error: string | null;
  at: string;
}

/** What happens during a run, as it happens: appended to events.jsonl and passed to listeners. */
export type RunEvent =
  | { type: 'run'; status: RunStatus; message?: string }
  | { type: 'iteration'; iteration: number; status: IterationStatus }
  | { type: 'llm'; iteration: number; purpose: 'generate' | 'fix'; samples: number[]; phase: 'start' | 'done' | 'error'; message?: string }
  | { type: 'sample'; iteration: number; sample: number; status: SampleStatus; message?: string }
  | { type: 'eval'; iteration: number; sample: number; point: EvalPoint }
  | { type: 'rung'; iteration: number; sample: number; entry: RungEntry }
  | { type: 'best'; iteration: number; sample: number; fitness: number }
  | { type: 'final'; fitness_mean: number; fitness_std: number; gif: string | null }
  | { type: 'benchmark'; gym_id: string; phase: 'start' | 'done'; fitness_mean?: number | null }
  | { type: 'log'; level: 'info' | 'warning'; message: string };

/** Not written to events.jsonl (too frequent): for live displays only. */
export type LiveEvent =
  | { type: 'llm_text'; iteration: number; sample: number; text: string }
  | { type: 'progress'; iteration: number | null; sample: number | null; timesteps: number; total: number; steps_per_s: number };

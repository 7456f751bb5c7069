/**
 * The demo's telling (`run` with `story`): each iteration's best reward beside the env's own
 * reward trained the same way, and what to try next.
 */
import { num } from '../render/format';
import type { Run } from '../run/run';

/** Each iteration's best, beside the env's own reward trained the same way. */
export function iterationStory(run: Run, i: number): string {
  const best = run.iteration(i)?.best;
  if (!best) return `iteration ${i}: no sample trained`;
  const code = run.sample(i, best.sample)?.code ?? '';
  // the body that computes the components: what the reward pays for
  const lines = code.split('\n');
  const from = lines.findIndex((l) => l.startsWith('def compute_reward'));
  const to = lines.findIndex((l) => /^\s*total\s*=/.test(l));
  const body = lines.slice(from + 1, to > from ? to : undefined).filter((l) => l.trim() && !l.trim().startsWith('#'));
  const b = run.record.benchmark;
  const own = b?.fitness_mean !== null && b?.fitness_mean !== undefined ? `; the env's own reward: ${num(b.fitness_mean)}` : '';
  // the spread is the point: the same task, other rewards, other behaviour
  const all = run.samples(i).map((s) => `${s.sample}: ${s.best ? num(s.best.fitness) : s.status}`);
  return [`iteration ${i}: the best reward is sample ${best.sample}, fitness ${num(best.fitness)}${own} (every sample: ${all.join(', ')})`, ...body.map((l) => `  ${l}`)].join('\n');
}

export const WHAT_NEXT = [
  'What to try next:',
  '  npm run notebook                  step through an iteration, edit a reward by hand (notebooks/01-03)',
  '  stable-eureka demo --model SmolLM2-135M-Instruct   the other embedded model',
  '  stable-eureka run configs/cartpole.yml --backend ollama --model qwen2.5-coder:7b   a real model, on your Ollama',
  '  OPENAI_API_KEY=... stable-eureka run configs/lunar_lander.yml --backend openai --model gpt-4o-mini',
  '  stable-eureka bench-llm --backend ollama --model M1 --model M2   which model designs rewards best',
].join('\n');

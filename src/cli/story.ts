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
  const terms = code.split('\n').filter((l) => /^\s*"\w+":/.test(l)).map((l) => `    ${l.trim().replace(/,$/, '')}`);
  const b = run.record.benchmark;
  const own = b?.fitness_mean !== null && b?.fitness_mean !== undefined ? `; the env's own reward: ${num(b.fitness_mean)}` : '';
  return [`iteration ${i}: the best reward is sample ${best.sample}, fitness ${num(best.fitness)}${own}`, ...(terms.length ? terms : code.split('\n').map((l) => `    ${l}`))].join('\n');
}

export const WHAT_NEXT = [
  'What to try next:',
  '  npm run notebook                  step through an iteration, edit a reward by hand (notebooks/01-03)',
  '  stable-eureka run configs/cartpole.yml --backend ollama --model qwen2.5-coder:7b   a real model, on your Ollama',
  '  OPENAI_API_KEY=... stable-eureka run configs/lunar_lander.yml --backend openai --model gpt-4o-mini',
  '  stable-eureka bench-llm --backend ollama --model M1 --model M2   which model designs rewards best',
].join('\n');

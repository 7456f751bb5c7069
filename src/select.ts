/**
 * Selection: the sample whose best checkpoint has the highest mean fitness over the eval
 * episodes; ties go to the one that got there in fewer steps, then to the lower index.
 */
import { peak, type SampleOutcome } from './reflect';

export function selectBest(samples: SampleOutcome[]): SampleOutcome | null {
  let best: { s: SampleOutcome; fitness: number; steps: number } | null = null;
  for (const s of samples) {
    const p = s.evals && !s.failure ? peak(s.evals) : null;
    if (!p || !Number.isFinite(p.fitness_mean)) continue;
    const better =
      !best ||
      p.fitness_mean > best.fitness ||
      (p.fitness_mean === best.fitness && (p.timesteps < best.steps || (p.timesteps === best.steps && s.sample < best.s.sample)));
    if (better) best = { s, fitness: p.fitness_mean, steps: p.timesteps };
  }
  return best?.s ?? null;
}

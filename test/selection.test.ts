import { describe, expect, it } from 'vitest';
import { bestOf, isBetter, peak, selectBest } from '../src/run/selection';
import type { EvalPoint } from '../src/worker/protocol/index';

const point = (timesteps: number, fitness: number): EvalPoint => ({
  timesteps,
  fitness_mean: fitness,
  fitness_std: 0,
  reward_mean: 0,
  length_mean: 1,
  components: {},
  episodes: [],
  best: false,
});

describe('the selection rule', () => {
  it('ranks by fitness, then fewer steps, then the earlier iteration and sample', () => {
    expect(isBetter({ fitness: 2, timesteps: 9 }, { fitness: 1, timesteps: 1 })).toBe(true);
    expect(isBetter({ fitness: 1, timesteps: 5 }, { fitness: 1, timesteps: 6 })).toBe(true);
    expect(isBetter({ fitness: 1, timesteps: 6 }, { fitness: 1, timesteps: 5 })).toBe(false);
    expect(isBetter({ fitness: 1, timesteps: 5, iteration: 0, sample: 3 }, { fitness: 1, timesteps: 5, iteration: 1, sample: 0 })).toBe(true);
    expect(isBetter({ fitness: 1, timesteps: 5, iteration: 1, sample: 1 }, { fitness: 1, timesteps: 5, iteration: 1, sample: 2 })).toBe(true);
    // a tie with itself is not an improvement: promotion keeps what it has
    expect(isBetter({ fitness: 1, timesteps: 5, iteration: 1, sample: 2 }, { fitness: 1, timesteps: 5, iteration: 1, sample: 2 })).toBe(false);
    expect(isBetter({ fitness: -1e9, timesteps: 5 }, null)).toBe(true);
  });

  it('gives the same order whatever the order of the list, and skips fitness that is not a number', () => {
    const xs = [
      { fitness: 3, timesteps: 200, sample: 0 },
      { fitness: 3, timesteps: 100, sample: 1 },
      { fitness: Number.NaN, timesteps: 1, sample: 2 },
      { fitness: Number.POSITIVE_INFINITY, timesteps: 1, sample: 3 },
      { fitness: 3, timesteps: 100, sample: 4 },
    ];
    expect(bestOf(xs)!.sample).toBe(1);
    expect(bestOf([...xs].reverse())!.sample).toBe(1);
    expect(bestOf([xs[2]!])).toBeNull();
  });

  it("takes a training's best checkpoint, the earliest of equal ones", () => {
    expect(peak([point(100, 5), point(200, 7), point(300, 7), point(400, 6)])!.timesteps).toBe(200);
    expect(peak([point(300, 7), point(200, 7)])!.timesteps).toBe(200);
    expect(peak([])).toBeNull();
  });

  it('selects among trained samples only: a failure never wins, whatever its evaluations', () => {
    const samples = [
      { sample: 0, evals: [point(100, 50)], failure: null },
      { sample: 1, evals: [point(100, 90)], failure: { stage: 'train', reason: 'timeout' } },
      { sample: 2, evals: null },
      { sample: 3, evals: [point(50, 50)] },
    ];
    expect(selectBest(samples)!.sample).toBe(3); // 50 in 50 steps beats 50 in 100
    expect(selectBest(samples.slice(1, 3))).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { checkFailureText, executionErrorMessage, fill, initialMessages, keyedLines, nextIterationMessages, noCodeText, promptsDir, singleMessage } from '../src/prompts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diagnose, rankCorrelation, readSeries, reflect, rewardFitnessCorrelation, round, seriesLine, subsample, type SampleOutcome } from '../src/reflect';
import { selectBest } from '../src/run/selection';
import type { EvalPoint } from '../src/worker/protocol/index';

const point = (timesteps: number, fitness: number, reward: number, components: Record<string, number>): EvalPoint => ({
  timesteps,
  fitness_mean: fitness,
  fitness_std: 0,
  reward_mean: reward,
  length_mean: 100,
  components,
  episodes: [],
  best: false,
});

/** Evaluations of `per` episodes each, from [reward, fitness] pairs. */
const withEpisodes = (pairs: [number, number][], per = 4): EvalPoint[] =>
  Array.from({ length: Math.ceil(pairs.length / per) }, (_, k) => ({
    ...point(1000 * (k + 1), 0, 0, {}),
    episodes: pairs.slice(k * per, (k + 1) * per).map(([reward, fitness], i) => ({ seed: i, reward, fitness, length: 10 })),
  }));

const env = {
  signature: 'def compute_reward(self, x, action)',
  call: 'self.compute_reward(x, action)',
  taskDescription: 'Keep x near zero.',
  envCode: 'def step(self, action):\n    reward, parts = self.compute_reward(x, action)',
  allowedModules: ['math', 'numpy', 'random'],
};

describe('prompts', () => {
  it('words check failures once, from the worker\'s structured problems', () => {
    const forbidden = checkFailureText({
      stage: 'forbidden',
      errors: [
        { stage: 'forbidden', message: '`import os` is not allowed', line: 2, col: 0 },
        { stage: 'forbidden', message: 'no classes', line: null, col: null },
      ],
    });
    expect(forbidden).toBe('- line 2: `import os` is not allowed\n- no classes');
    const smoke = checkFailureText({
      stage: 'smoke',
      errors: [{ stage: 'smoke', message: 'compute_reward raised ZeroDivisionError', line: 4, col: null }],
      failure: { phase: 'smoke', reason: 'x', traceback: 'Traceback (most recent call last):\n  File "reward.py", line 4\n', line: 4, exit_code: null, status: 'failed' },
    });
    expect(smoke).toBe('It failed when run in the environment (smoke): compute_reward raised ZeroDivisionError\nTraceback (most recent call last):\n  File "reward.py", line 4');
    const message = executionErrorMessage(forbidden).content;
    expect(message.match(/could not be used/g)).toHaveLength(1); // one preamble, the template's
    expect(noCodeText('no ```python block')).toBe('No reward function could be taken from your answer: no ```python block');
  });

  it('words each problem from problems.md by its code, and an older problem without one by its message', () => {
    const p = (code: string, params: Record<string, string | number>, message: string, line: number | null = null) => ({ stage: 'forbidden' as const, code, params, message, line, col: null });
    // the shipped words, filled from params (the worker's message is not read when the code has a line)
    expect(checkFailureText({ stage: 'forbidden', errors: [p('import_not_allowed', { module: 'os', allowed: 'math, numpy' }, 'stale', 1)] })).toBe(
      '- line 1: `import os` is not allowed; reward code may import only math, numpy.',
    );
    // a prompt folder with its own problems.md (and check.md: template() reads both from it)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'se-prompts-'));
    fs.copyFileSync(path.join(promptsDir, 'check.md'), path.join(dir, 'check.md'));
    fs.writeFileSync(path.join(dir, 'problems.md'), 'import_not_allowed: no `{{module}}` here (line {{n}})\nsmoke_failed: it broke: {{reason}}\n');
    const own = checkFailureText(
      {
        stage: 'forbidden',
        errors: [
          p('import_not_allowed', { module: 'os', n: 3 }, 'the worker\'s words', 3),
          p('name_not_defined', { name: 'x', allowed: 'math' }, 'unknown to this problems.md: its message'),
          { stage: 'forbidden', message: 'from an older worker, no code', line: 2, col: null },
        ],
      },
      dir,
    );
    expect(own).toBe('- line 3: no `os` here (line 3)\n- unknown to this problems.md: its message\n- line 2: from an older worker, no code');
    const smoke = { stage: 'smoke' as const, errors: [{ ...p('smoke_failed', { reason: 'ZeroDivisionError' }, 'ZeroDivisionError', 4), stage: 'smoke' as const }] };
    expect(checkFailureText(smoke, dir)).toBe('It failed when run in the environment (smoke): it broke: ZeroDivisionError');
    // a folder without problems.md (older than the file) words problems with the shipped one
    fs.rmSync(path.join(dir, 'problems.md'));
    expect(checkFailureText({ stage: 'forbidden', errors: [p('module_rebound', { name: 'np' }, 'stale')] }, dir)).toBe('- `np` is a module: it cannot be rebound.');
  });

  it("takes a line a user's prompt folder lacks from the shipped file, and refuses one no file has", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'se-prompts-'));
    fs.writeFileSync(path.join(dir, 'check.md'), 'problem: - mine: {{message}}\n');
    const lines = keyedLines('check', ['problem', 'smoke'], dir);
    expect(lines.problem).toBe('- mine: {{message}}');
    expect(lines.smoke).toBe(keyedLines('check', ['smoke']).smoke);
    expect(() => keyedLines('check', ['problem', 'no_such_line'], dir)).toThrow(/check\.md has no line for no_such_line/);
  });

  it('fills the templates into a system and a user message, with the exact signature', () => {
    const [system, user] = initialMessages(env);
    expect(system!.role).toBe('system');
    expect(system!.content).toContain('    def compute_reward(self, x, action):\n');
    expect(system!.content).toContain('as `self.compute_reward(x, action)`');
    expect(system!.content).toContain('math, numpy, random');
    expect(user!.content).toMatch(/^The task: Keep x near zero\.\n\nThe environment's step\(\) code:\n\n```python\ndef step/);
    expect(user!.content).not.toContain('A person wrote');
  });

  it('adds the human reward at iteration 0 when asked', () => {
    const [, user] = initialMessages(env, { initialReward: 'def compute_reward(self, x, action):\n    return 1.0, {}' });
    expect(user!.content).toContain('A person wrote this reward for the task.');
    expect(user!.content).toContain('```python\ndef compute_reward(self, x, action):\n    return 1.0, {}\n```');
  });

  it('builds the multi-turn history and the single-message form', () => {
    const history = nextIterationMessages(initialMessages(env), 'my answer', 'feedback text');
    expect(history.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    const single = singleMessage(history);
    expect(single).toHaveLength(1);
    expect(single[0]!.content).toContain('Your earlier answer:\n\nmy answer');
    expect(single[0]!.content.endsWith('feedback text')).toBe(true);
  });

  it('shows the LLM its error', () => {
    expect(executionErrorMessage('line 3: `import os` is not allowed').content).toMatch(/What went wrong:\n\nline 3: `import os` is not allowed\n\nFix it/);
  });

  it('refuses a placeholder without a value', () => {
    expect(() => fill('a {{b}} c', {})).toThrow('prompt placeholder {{b}} has no value');
  });
});

describe('statistics', () => {
  it('subsamples evenly to about ten points, keeping the first and last', () => {
    const xs = Array.from({ length: 25 }, (_, i) => i);
    const s = subsample(xs);
    expect(s).toHaveLength(10);
    expect(s[0]).toBe(0);
    expect(s.at(-1)).toBe(24);
    expect(subsample([1, 2, 3])).toEqual([1, 2, 3]);
  });

  it('rounds to three significant digits and writes max/mean/min', () => {
    expect(round(123.456)).toBe(123);
    expect(round(0.0012345)).toBe(0.00123);
    expect(seriesLine({ name: 'speed', values: [1, 2.5, 3] })).toBe('speed: [1, 2.5, 3], Max: 3, Mean: 2.17, Min: 1');
  });

  it('reads the series back from a reflection, as the embedded model does', () => {
    const text = ['Per-episode sums:', seriesLine({ name: 'fitness_score', values: [-1.5e-7, 2, 3] }), seriesLine({ name: 'abs_x', values: [0.5, 0.25, 1] }), 'Warning: x: [not, this]'].join('\n');
    expect(readSeries(text)).toEqual([
      { name: 'fitness_score', values: [-1.5e-7, 2, 3] },
      { name: 'abs_x', values: [0.5, 0.25, 1] },
    ]);
  });
});

describe('diagnose', () => {
  it('warns when the reward rises while the fitness falls (reward hacking)', () => {
    const evals = [point(1000, -7.6, 100, { spin: 100 }), point(2000, -50, 5000, { spin: 5000 }), point(3000, -119, 10000, { spin: 10000 })];
    expect(diagnose(evals)[0]).toBe(
      'Warning: the reward rose from 100 to 10000 while fitness_score fell from -7.6 to -119: the agent is paid for something other than the task (reward hacking).',
    );
  });

  it('warns about a flat and a dominating component', () => {
    const evals = [point(1000, 10, 1010, { alive: 1000, bonus: 0, speed: 10 }), point(2000, 20, 1025, { alive: 1000, bonus: 0, speed: 25 })];
    const w = diagnose(evals);
    expect(w).toContain('Warning: component `bonus` was 0 at every evaluation: it teaches nothing.');
    expect(w).toContain('Warning: component `alive` was 1000 at every evaluation: it teaches nothing.');
    expect(w).toContain(
      'Warning: component `alive` (mean 1000 per episode) is more than ten times larger than all other components together: it drowns them.',
    );
    expect(w.join('\n')).not.toContain('speed');
  });

  it('ranks rewards against fitness: 1 for any rising relation, -1 for a falling one, ties shared, nothing when one side never varies', () => {
    const x = [1, 2, 3, 4, 5, 6];
    expect(rankCorrelation(x, x.map((v) => v ** 3 - 100))).toBeCloseTo(1, 12);
    expect(rankCorrelation(x, x.map((v) => -v))).toBeCloseTo(-1, 12);
    expect(rankCorrelation([1, 1, 2, 2], [1, 2, 3, 4])).toBeCloseTo(0.894, 3);
    expect(rankCorrelation(x, x.map(() => 7))).toBeNull();
  });

  it('warns when the reward barely tells good episodes from bad, or opposes the task, over the evaluation episodes', () => {
    // pays for speed: the reward wanders while the fitness climbs
    const speed = withEpisodes([[5, 1], [1, 2], [4, 3], [2, 4], [6, 5], [3, 6], [1, 7], [5, 8], [2, 9], [4, 10], [3, 11], [6, 12]]);
    const c = rewardFitnessCorrelation(speed)!;
    expect(c.episodes).toBe(12);
    expect(Math.abs(c.rho)).toBeLessThan(0.3);
    expect(diagnose(speed)).toContain(
      `Warning: the reward barely tells a good episode from a bad one (rank correlation ${c.rho.toFixed(2)} with fitness_score over 12 evaluation episodes): it pays for something other than the task.`,
    );
    // a cost per step in a task that pays for surviving
    const opposed = withEpisodes(Array.from({ length: 12 }, (_, i) => [-(i + 10), i + 10] as [number, number]));
    expect(diagnose(opposed)).toContain(
      'Warning: the more reward an episode earned, the lower its fitness_score (rank correlation -1.00 over 12 evaluation episodes): the reward pays against the task.',
    );
    // too few episodes, or a fitness that never varied: nothing to say
    expect(rewardFitnessCorrelation(withEpisodes([[1, 1], [2, 2], [3, 3]]))).toBeNull();
    expect(rewardFitnessCorrelation(withEpisodes(Array.from({ length: 12 }, (_, i) => [i, 500] as [number, number])))).toBeNull();
  });

  it('says nothing about a healthy run', () => {
    expect(diagnose([point(1000, 10, 12, { a: 5, b: 7 }), point(2000, 30, 40, { a: 15, b: 25 }), point(3000, 60, 70, { a: 30, b: 40 })])).toEqual([]);
  });
});

describe('select and reflect', () => {
  const samples: SampleOutcome[] = [
    { sample: 0, code: 'def compute_reward(self, x, action):\n    return 1.0, {"a": 1.0}', evals: [point(1000, 50, 1, { a: 1 }), point(2000, 80, 2, { a: 2 })] },
    { sample: 1, code: 'def compute_reward(self, x, action):\n    return 2.0, {"b": 2.0}', evals: [point(1000, 80, 1, { b: 1 }), point(2000, 70, 2, { b: 2 })] },
    { sample: 2, code: 'def compute_reward(self, x, action):\n    import os', evals: null, failure: { stage: 'forbidden', reason: 'line 2: `import os` is not allowed' } },
    { sample: 3, code: 'def compute_reward(self, x, action):\n    return 9.0, {}', evals: [point(1000, 95, 1, {})], failure: { stage: 'train', reason: 'timeout' } },
  ];

  it('picks the best checkpoint\'s fitness, ties to fewer steps, never a failed sample', () => {
    expect(selectBest(samples)!.sample).toBe(1); // 80 at 1000 steps beats 80 at 2000
    expect(selectBest([samples[2]!])).toBeNull();
    expect(selectBest([])).toBeNull();
  });

  it('writes the reflection: best code, per-component series, failures, advice', () => {
    const r = reflect(selectBest(samples), samples)!;
    expect(r.bestSample).toBe(1);
    expect(r.text).toContain('The best of them was sample 1, whose policy reached a ground-truth\nscore of 80.');
    expect(r.text).toContain('```python\ndef compute_reward(self, x, action):\n    return 2.0, {"b": 2.0}\n```');
    expect(r.text).toContain('fitness_score: [80, 70], Max: 80, Mean: 75, Min: 70');
    expect(r.text).toContain('b: [1, 2], Max: 2, Mean: 1.5, Min: 1');
    expect(r.text).toContain('episode_length: [100, 100]');
    expect(r.text).toContain('- sample 2 (forbidden): line 2: `import os` is not allowed');
    expect(r.text).toContain('- sample 3 (train): timeout');
    expect(r.text).toContain('`fitness_score` is the ground truth');
    expect(r.text).not.toContain('rank correlation'); // two evaluations without episodes: too few to say
    expect(r.text).not.toMatch(/\{\{|\n\n\n/);
  });

  it("states the reward's rank correlation with the fitness when there are enough episodes", () => {
    const evals = withEpisodes(Array.from({ length: 10 }, (_, i) => [i * i, i] as [number, number]), 5);
    const r = reflect({ sample: 0, code: samples[0]!.code, evals }, [])!;
    expect(r.text).toContain('Reward against fitness_score over the 10 evaluation episodes: rank correlation 1.00 (1: the reward ranks episodes exactly as the task does');
    expect(r.warnings.join('\n')).not.toContain('rank correlation');
  });

  it('has nothing to reflect on when no sample trained', () => {
    expect(reflect(null, samples)).toBeNull();
  });
});

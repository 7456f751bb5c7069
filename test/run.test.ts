/**
 * The Eureka loop end to end: the real `ollama` and `openai` clients against our loopback
 * server serving scripted answers (good, broken, reward-hacking, no code, 429, a dropped
 * stream), the real worker training CartPole on tiny budgets, the run folder as a user reads
 * it, and a run killed in the middle of training that resumes.
 */
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, readJsonl } from '../src/run/files';
import type { BenchmarkRecord, FinalRecord, HumanRecord, LlmCallRecord, RunEvent, SampleRecord } from '../src/run/layout';
import { writeReport } from '../src/report/index';
import { Run } from '../src/run/run';
import { shutdownWorker } from '../src/worker/client';
import type { EvalPoint } from '../src/worker/protocol/index';
import { startLoopbackLlm, type LoopbackLlm } from './llm-server';
import { envsDir, repoRoot, reward, tempDir, writeCartpoleConfig } from './helpers';
import { round } from '../src/reflect';

const fence = (code: string, prose = 'Here is a reward.') => `${prose}\n\n\`\`\`python\n${code.trimEnd()}\n\`\`\`\n`;
const SIG = 'def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):';

const GOOD_A = fence(reward('good'));
// the same reward with other spacing, comments and a docstring: trains once
const GOOD_A_AGAIN = fence(
  reward('good')
    .replace('upright = 1.0 - abs(pole_angle) / 0.2095', '"""Keep the pole up."""\n    upright = 1.0 - abs(pole_angle)/0.2095   # 0 at the limit')
    .replace(/\n\n\n/, '\n\n'),
  'Same idea, tidier:',
);
const GOOD_B = fence(`${SIG}\n    return 1.0, {"alive": 1.0}\n`, 'Fixed: the parenthesis was missing.');
// pays for speed, whatever happens to the pole: its reward dwarfs the fitness
const HACK = fence(`${SIG}\n    speed = 50.0 * abs(cart_velocity)\n    return speed, {"speed": speed}\n`, 'Reward fast motion.');
const SYNTAX = fence(reward('syntax_error'));
const WRONG_SIG = fence(reward('wrong_arguments'));
const NAN = fence(reward('nan_reward'));
const NO_CODE = 'I would reward the agent for keeping the pole upright and the cart near the centre.';

/** The fix the scripted LLM sends for each broken first answer. */
const FIXES: [string, string][] = [
  [SYNTAX, GOOD_B],
  [WRONG_SIG, fence(reward('raises_at_step_1000'))],
  [NAN, fence(reward('infinite_loop'))],
  [NO_CODE, NO_CODE],
];

type Msg = { role: string; content: string };

function answerFixes(body: Record<string, unknown>) {
  const messages = body.messages as Msg[];
  const last = messages.at(-1)!;
  if (!last.content.startsWith('Your reward function could not be used')) return undefined;
  const previous = messages.at(-2)!.content;
  // a fix of a fix: still broken
  const fix = FIXES.find(([broken]) => broken === previous)?.[1] ?? previous;
  return { text: fix };
}

const writeConfig = (dir: string, eureka: string, extra: { benchmark?: string; timesteps?: number; gif?: boolean } = {}) =>
  writeCartpoleConfig(dir, { eureka, ...extra });

let llm: LoopbackLlm;
beforeAll(async () => {
  llm = await startLoopbackLlm({ text: GOOD_A });
});
afterAll(async () => {
  await llm?.close();
  await shutdownWorker();
});

// a reasoning model's thoughts, with code in them that must never become the reward
const THINKING = 'Try a constant?\n```python\ndef compute_reward(self):\n    return 1.0, {"alive": 1.0}\n```\nNo: the angle.';

describe('a run with Ollama, scripted answers good and bad', () => {
  let run: Run;
  const events: RunEvent[] = [];

  beforeAll(async () => {
    llm.requests.length = 0;
    llm.respond = answerFixes;
    llm.script = [
      { status: 429 },
      { drop: true, after: 'Here is' },
      { text: GOOD_A, thinking: THINKING },
      { text: SYNTAX },
      { text: WRONG_SIG },
      { text: NAN },
      { text: NO_CODE },
      { text: GOOD_A_AGAIN },
      // iteration 1
      { text: HACK },
      ...Array.from({ length: 5 }, () => ({ text: GOOD_A })),
    ];
    const dir = tempDir('se-run-');
    const config = writeConfig(dir, `  backend: ollama\n  model: scripted\n  host: ${llm.url}\n  iterations: 2\n  samples: 6\n  concurrency: 1`, { benchmark: 'CartPole-v1' });
    run = Run.create(config, { cwd: dir, onEvent: (e) => void (e.type !== 'progress' && e.type !== 'llm_text' && events.push(e as RunEvent)) });
    await run.runAll();
  }, 600_000);

  it('finishes with a best reward, a deterministic final evaluation and a GIF', () => {
    expect(run.record.status).toBe('done');
    expect(run.record.completed_iterations).toBe(2);
    const final = readJson<FinalRecord>(path.join(run.dir, 'final', 'evaluation.json'))!;
    expect(final.episodes).toHaveLength(3);
    expect(final.deterministic).toBe(true);
    expect(final.of).toEqual({ iteration: run.record.best!.iteration, sample: run.record.best!.sample });
    const gif = fs.readFileSync(path.join(run.dir, 'final', 'policy.gif'));
    expect(gif.subarray(0, 6).toString()).toBe('GIF89a');
    expect(fs.existsSync(path.join(run.dir, 'best', 'best_model.zip'))).toBe(true);
    expect(fs.readFileSync(path.join(run.dir, 'best', 'reward.py'), 'utf8')).toContain('def compute_reward');
  });

  it('records each broken sample with its reason, after asking the LLM for one fix', () => {
    const s = run.samples(0);
    expect(s.map((x) => x.status)).toEqual(['trained', 'trained', 'invalid', 'invalid', 'invalid', 'duplicate']);
    expect(s[1]!.answers).toBe(2); // syntax error, then fixed
    expect(fs.existsSync(path.join(run.dir, 'iteration_0', 'sample_1', 'response_fix1.md'))).toBe(true);
    expect(s[2]!.failure).toMatchObject({ stage: 'smoke' });
    expect(s[2]!.failure!.reason).toMatch(/step budget exceeded/);
    expect(s[3]!.failure!.stage).toBe('smoke');
    expect(s[3]!.failure!.reason).toMatch(/did not return|never returned|seconds/);
    expect(s[4]!.failure).toMatchObject({ stage: 'extract' });
    expect(s[4]!.answers).toBe(2);
    expect(s[5]!.duplicate_of).toEqual({ iteration: 0, sample: 0 });
    const checks = readJsonl<{ passed: boolean; stage: string }>(path.join(run.dir, 'iteration_0', 'sample_1', 'checks.jsonl'));
    expect(checks.map((c) => [c.passed, c.stage])).toEqual([[false, 'syntax'], [true, 'ok']]);
  });

  it("keeps a reasoning model's thinking beside its answer, out of the reward", () => {
    const sample = path.join(run.dir, 'iteration_0', 'sample_0');
    expect(fs.readFileSync(path.join(sample, 'thinking.md'), 'utf8')).toBe(THINKING);
    expect(fs.readFileSync(path.join(sample, 'response.md'), 'utf8')).toBe(GOOD_A);
    expect(fs.readFileSync(path.join(sample, 'reward.py'), 'utf8')).not.toContain('"alive"');
    expect(fs.existsSync(path.join(run.dir, 'iteration_0', 'sample_1', 'thinking.md'))).toBe(false);
  });

  it('shows the LLM its error when asking for a fix', () => {
    const fixRequest = llm.requests.find((r) => (r.body.messages as Msg[]).at(-2)?.content === SYNTAX)!;
    const last = (fixRequest.body.messages as Msg[]).at(-1)!.content;
    expect(last).toMatch(/could not be used/);
    expect(last).toMatch(/line 2/);
    expect(last).toMatch(/syntax|parenthes/i);
  });

  it('retries a 429 and a dropped stream, and accounts for tokens', () => {
    const calls = readJsonl<LlmCallRecord>(path.join(run.dir, 'llm_calls.jsonl'));
    const first = calls.find((c) => c.purpose === 'generate' && c.iteration === 0)!;
    expect(first.attempts).toBe(3);
    expect(first.error).toBeNull();
    expect(calls.filter((c) => c.purpose === 'fix')).toHaveLength(4);
    expect(run.record.tokens.prompt).toBeGreaterThan(0);
    expect(run.record.tokens.completion).toBeGreaterThan(0);
  });

  it('sends the next iteration the best answer and the reflection on it', () => {
    const messages = JSON.parse(fs.readFileSync(path.join(run.dir, 'iteration_1', 'messages.json'), 'utf8')) as Msg[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    const best0 = run.iteration(0)!.best!;
    expect(messages[2]!.content).toBe(run.response(0, best0.sample));
    const feedback = messages[3]!.content;
    expect(feedback).toMatch(/fitness_score: \[.*\], Max: .*, Mean: .*, Min: /);
    expect(feedback).toMatch(/episode_length: \[/);
    expect(feedback).toMatch(/sample 2 \(smoke\): .*step budget exceeded/);
    expect(feedback).toMatch(/sample 4 \(extract\)/);
    expect(fs.readFileSync(path.join(run.dir, 'iteration_0', 'feedback.md'), 'utf8')).toBe(feedback);
  });

  it('trains a reward seen in an earlier iteration only once, and ranks by fitness, not reward', () => {
    const s = run.samples(1);
    expect(s[0]!.status).toBe('trained');
    expect(s.slice(1).map((x) => x.duplicate_of)).toEqual(Array.from({ length: 5 }, () => ({ iteration: 0, sample: 0 })));
    const hack = run.evals(1, 0);
    expect(hack.length).toBe(2);
    // the hacking reward pays far more than the task's score...
    for (const p of hack) expect(p.reward_mean).toBeGreaterThan(3 * p.fitness_mean);
    // ...and the best is whichever sample scored the highest fitness
    const trained = [...run.samples(0), ...s].filter((x) => x.status === 'trained');
    const top = Math.max(...trained.map((x) => x.best!.fitness));
    expect(run.record.best!.fitness).toBe(top);
  });

  it('writes every stage to the run folder as it happens', () => {
    for (const f of ['run.json', 'config.yml', 'config.json', 'env.json', 'events.jsonl', 'llm_calls.jsonl', 'iteration_0/prompt.md', 'iteration_0/reflection.md', 'iteration_0/iteration.json']) {
      expect(fs.existsSync(path.join(run.dir, f)), f).toBe(true);
    }
    const evals = readJsonl<EvalPoint>(path.join(run.dir, 'iteration_0', 'sample_0', 'train', 'evals.jsonl'));
    expect(evals).toHaveLength(2);
    expect(Object.keys(evals[0]!.components)).toEqual(['upright', 'centered']);
    const persisted = readJsonl<RunEvent & { at: string }>(path.join(run.dir, 'events.jsonl'));
    expect(persisted.length).toBe(events.length);
    expect(persisted.filter((e) => e.type === 'eval').length).toBe(3 * 2);
    const it0 = run.iteration(0)!;
    expect(it0.time.train_s).toBeGreaterThan(0);
    expect(it0.time.llm_s + it0.time.check_s + it0.time.train_s).toBeLessThanOrEqual(it0.time.total_s + 0.01);
  });

  it('trains the benchmark env with its own reward and scores HNS against it', () => {
    const b = readJson<BenchmarkRecord>(path.join(run.dir, 'benchmark', 'evaluation.json'))!;
    expect(b.status).toBe('succeeded');
    expect(Number.isFinite(b.evaluation!.fitness_mean)).toBe(true);
    expect(run.record.hns).toMatchObject({ sparse: 9, human: b.evaluation!.fitness_mean, human_from: 'benchmark' });
    const expected = Math.min(3, Math.max(0, (run.record.final!.fitness_mean - 9) / Math.abs(b.evaluation!.fitness_mean - 9)));
    expect(run.record.hns!.value).toBeCloseTo(expected, 10);
  });

  it('keeps a person\'s feedback in place of the reflection, and a finished run can be extended', async () => {
    const mine = 'Reward keeping the cart near the centre more strongly.';
    const fb = run.setFeedback(1, mine, 'replace');
    expect(fb.record.source).toBe('human');
    expect(run.reflect(1).text).toBe(`${mine}\n`);
    expect(run.feedback(1)!.record.source).toBe('human');
    // extending the finished run by an iteration: its prompt carries the person's words
    const more = Run.open(run.dir, { overrides: { iterations: 3 } });
    await more.runAll();
    expect(more.record).toMatchObject({ status: 'done', completed_iterations: 3, iterations: 3 });
    const messages = JSON.parse(fs.readFileSync(path.join(run.dir, 'iteration_2', 'messages.json'), 'utf8')) as Msg[];
    expect(messages.at(-1)!.content).toBe(`${mine}\n`);
    // nothing new to train: the scripted LLM answers with a reward trained in iteration 0
    expect(more.samples(2).every((x) => x.status === 'duplicate')).toBe(true);

    // a person's edit is its own sample, recorded as an edit, checked and trained like any other
    const edited = more.addEdit(2, reward('good').replace('-0.1 *', '-0.5 *'), { of: { iteration: 2, sample: 0 }, note: 'stronger centring' });
    expect(edited.sample).toBe(6);
    await more.check(2, 6);
    await more.train(2, 6);
    expect(more.sample(2, 6)).toMatchObject({ origin: 'edit', status: 'trained', answers: 0, edit_of: { iteration: 2, sample: 0 }, note: 'stronger centring' });
    expect(fs.existsSync(path.join(run.dir, 'iteration_2', 'sample_6', 'response.md'))).toBe(false);
    const broken = more.addEdit(2, reward('syntax_error'));
    expect((await more.check(2, broken.sample)).status).toBe('invalid'); // edits are not sent to the LLM
    expect(llm.requests.filter((r) => (r.body.messages as Msg[]).at(-2)?.content.includes('abs(pole_angle\n'))).toHaveLength(1);

    // redoing the last iteration sets it aside (kept on disk) and recomputes the best
    const aside = more.resetIteration(2);
    expect(fs.existsSync(path.join(aside, 'sample_6', 'sample.json'))).toBe(true);
    expect(more.iteration(2)).toBeNull();
    expect(more.record.completed_iterations).toBe(2);
    expect(more.record.best!.iteration).toBeLessThan(2);
    expect(() => more.resetIteration(0)).toThrow(/only the last iteration/);
  });
});

describe('a run with OpenAI', () => {
  it('takes all K samples from one call with n = K, after a 429', async () => {
    llm.requests.length = 0;
    llm.respond = undefined;
    llm.script = [{ status: 429 }, { text: GOOD_A }];
    const dir = tempDir('se-run-openai-');
    const config = writeConfig(dir, `  backend: openai\n  model: gpt-test\n  host: ${llm.url}/v1\n  iterations: 1\n  samples: 3`, { gif: false });
    const run = Run.create(config, { cwd: dir });
    await run.runAll();
    expect(llm.requests.map((r) => [r.path, r.body.n])).toEqual([['/v1/chat/completions', 3], ['/v1/chat/completions', 3]]);
    expect(run.samples(0).map((s) => s.status)).toEqual(['trained', 'duplicate', 'duplicate']);
    const calls = readJsonl<LlmCallRecord>(path.join(run.dir, 'llm_calls.jsonl'));
    expect(calls).toMatchObject([{ purpose: 'generate', attempts: 2, prompt_tokens: 42, backend: 'openai', model: 'gpt-test' }]);
    expect(run.record.final!.gif).toBeNull();
    expect(run.record.benchmark).toBeNull();
  });

  it("tells the LLM how well its reward ranks the evaluation episodes as the fitness does", async () => {
    llm.script = [{ text: GOOD_A }];
    const dir = tempDir('se-run-corr-');
    const config = writeCartpoleConfig(dir, { eureka: `  backend: openai\n  model: gpt-test\n  host: ${llm.url}/v1\n  iterations: 1\n  samples: 1`, gif: false, numEvals: 5 });
    const run = Run.create(config, { cwd: dir });
    await run.runAll();
    // upright and centred: the episodes it pays most for are the ones that last longest
    const episodes = run.evals(0, 0).flatMap((e) => e.episodes);
    expect(episodes).toHaveLength(10);
    expect(new Set(episodes.map((e) => e.fitness)).size).toBeGreaterThan(2);
    const reflection = fs.readFileSync(path.join(run.dir, 'iteration_0', 'reflection.md'), 'utf8');
    const rho = Number(/Reward against fitness_score over the 10 evaluation episodes: rank correlation (-?[\d.]+)/.exec(reflection)?.[1]);
    expect(rho).toBeGreaterThan(0.8);
    expect(reflection).not.toMatch(/barely tells|pays against/);
  });

  it('warm-starts the next iteration from the best model with pretraining_with_best_model', async () => {
    llm.script = [{ text: GOOD_A }, { text: GOOD_B }];
    const dir = tempDir('se-run-warm-');
    const config = writeConfig(dir, `  backend: openai\n  model: gpt-test\n  host: ${llm.url}/v1\n  iterations: 2\n  samples: 1\n  pretraining_with_best_model: true`, { gif: false });
    const warnings: string[] = [];
    const run = Run.create(config, { cwd: dir, onEvent: (e) => void (e.type === 'log' && warnings.push(e.message)) });
    await run.runAll();
    expect(run.sample(0, 0)!.init_model).toBeNull();
    expect(run.sample(1, 0)).toMatchObject({ status: 'trained', init_model: path.join(run.dir, 'best', 'best_model.zip') });
    expect(warnings.filter((w) => /warm-start/.test(w))).toEqual([]);
  });

  it('stops with a clear error when the server has no such model, and the run can resume', async () => {
    llm.script = [{ status: 404, body: JSON.stringify({ error: { message: 'model not found' } }) }];
    const dir = tempDir('se-run-404-');
    const config = writeConfig(dir, `  backend: openai\n  model: nope\n  host: ${llm.url}/v1\n  iterations: 1\n  samples: 2`, { gif: false });
    const run = Run.create(config, { cwd: dir });
    await expect(run.runAll()).rejects.toThrow(/no model 'nope'/);
    expect(readJson<{ status: string; error: string }>(path.join(run.dir, 'run.json'))).toMatchObject({ status: 'failed', error: expect.stringMatching(/no model/) });
    llm.script = [{ text: GOOD_A }];
    const resumed = Run.open(run.dir);
    await resumed.runAll();
    expect(resumed.record.status).toBe('done');
  });
});

describe('the human reward at iteration 0 (use_initial_reward_prompt)', () => {
  const HUMAN = fs.readFileSync(path.join(envsDir, 'cartpole', 'initial_reward_prompt.txt'), 'utf8');
  const humanConfig = (dir: string, envDir = path.join(envsDir, 'cartpole')) => {
    const file = writeConfig(dir, `  backend: ollama\n  model: scripted\n  host: ${llm.url}\n  iterations: 1\n  samples: 2\n  concurrency: 1`, { gif: false });
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('use_initial_reward_prompt: false', 'use_initial_reward_prompt: true').replace(path.join(envsDir, 'cartpole'), envDir));
    return file;
  };

  it('trains it as a sample of its own, which the reflection, the selection and the HNS compare against', async () => {
    llm.requests.length = 0;
    llm.respond = undefined;
    // the LLM's second answer copies the human reward it was shown
    llm.script = [{ text: GOOD_A }, { text: fence(HUMAN, 'The reward you gave, unchanged:') }];
    const dir = tempDir('se-run-human-');
    const run = Run.create(humanConfig(dir), { cwd: dir });
    await run.runAll();
    expect(llm.requests).toHaveLength(2);
    expect(JSON.stringify(run.folder.messages(0))).toContain('alive_bonus');
    const [a, copy, human] = run.samples(0);
    expect(human).toMatchObject({ sample: 2, origin: 'human', status: 'trained', answers: 0, code: HUMAN.trim() + '\n' });
    expect(a).toMatchObject({ origin: 'llm', status: 'trained' });
    // the human reward trains; the LLM's copy of it is its duplicate
    expect(copy).toMatchObject({ origin: 'llm', status: 'duplicate', duplicate_of: { iteration: 0, sample: 2 } });
    const reflection = fs.readFileSync(path.join(run.dir, 'iteration_0', 'reflection.md'), 'utf8');
    const best = run.iteration(0)!.best!;
    expect(reflection).toContain(best.sample === 2 ? 'That is the human reward you were shown' : `The human reward you were shown (sample 2), trained the same way, reached ${round(human!.best!.fitness)}`);
    const evaluation = readJson<HumanRecord>(path.join(run.dir, 'final', 'human_evaluation.json'))!;
    expect(evaluation).toMatchObject({ of: { iteration: 0, sample: 2 }, status: 'succeeded' });
    expect(run.record.human).toMatchObject({ of: { iteration: 0, sample: 2 }, fitness_mean: evaluation.evaluation!.fitness_mean });
    expect(run.record.hns).toMatchObject({ sparse: 9, human: evaluation.evaluation!.fitness_mean, human_from: 'human_reward' });
  });

  it('records a human reward that fails its checks, without asking the LLM to fix it', async () => {
    llm.requests.length = 0;
    llm.respond = undefined;
    llm.script = [{ text: GOOD_A }, { text: GOOD_B }];
    const dir = tempDir('se-run-human-bad-');
    const envDir = path.join(dir, 'cartpole');
    fs.cpSync(path.join(envsDir, 'cartpole'), envDir, { recursive: true });
    fs.writeFileSync(path.join(envDir, 'initial_reward_prompt.txt'), HUMAN.replace("'alive_bonus': 1.0,", "'alive_bonus': __import__('os').getpid(),"));
    const run = Run.create(humanConfig(dir, envDir), { cwd: dir });
    await run.runAll();
    expect(llm.requests).toHaveLength(2); // the two LLM samples; no fix request for the human's
    const human = run.sample(0, 2)!;
    expect(human).toMatchObject({ origin: 'human', status: 'invalid', failure: { stage: 'forbidden' } });
    expect(human.failure!.reason).toMatch(/__import__/);
    expect(run.record.status).toBe('done');
    expect(run.record.human).toBeNull();
    expect(run.record.hns).toBeNull(); // no human figure: no benchmark, no human_baseline
  });
});

describe("a gateway's headers and key", () => {
  it('reach the server, never the run folder or the report, and are sent again on resume', async () => {
    process.env.SE_TEST_GATEWAY_KEY = 'sk-gateway-secret-1';
    process.env.SE_TEST_ORG_SECRET = 'org-secret-2';
    llm.requests.length = 0;
    llm.respond = undefined;
    llm.script = [{ status: 404, body: JSON.stringify({ error: { message: 'model not found' } }) }];
    const dir = tempDir('se-run-headers-');
    const eureka = [
      '  backend: openai',
      '  model: gpt-test',
      `  host: ${llm.url}/v1`,
      '  iterations: 1',
      '  samples: 1',
      '  api_key_env: SE_TEST_GATEWAY_KEY',
      '  headers:',
      '    HTTP-Referer: https://example.org/eureka-notebook',
      '    X-Org-Key: "${SE_TEST_ORG_SECRET}"',
    ].join('\n');
    const config = writeConfig(dir, eureka, { gif: false });
    const run = Run.create(config, { cwd: dir });
    await expect(run.runAll()).rejects.toThrow(/no model/);
    const sent = () => llm.requests.at(-1)!.headers;
    expect(sent()).toMatchObject({ authorization: 'Bearer sk-gateway-secret-1', 'http-referer': 'https://example.org/eureka-notebook', 'x-org-key': 'org-secret-2' });

    llm.requests.length = 0;
    llm.script = [{ text: GOOD_A }];
    const resumed = Run.open(run.dir);
    await resumed.runAll();
    expect(resumed.record.status).toBe('done');
    expect(llm.requests).toHaveLength(1);
    expect(sent()).toMatchObject({ authorization: 'Bearer sk-gateway-secret-1', 'x-org-key': 'org-secret-2' });

    await writeReport(run.dir);
    const files = fs.readdirSync(run.dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['config.yml', 'config.json', 'report.html']));
    for (const f of files.filter((f) => !f.name.endsWith('.zip'))) {
      const text = fs.readFileSync(path.join(f.parentPath, f.name), 'utf8');
      for (const secret of ['sk-gateway-secret-1', 'org-secret-2', 'SE_TEST_GATEWAY_KEY', 'SE_TEST_ORG_SECRET', 'X-Org-Key', 'eureka-notebook']) {
        expect(text.includes(secret), `${secret} in ${path.join(f.parentPath, f.name)}`).toBe(false);
      }
    }
    // the rest of the config file is kept as written
    expect(fs.readFileSync(path.join(run.dir, 'config.yml'), 'utf8')).toMatch(/model: gpt-test[\s\S]*class_name: CartPoleEnv/);
  });

  it('name the variable that is not set', async () => {
    delete process.env.SE_TEST_UNSET_KEY;
    const dir = tempDir('se-run-nokey-');
    const config = writeConfig(dir, `  backend: openai\n  model: gpt-test\n  host: ${llm.url}/v1\n  iterations: 1\n  samples: 1\n  api_key_env: SE_TEST_UNSET_KEY`, { gif: false });
    await expect(Run.create(config, { cwd: dir }).runAll()).rejects.toThrow(/api_key_env names SE_TEST_UNSET_KEY, which is not set: export SE_TEST_UNSET_KEY=/);
  });
});

describe('a run killed in the middle of training', () => {
  it('resumes with --resume without redoing finished work', async () => {
    llm.requests.length = 0;
    llm.respond = undefined;
    llm.script = [{ text: GOOD_A }, { text: GOOD_B }];
    const dir = tempDir('se-run-kill-');
    const config = writeConfig(dir, `  backend: ollama\n  model: scripted\n  host: ${llm.url}\n  iterations: 1\n  samples: 2\n  concurrency: 1`, { timesteps: 16_000, gif: false });
    const out = path.join(dir, 'run');
    const bin = path.join(repoRoot, 'bin', 'stable-eureka.cjs');
    const child = execa(process.execPath, [bin, 'run', config, '--out', out], { cwd: dir, reject: false });
    // wait until the samples are training, then kill the CLI (and with it the worker) hard
    const sampleFile = path.join(out, 'iteration_0', 'sample_1', 'sample.json');
    const status = () => readJson<SampleRecord>(sampleFile)?.status;
    for (let t = 0; t < 600 && status() !== 'training'; t++) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 2000));
    child.kill('SIGKILL');
    await child;
    const killed = readJson<SampleRecord>(path.join(out, 'iteration_0', 'sample_0', 'sample.json'))!;
    expect(killed.status).toBe('training');
    const requestsBefore = llm.requests.length;
    expect(requestsBefore).toBe(2);

    const r = await execa(process.execPath, [bin, 'run', '--resume', out], { cwd: dir, reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    expect(llm.requests.length).toBe(requestsBefore); // the answers on disk were not asked for again
    expect(r.stdout).toMatch(/iter\s+sample\s+status/);
    expect(r.stdout).toMatch(/report: .*report\.html/);
    const resumed = Run.open(out);
    expect(resumed.record.status).toBe('done');
    for (const s of resumed.samples(0)) {
      expect(s.status).toBe('trained');
      // trained again from scratch: exactly the evaluations of one training
      expect(resumed.evals(0, s.sample)).toHaveLength(2);
    }
    expect(fs.existsSync(path.join(out, 'report.html'))).toBe(true);
  });
});

describe('an Ollama request that fails after its retries while the others answer', () => {
  it('loses only its own sample, with the reason, and asks for it again when the run goes on', async () => {
    llm.requests.length = 0;
    llm.respond = undefined;
    // concurrency 1: sample 0's request, then sample 1's three attempts (max_retries 2)
    llm.script = [{ text: GOOD_A }, { status: 500 }, { status: 500 }, { status: 500 }];
    const dir = tempDir('se-run-llm-');
    const config = writeConfig(dir, `  backend: ollama\n  model: scripted\n  host: ${llm.url}\n  iterations: 1\n  samples: 2\n  concurrency: 1`, { gif: false });
    const run = Run.create(config, { cwd: dir });
    const first = await run.generate(0);
    expect(first.map((s) => s.status)).toEqual(['pending', 'invalid']);
    expect(first[1]!.failure).toMatchObject({ stage: 'llm' });
    expect(first[1]!.failure!.reason).toMatch(/request for this sample failed after its retries: .*server error 500/);
    expect(fs.existsSync(path.join(run.dir, 'iteration_0', 'sample_1', 'response.md'))).toBe(false);
    // asked again (only sample 1), as on --resume
    llm.script = [{ text: GOOD_B }];
    const again = await run.generate(0);
    expect(again.map((s) => s.status)).toEqual(['pending', 'pending']);
    expect(llm.requests).toHaveLength(5);
    expect(fs.readFileSync(path.join(run.dir, 'iteration_0', 'sample_1', 'response.md'), 'utf8')).toBe(GOOD_B);
  }, 120_000);
});

/**
 * The LLM's side of an iteration: the conversation that asks for rewards, the requests and
 * their accounting (llm_calls.jsonl, tokens), the samples' first answers, and check-and-fix,
 * where a reward that fails its checks goes back to the LLM with the error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { envRefFromConfig } from '../envs';
import { extractReward } from '../extract';
import { LlmError, type Completion } from '../llm/types';
import { checkFailureText, executionErrorMessage, initialMessages, nextIterationMessages, noCodeText, promptEnv, type ChatMessage } from '../prompts';
import { checkReward } from '../training';
import type { CheckRecord, LlmCallRecord, SampleRecord } from './layout';
import type { Run } from './run';
import { now, RunInterrupted, timed, type StageIO } from './stage';
import type { Timeline } from './timeline';

/**
 * The conversation that asks for iteration i's samples: the first turns, then (after
 * iteration 0) the previous iteration's chosen answer and the feedback on it. Written to
 * messages.json the first time and read from there after, so a resumed run asks the same.
 */
export async function promptMessages(run: Run, i: number): Promise<ChatMessage[]> {
  const saved = run.folder.messages(i);
  if (saved) return saved;
  const env = await run.describe();
  const initial = initialMessages(promptEnv(env), { initialReward: run.config.eureka.use_initial_reward_prompt ? env.initial_reward : null });
  let messages = initial;
  if (i > 0) {
    const fb = run.feedback(i - 1);
    if (!fb) throw new Error(`iteration ${i - 1} has no feedback yet: run its samples and reflect first`);
    const about = fb.record.about;
    const answer = about ? run.response(about.iteration, about.sample) : null;
    messages = answer ? nextIterationMessages(initial, answer, fb.text) : [...initial.slice(0, -1), { role: 'user', content: `${initial.at(-1)!.content}\n\n${fb.text}` }];
  }
  run.folder.saveMessages(i, messages);
  return messages;
}

/**
 * The seed of an LLM request: fixed by the run's seed, the iteration and what is asked
 * (`offset`), so that a resumed or repeated run asks each question with the same seed.
 */
function llmSeed(run: Run, i: number, offset: number): number {
  return run.config.rl.training.seed * 1000 + i * 100 + offset;
}

/** One LLM request's answers, recorded in llm_calls.jsonl; LLM failures after retries stop the run. */
async function llmCompletions(run: Run, io: StageIO, i: number, purpose: 'generate' | 'fix', samples: number[], messages: ChatMessage[], seed: number, timeline?: Timeline): Promise<Completion[]> {
  io.emit({ type: 'llm', iteration: i, purpose, samples, phase: 'start' });
  const backend = run.backend;
  const call = () =>
    io.llmSlots.use(() =>
      backend.generate(messages, {
        n: samples.length,
        temperature: run.config.eureka.temperature,
        seed,
        signal: io.signal,
        onText: (k, text) => io.emit({ type: 'llm_text', iteration: i, sample: samples[k] ?? -1, text }),
      }),
    );
  const base = { iteration: i, purpose, samples, backend: backend.name, model: backend.model, at: now() };
  const started = performance.now();
  try {
    const completions = await timed(timeline, 'llm', call);
    const record: LlmCallRecord = {
      ...base,
      prompt_tokens: completions.reduce((a, c) => a + c.promptTokens, 0),
      completion_tokens: completions.reduce((a, c) => a + c.completionTokens, 0),
      // the whole call: K answers from one model may come one after another
      ms: Math.round(performance.now() - started),
      attempts: Math.max(...completions.map((c) => c.attempts)),
      error: null,
    };
    run.folder.appendLlmCall(record);
    run.record.tokens.prompt += record.prompt_tokens;
    run.record.tokens.completion += record.completion_tokens;
    io.saveRecord();
    io.emit({ type: 'llm', iteration: i, purpose, samples, phase: 'done' });
    return completions;
  } catch (err) {
    if (io.aborted) throw new RunInterrupted(run.dir);
    const message = (err as Error).message;
    run.folder.appendLlmCall({ ...base, prompt_tokens: 0, completion_tokens: 0, ms: 0, attempts: 0, error: message });
    io.emit({ type: 'llm', iteration: i, purpose, samples, phase: 'error', message });
    throw err instanceof LlmError ? err : new LlmError('server', message, false);
  }
}

/**
 * Iteration i's samples once each has an answer: asks the LLM for those it still lacks (all
 * K on a fresh iteration, only the missing ones on resume), each written as sample_<j>/response.md.
 */
export async function generatedSamples(run: Run, io: StageIO, i: number, timeline?: Timeline): Promise<SampleRecord[]> {
  const k = run.config.eureka.samples;
  if (i === 0 && run.config.eureka.use_initial_reward_prompt) await humanSample(run, io);
  const have = run.samples(i).filter((s) => s.answers > 0 || s.origin !== 'llm');
  const missing = Array.from({ length: k }, (_, j) => j).filter((j) => !have.some((s) => s.sample === j));
  if (missing.length === 0) return run.samples(i);
  const messages = await run.messages(i);
  const completions = await llmCompletions(run, io, i, 'generate', missing, messages, llmSeed(run, i, missing[0]!), timeline);
  completions.forEach((c, n) => {
    const j = missing[n]!;
    const s = io.newSample(i, j, 'llm');
    if (c.error !== undefined) {
      // its own request failed after its retries, the others answered: only this sample is
      // lost; with no answer it is asked again when the run resumes in this iteration
      s.status = 'invalid';
      s.failure = { stage: 'llm', reason: `the LLM request for this sample failed after its retries: ${c.error}` };
      return io.saveSample(s, s.failure.reason);
    }
    run.folder.saveResponse(i, j, 0, c.text, c.thinking);
    s.answers = 1;
    s.time.llm_s = c.ms / 1000;
    s.tokens = { prompt: c.promptTokens, completion: c.completionTokens };
    io.saveSample(s);
  });
  // eureka.sleep_time_per_iteration: a pause that spares a shared Ollama server
  const minutes = run.config.eureka.sleep_time_per_iteration;
  if (minutes > 0 && run.backend.name === 'ollama') await sleep(minutes * 60_000, undefined, { signal: io.signal }).catch(() => io.throwIfAborted());
  return run.samples(i);
}

/**
 * With use_initial_reward_prompt, the env folder's human reward (initial_reward_prompt.txt) as a
 * sample of iteration 0 after the LLM's K (origin 'human'), checked and trained like them, so
 * that selection, the reflection and the HNS compare against it. Added once; none without the file.
 */
async function humanSample(run: Run, io: StageIO): Promise<SampleRecord | null> {
  const existing = run.samples(0).find((s) => s.origin === 'human');
  if (existing) return existing;
  const text = (await run.describe()).initial_reward;
  if (!text?.trim()) return null;
  const j = Math.max(run.config.eureka.samples - 1, ...run.folder.sampleNumbers(0)) + 1;
  const s = io.newSample(0, j, 'human');
  const extraction = extractReward(text);
  if (!extraction.ok) {
    s.status = 'invalid';
    s.failure = { stage: 'extract', reason: `initial_reward_prompt.txt: ${extraction.reason}` };
    return io.saveSample(s, s.failure.reason);
  }
  s.code = extraction.code;
  run.folder.saveReward(0, j, s.code);
  return io.saveSample(s, 'the human reward (initial_reward_prompt.txt), to compare against');
}

/**
 * The sample once checked: extracts and checks its latest answer; when that fails and fix
 * attempts remain (eureka.check_retries), shows the LLM its error and checks the new answer.
 * Ends 'checked' (ready to train) or 'invalid' with the reason.
 */
export async function checkedSample(run: Run, io: StageIO, i: number, j: number, timeline?: Timeline): Promise<SampleRecord> {
  const s = run.sample(i, j);
  if (!s) throw new Error(`iteration ${i} has no sample ${j}`);
  if (s.status !== 'pending') return s;
  const env = envRefFromConfig(run.loaded);
  for (;;) {
    io.throwIfAborted();
    const answer = Math.max(0, s.answers - 1);
    const started = performance.now();
    let record: CheckRecord;
    let why = 'no code';
    if (s.origin === 'llm') {
      const extraction = extractReward(run.folder.response(i, j, answer) ?? '');
      s.code = extraction.ok ? extraction.code : null;
      if (!extraction.ok) why = extraction.reason;
    }
    if (s.code === null) {
      record = { answer, passed: false, stage: 'extract', message: why, feedback: noCodeText(why), wall_s: 0, at: now() };
      s.failure = { stage: 'extract', reason: why };
    } else {
      run.folder.saveReward(i, j, s.code);
      const code = s.code;
      const result = await timed(timeline, 'check', async () => checkReward(env, code, { worker: await io.worker(), signal: io.signal, smokeSteps: io.smokeSteps }));
      io.throwIfAborted();
      const first = result.errors[0];
      record = {
        answer,
        passed: result.passed,
        stage: result.stage,
        message: result.passed ? 'passed' : (first?.message ?? result.failure?.reason ?? 'failed'),
        feedback: checkFailureText(result),
        wall_s: (performance.now() - started) / 1000,
        at: now(),
      };
      s.normalized = result.normalized ?? null;
      s.components = result.components;
      s.failure = result.passed ? null : { stage: result.stage, reason: record.message, line: first?.line ?? result.failure?.line ?? null, traceback: result.failure?.traceback ?? null };
    }
    s.time.check_s += (performance.now() - started) / 1000;
    run.folder.appendCheck(i, j, record);
    if (record.passed) {
      s.status = 'checked';
      return io.saveSample(s, 'passed its checks');
    }
    // a person's code is not sent to the LLM to fix
    if (s.origin !== 'llm' || s.answers > run.config.eureka.check_retries) {
      s.status = 'invalid';
      return io.saveSample(s, s.failure?.reason);
    }
    io.saveSample(s, `check failed (${record.stage}); asking the LLM for a fix`);
    const previous = run.folder.response(i, j, answer) ?? '';
    const messages = [...(await run.messages(i)), { role: 'assistant' as const, content: previous }, executionErrorMessage(record.feedback)];
    const [fix] = await llmCompletions(run, io, i, 'fix', [j], messages, llmSeed(run, i, j + 50 * s.answers), timeline);
    run.folder.saveResponse(i, j, s.answers, fix!.text, fix!.thinking);
    s.answers += 1;
    s.time.llm_s += fix!.ms / 1000;
    s.tokens.prompt += fix!.promptTokens;
    s.tokens.completion += fix!.completionTokens;
    io.saveSample(s);
  }
}

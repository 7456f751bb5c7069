/**
 * The real `ollama` and `openai` npm clients against a loopback server that speaks their wire
 * protocols: streaming, K samples, retries on 429 and dropped connections, clear errors.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initialMessages } from '../src/prompts';
import { contextSize, OllamaBackend } from '../src/llm/ollama';
import { OpenAiBackend } from '../src/llm/openai';
import { backendFromConfig } from '../src/llm/factory';
import { EurekaSchema } from '../src/config/index';
import { splitThinking } from '../src/llm/thinking';
import { LlmError } from '../src/llm/types';
import { extractReward } from '../src/extract';
import { startLoopbackLlm, type LoopbackLlm } from './llm-server';

const REWARD = '```python\ndef compute_reward(self, x, action):\n    return -abs(x), {"distance": -abs(x)}\n```';
const messages = initialMessages({
  signature: 'def compute_reward(self, x, action)',
  call: 'self.compute_reward(x, action)',
  taskDescription: 'Keep x near zero.',
  envCode: 'def step(self, action):\n    ...\n'.repeat(400),
  allowedModules: ['math', 'numpy', 'random'],
});
const fast = { retries: 2, baseDelayMs: 10 };

let server: LoopbackLlm;
beforeAll(async () => {
  server = await startLoopbackLlm({ text: REWARD });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.script.length = 0;
});

describe('ollama backend', () => {
  const backend = () => new OllamaBackend({ model: 'qwen2.5-coder', host: server.url, retry: fast, concurrency: 2 });

  it('makes K streamed requests with distinct seeds and a context that fits the prompt', async () => {
    const streamed: string[] = ['', '', ''];
    const out = await backend().generate(messages, { n: 3, temperature: 0.7, seed: 10, onText: (i, t) => (streamed[i] += t) });
    expect(out.map((c) => c.text)).toEqual([REWARD, REWARD, REWARD]);
    expect(streamed).toEqual([REWARD, REWARD, REWARD]);
    expect(out[0]).toMatchObject({ promptTokens: 42, attempts: 1 });
    expect(server.requests).toHaveLength(3);
    const options = server.requests.map((r) => r.body.options as Record<string, number>);
    expect(options.map((o) => o.seed).sort()).toEqual([10, 11, 12]);
    const promptChars = messages.reduce((a, m) => a + m.content.length, 0);
    expect(options[0]!.num_ctx).toBeGreaterThan(promptChars / 3);
    expect(options[0]!.num_ctx).toBe(contextSize(messages, 2048));
    expect(options[0]!.temperature).toBe(0.7);
  });

  it('retries a 429 and a dropped connection, then succeeds', async () => {
    server.script.push({ status: 429 }, { drop: true, after: 'partial ' });
    const [c] = await backend().generate(messages, { n: 1 });
    expect(c!.text).toBe(REWARD);
    expect(c!.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it('loses only the sample whose request failed after its retries; stops when all fail', async () => {
    const b = new OllamaBackend({ model: 'm', host: server.url, retry: { retries: 1, baseDelayMs: 1 }, concurrency: 1 });
    server.script.push({ text: REWARD }, { status: 500 }, { status: 500 }, { text: REWARD });
    const out = await b.generate(messages, { n: 3 });
    expect(out.map((c) => c.text)).toEqual([REWARD, '', REWARD]);
    expect(out[1]!.error).toMatch(/server error 500/);
    expect(out[0]!.error).toBeUndefined();
    expect(server.requests).toHaveLength(4);
    server.script.push({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    await expect(b.generate(messages, { n: 2 })).rejects.toThrow(/server error 500/);
  });

  it("compares the prompt with the model's context before asking, naming both sizes and what to shorten", async () => {
    server.contextLength = 512; // the prompt (the CartPole env code and task) is ~1500 tokens
    try {
      const err = await backend().generate(messages, { n: 1 }).catch((e: unknown) => e);
      expect((err as LlmError).kind).toBe('bad_request');
      expect((err as Error).message).toMatch(/the prompt needs about \d+ tokens, more than the 512-token context of 'qwen2.5-coder'.*step\.py.*task_description\.txt/);
      expect(server.requests).toHaveLength(0); // no chat request was spent
      server.contextLength = 32_768;
      const fits = backend();
      await fits.generate(messages, { n: 1 });
      expect((server.requests[0]!.body.options as { num_ctx: number }).num_ctx).toBeLessThanOrEqual(32_768);
    } finally {
      server.contextLength = undefined;
    }
  });

  it('says which model is missing and how to get it, without retrying', async () => {
    server.script.push({ status: 404, body: JSON.stringify({ error: "model 'qwen2.5-coder' not found" }) });
    const err = await backend().generate(messages, { n: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('model_missing');
    expect((err as Error).message).toBe(`ollama at ${server.url} has no model 'qwen2.5-coder': run 'ollama pull qwen2.5-coder' there, or set eureka.model`);
    expect(server.requests).toHaveLength(1);
  });

  it('reports a server that is not there after its retries', async () => {
    const gone = await startLoopbackLlm();
    const host = gone.url;
    await gone.close();
    const down = new OllamaBackend({ model: 'm', host, retry: { retries: 1, baseDelayMs: 5 } });
    const err = await down.generate(messages, { n: 1 }).catch((e: unknown) => e);
    expect((err as LlmError).kind).toBe('unreachable');
    expect((err as Error).message).toBe(`ollama at ${host}: ECONNREFUSED`);
  });
});

// A reasoning model's thoughts, with a reward in them that must never be used.
const THOUGHT = 'The pole should stay up. Maybe:\n```python\ndef compute_reward(self):\n    return 1.0, {"alive": 1.0}\n```\nNo, pay for the angle.';

describe("a gateway's headers and key (eureka.headers, eureka.api_key_env)", () => {
  const eureka = (extra: Record<string, unknown>) => EurekaSchema.parse({ backend: 'ollama', model: 'qwen2.5-coder', host: server.url, max_retries: 0, ...extra });
  const env = { PROXY_KEY: 'k-123', TEAM: 'team-7' };

  it('ollama: sends the headers, with ${NAME} read from the environment, and the key as a bearer token', async () => {
    const backend = backendFromConfig(eureka({ headers: { 'X-Team': 'eureka ${TEAM}' }, api_key_env: 'PROXY_KEY' }), env);
    await backend.generate(messages, { n: 1 });
    expect(server.requests[0]!.headers).toMatchObject({ 'x-team': 'eureka team-7', authorization: 'Bearer k-123' });
  });

  it('openai: the key from the variable api_key_env names, in place of OPENAI_API_KEY', async () => {
    const backend = backendFromConfig(eureka({ backend: 'openai', host: `${server.url}/v1`, headers: { 'HTTP-Referer': 'https://example.org' }, api_key_env: 'PROXY_KEY' }), env);
    await backend.generate(messages, { n: 1 });
    expect(server.requests[0]!.headers).toMatchObject({ 'http-referer': 'https://example.org', authorization: 'Bearer k-123' });
  });

  it('names the header and the variable that is not set', () => {
    expect(() => backendFromConfig(eureka({ headers: { 'api-key': '${AZURE_KEY}' } }), env)).toThrow(/eureka.headers.api-key uses \$\{AZURE_KEY\}, which is not set: export AZURE_KEY/);
  });
});

describe('thinking, kept apart from the answer', () => {
  it('splits <think> blocks out of a text, closed, unclosed or opened by the template', () => {
    expect(splitThinking(`<think>${THOUGHT}</think>\n\n${REWARD}`)).toEqual({ answer: REWARD, thinking: THOUGHT });
    expect(splitThinking(`${THOUGHT}</think>${REWARD}`)).toEqual({ answer: REWARD, thinking: THOUGHT });
    expect(splitThinking(`<think>${THOUGHT}`)).toEqual({ answer: '', thinking: THOUGHT });
    expect(splitThinking(REWARD)).toEqual({ answer: REWARD, thinking: '' });
  });

  it('ollama: the thinking field and <think> tags stay out of the answer; a reward only in the thinking is not used', async () => {
    server.script.push({ text: REWARD, thinking: THOUGHT }, { text: `<think>${THOUGHT}</think>` });
    const b = new OllamaBackend({ model: 'qwen3', host: server.url, retry: { retries: 0, baseDelayMs: 1 }, concurrency: 1 });
    const [field, tags] = await b.generate(messages, { n: 2 });
    expect(field).toMatchObject({ text: REWARD, thinking: THOUGHT });
    expect(tags).toMatchObject({ text: '', thinking: THOUGHT });
    expect(extractReward(tags!.text).ok).toBe(false);
  });

  it('openai: reasoning_content deltas are the thinking, not the answer', async () => {
    server.script.push({ text: 'I will not write code.', thinking: THOUGHT });
    const b = new OpenAiBackend({ model: 'deepseek-r1', baseURL: `${server.url}/v1`, apiKey: 'k', retry: { retries: 0, baseDelayMs: 1 } });
    const [c] = await b.generate(messages, { n: 1 });
    expect(c).toMatchObject({ text: 'I will not write code.', thinking: THOUGHT });
    expect(extractReward(c!.text).ok).toBe(false);
  });
});

describe('openai backend', () => {
  const backend = () => new OpenAiBackend({ model: 'gpt-test', baseURL: `${server.url}/v1`, apiKey: 'k', retry: fast });

  it('asks for all K samples in one streamed call with n', async () => {
    const streamed = ['', ''];
    const out = await backend().generate(messages, { n: 2, temperature: 1, seed: 3, onText: (i, t) => (streamed[i] += t) });
    expect(out.map((c) => c.text)).toEqual([REWARD, REWARD]);
    expect(streamed).toEqual([REWARD, REWARD]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toMatchObject({ model: 'gpt-test', n: 2, temperature: 1, seed: 3, stream: true });
    expect(out[0]!.promptTokens + out[1]!.promptTokens).toBe(42);
    expect(out[0]!.completionTokens).toBe(10);
  });

  it('asks again, one sample a request, when the server ignores n, and remembers it', async () => {
    server.ignoreN = true;
    try {
      const b = backend();
      const streamed = ['', '', ''];
      const out = await b.generate(messages, { n: 3, seed: 5, onText: (i, t) => (streamed[i] += t) });
      expect(out.map((c) => c.text)).toEqual([REWARD, REWARD, REWARD]);
      expect(streamed).toEqual([REWARD, REWARD, REWARD]);
      // the first call asked for 3 and got one; the two missing as requests of one, own seeds
      expect(server.requests.map((r) => [r.body.n, r.body.seed])).toEqual([[3, 5], [1, 6], [1, 7]]);
      expect(b.ignoresN).toBe(true);
      // from then on: K requests of one
      await b.generate(messages, { n: 2, seed: 9 });
      expect(server.requests.slice(3).map((r) => [r.body.n, r.body.seed])).toEqual([[1, 9], [1, 10]]);
    } finally {
      server.ignoreN = false;
    }
  });

  it('retries a 429 and a dropped stream, then succeeds', async () => {
    server.script.push({ status: 429 }, { drop: true, after: 'half an answer' });
    const out = await backend().generate(messages, { n: 1 });
    expect(out[0]!.text).toBe(REWARD);
    expect(out[0]!.attempts).toBe(3);
  });

  it("says a context overflow with both sizes and what to shorten, without retrying", async () => {
    const message = "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.";
    server.script.push({ status: 400, body: JSON.stringify({ error: { message, type: 'invalid_request_error', code: 'context_length_exceeded' } }) });
    const err = await backend().generate(messages, { n: 1 }).catch((e: unknown) => e);
    expect((err as LlmError).kind).toBe('bad_request');
    expect((err as Error).message).toMatch(/the prompt needs 9000 tokens, more than the 8192-token context of 'gpt-test': shorten the env folder's step\.py/);
    expect(server.requests).toHaveLength(1);
  });

  it('names a refused key and a missing model', async () => {
    server.script.push({ status: 401 });
    await expect(backend().generate(messages, { n: 1 })).rejects.toThrow(/refused the API key \(401\)/);
    server.script.push({ status: 404 });
    await expect(backend().generate(messages, { n: 1 })).rejects.toThrow(/has no model 'gpt-test' \(404\)/);
  });

  it('needs a key for api.openai.com', () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      expect(() => new OpenAiBackend({ model: 'gpt-4o' })).toThrow(/OPENAI_API_KEY is not set/);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it('stops on abort without retrying', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await backend().generate(messages, { n: 1, signal: controller.signal }).catch((e: unknown) => e);
    expect((err as LlmError).kind).toBe('cancelled');
  });
});

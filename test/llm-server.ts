/**
 * A loopback HTTP server that speaks Ollama's /api/chat (NDJSON stream) and OpenAI's
 * /v1/chat/completions (SSE stream) and answers from a script: text to stream, an HTTP
 * status, or a connection dropped mid-stream. Every request body is kept for assertions.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Scripted =
  /** `thinking`: streamed first, as Ollama's `thinking` field or OpenAI-style `reasoning_content` deltas. */
  | { text: string; thinking?: string }
  | { status: number; body?: string }
  | { drop: true; after?: string };

export interface LoopbackLlm {
  url: string;
  requests: { path: string; body: Record<string, unknown>; headers: http.IncomingHttpHeaders }[];
  /** Answers in order; when empty, every request gets `fallback`. */
  script: Scripted[];
  /** Asked first: an answer chosen by the request (e.g. by its last message), or undefined. */
  respond?: (body: Record<string, unknown>) => Scripted | undefined;
  fallback: Scripted;
  /** Like llama.cpp's server, LM Studio and some gateways: one choice, whatever `n` asks. */
  ignoreN?: boolean;
  /** Ollama's /api/show: the model's context length (404 when unset, as for a missing model); asks counted apart from `requests`. */
  contextLength?: number;
  shows: number;
  close(): Promise<void>;
}

function chunks(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 7) out.push(text.slice(i, i + 7));
  return out;
}

export async function startLoopbackLlm(fallback: Scripted = { text: 'ok' }): Promise<LoopbackLlm> {
  const state: LoopbackLlm = { url: '', requests: [], script: [], fallback, shows: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      if (req.url === '/api/show') {
        state.shows++;
        if (state.contextLength === undefined) return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ license: '', modelfile: '', parameters: '', template: '', details: {}, model_info: { 'general.architecture': 'llama', 'llama.context_length': state.contextLength }, capabilities: ['completion'] }));
      }
      state.requests.push({ path: req.url ?? '', body, headers: req.headers });
      const step = state.respond?.(body) ?? state.script.shift() ?? state.fallback;
      if ('status' in step) {
        res.writeHead(step.status, { 'content-type': 'application/json' });
        res.end(step.body ?? JSON.stringify({ error: `scripted ${step.status}` }));
        return;
      }
      const model = String(body.model ?? 'm');
      if (req.url === '/api/chat') {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        const text = 'drop' in step ? (step.after ?? '') : step.text;
        const thinking = 'text' in step ? (step.thinking ?? '') : '';
        for (const c of chunks(thinking)) res.write(JSON.stringify({ model, created_at: new Date().toISOString(), message: { role: 'assistant', content: '', thinking: c }, done: false }) + '\n');
        for (const c of chunks(text)) res.write(JSON.stringify({ model, created_at: new Date().toISOString(), message: { role: 'assistant', content: c }, done: false }) + '\n');
        if ('drop' in step) return void res.socket?.destroy();
        res.end(
          JSON.stringify({
            model,
            created_at: new Date().toISOString(),
            message: { role: 'assistant', content: '' },
            done: true,
            done_reason: 'stop',
            prompt_eval_count: 42,
            eval_count: chunks(text).length,
          }) + '\n',
        );
      } else if (req.url === '/v1/chat/completions') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const n = state.ignoreN ? 1 : Number(body.n ?? 1);
        const send = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
        const base = { id: 'c1', object: 'chat.completion.chunk', created: 0, model };
        const text = 'drop' in step ? (step.after ?? '') : step.text;
        const thinking = 'text' in step ? (step.thinking ?? '') : '';
        for (const c of chunks(thinking)) {
          for (let i = 0; i < n; i++) send({ ...base, choices: [{ index: i, delta: { content: null, reasoning_content: c }, finish_reason: null }] });
        }
        for (const c of chunks(text)) {
          for (let i = 0; i < n; i++) send({ ...base, choices: [{ index: i, delta: { content: i === 0 ? c : `${c}` }, finish_reason: null }] });
        }
        if ('drop' in step) return void res.socket?.destroy();
        for (let i = 0; i < n; i++) send({ ...base, choices: [{ index: i, delta: {}, finish_reason: 'stop' }] });
        send({ ...base, choices: [], usage: { prompt_tokens: 42, completion_tokens: 10 * n, total_tokens: 42 + 10 * n } });
        res.end('data: [DONE]\n\n');
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}

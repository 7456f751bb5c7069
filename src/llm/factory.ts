/** The backend a config names, with its host, timeout, retries, concurrency, headers and key. */
import type { EurekaConfig } from '../config/index';
import { LocalBackend } from './local';
import { OllamaBackend } from './ollama';
import { OpenAiBackend } from './openai';
import { LlmError, type LlmBackend } from './types';

export function backendFromConfig(eureka: EurekaConfig, env: NodeJS.ProcessEnv = process.env): LlmBackend {
  const timeoutMs = eureka.timeout_s * 1000;
  const retry = { retries: eureka.max_retries, baseDelayMs: 1000 };
  const headers = requestHeaders(eureka.headers, env);
  const apiKey = eureka.api_key_env === null ? undefined : apiKeyFrom(eureka.api_key_env, env);
  switch (eureka.backend) {
    case 'local':
      return new LocalBackend({ model: eureka.model });
    case 'ollama':
      return new OllamaBackend({ model: eureka.model, host: eureka.host ?? undefined, timeoutMs, retry, concurrency: eureka.concurrency, headers, apiKey });
    case 'openai':
      return new OpenAiBackend({ model: eureka.model, baseURL: eureka.host ?? undefined, timeoutMs, retry, concurrency: eureka.concurrency, headers, apiKey });
  }
}

/** eureka.headers with each `${NAME}` replaced by that environment variable (which must be set). */
export function requestHeaders(headers: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, v: string) => {
        const got = env[v];
        if (got === undefined || got === '') throw new LlmError('auth', `eureka.headers.${name} uses \${${v}}, which is not set: export ${v} before the run`, false);
        return got;
      }),
    ]),
  );
}

function apiKeyFrom(name: string, env: NodeJS.ProcessEnv): string {
  const key = env[name];
  if (key === undefined || key === '') throw new LlmError('auth', `eureka.api_key_env names ${name}, which is not set: export ${name}=<your key> before the run`, false);
  return key;
}

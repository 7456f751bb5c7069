/**
 * The LLM request options that never reach the disk: `eureka.headers` (a gateway's headers,
 * often a key among them) and `eureka.api_key_env` (where the key is). A run folder's config
 * (config.json, config.yml) is written without them; a resumed run reads them again from the
 * config file it was created from (run.json's config_file), which the user owns.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigError, fallbackPhrase, toIssues } from './errors';
import { parseYaml } from './load';
import { EurekaSchema, type Config } from './schema';

export const REQUEST_OPTION_KEYS = ['headers', 'api_key_env'] as const;

const RequestOptionsSchema = EurekaSchema.pick({ headers: true, api_key_env: true });
export type RequestOptions = Pick<Config['eureka'], (typeof REQUEST_OPTION_KEYS)[number]>;

const NONE: RequestOptions = { headers: {}, api_key_env: null };

/** The config as a run folder keeps it: the request options at their defaults. */
export function withoutRequestOptions(config: Config): Config {
  return withRequestOptions(config, NONE);
}

/** The config with these request options. */
export function withRequestOptions(config: Config, options: RequestOptions): Config {
  return { ...config, eureka: { ...config.eureka, headers: { ...options.headers }, api_key_env: options.api_key_env } };
}

/** A config file's YAML without the request options (comments and order kept); unchanged when it has none. */
export function yamlWithoutRequestOptions(text: string): string {
  const doc = parseDocument(text, { version: '1.1' });
  const present = REQUEST_OPTION_KEYS.filter((k) => doc.hasIn(['eureka', k]));
  if (!present.length) return text;
  for (const k of present) doc.deleteIn(['eureka', k]);
  return doc.toString();
}

/**
 * The request options a config file holds now (none when it is gone). Only those two keys are
 * read: the rest of the file may have changed since the run began, and the run keeps its own.
 */
export function requestOptionsFrom(file: string): RequestOptions {
  if (!existsSync(file)) return NONE;
  const raw = parseYaml(readFileSync(file, 'utf8'), file);
  const eureka = (raw as { eureka?: Record<string, unknown> } | null)?.eureka ?? {};
  const picked = Object.fromEntries(REQUEST_OPTION_KEYS.flatMap((k) => (k in eureka ? [[k, eureka[k]]] : [])));
  const result = RequestOptionsSchema.safeParse(picked, { error: fallbackPhrase });
  if (result.success) return result.data;
  throw new ConfigError(file, toIssues(result.error.issues.map((i) => ({ ...i, path: ['eureka', ...i.path] })), raw));
}

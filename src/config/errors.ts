/**
 * Config errors: {@link ConfigError} and {@link toIssues}, which turns zod issues into
 * ConfigIssues (each naming the file, the key and the fix): the one place where messages are written.
 */
import { z } from 'zod';
import { ConfigSchema } from './schema';

export interface ConfigIssue {
  /** Dotted key path, e.g. 'rl.training.eval.num_episodes'; '' for YAML syntax and whole-file errors. */
  keyPath: string;
  /** What is wrong, without a trailing period. */
  problem: string;
  /** How to fix it, a full sentence. */
  hint: string;
  /** 1-based position, for YAML syntax errors. */
  line?: number;
  col?: number;
}

/** One or more problems with a config file. `keyPath`/`hint` are those of the first problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly keyPath: string;
  readonly hint: string;
  readonly line: number | undefined;
  readonly col: number | undefined;

  constructor(
    readonly file: string,
    readonly issues: ConfigIssue[],
  ) {
    super(issues.map((i) => `${file}: ${where(i)}${i.problem}. ${i.hint}`).join('\n'));
    const first = issues[0];
    this.keyPath = first?.keyPath ?? '';
    this.hint = first?.hint ?? '';
    this.line = first?.line;
    this.col = first?.col;
  }
}

/** 'key.path: ', 'line 3, column 5: ' or '' (for the file as a whole). */
const where = (i: ConfigIssue) =>
  i.keyPath ? `${i.keyPath}: ` : i.line !== undefined ? `line ${i.line}, column ${i.col}: ` : '';

/** Fallback phrases for schema parts without their own (free-form mappings, enums, ...). */
export const fallbackPhrase: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === 'invalid_type') {
    return { object: 'a mapping', record: 'a mapping', array: 'a list' }[iss.expected as string] ?? `a ${iss.expected}`;
  }
  return undefined;
};

/** Turns zod issues into ConfigIssues: the one place where messages are written. */
export function toIssues(zodIssues: z.core.$ZodIssue[], raw: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const typoTargets = new Set<string>();
  for (const iss of zodIssues) {
    const keyPath = iss.path.join('.');
    const value = valueAt(raw, iss.path);
    const want = iss.message;
    if (iss.code === 'unrecognized_keys') {
      const known = knownKeys(iss.path);
      for (const key of iss.keys) {
        const guess = closest(key, known);
        if (guess) typoTargets.add([...iss.path, guess].join('.'));
        out.push({
          keyPath: [...iss.path, key].join('.'),
          problem: `unknown key '${key}'`,
          hint: guess
            ? `Did you mean '${guess}'?`
            : `Remove it; known keys${keyPath ? ` under ${keyPath}` : ''} are ${known.join(', ')}.`,
        });
      }
    } else if (iss.code === 'invalid_key') {
      out.push({ keyPath, problem: `'${String(iss.path.at(-1))}' is not an HTTP header name`, hint: 'Use letters, digits and dashes, as in HTTP-Referer.' });
    } else if (iss.path[0] === 'eureka' && iss.path[1] === 'headers' && iss.path.length > 2) {
      // a header's value may be a key: named by its kind, never shown
      out.push({ keyPath, problem: `the value is ${kind(value)}, not ${want}`, hint: `Set ${keyPath} to ${want} (a secret as \${NAME}, read from the environment).` });
    } else if (iss.code === 'invalid_type' && value == null && iss.expected === 'object') {
      const key = String(iss.path.at(-1) ?? '');
      out.push({
        keyPath,
        problem: `required section '${key}' is ${value === null ? 'empty' : 'missing'}`,
        hint: `Add the '${key}:' section${iss.path.length > 1 ? ` under ${iss.path.slice(0, -1).join('.')}` : ''} with its keys.`,
      });
    } else if (value === undefined) {
      const to = iss.code === 'invalid_value' ? `one of ${iss.values.join(', ')}` : want;
      out.push({ keyPath, problem: 'required key is missing', hint: `Set ${keyPath} to ${to}.` });
    } else if (iss.code === 'invalid_value') {
      out.push({
        keyPath,
        problem: `${show(value)} is not one of ${iss.values.join(', ')}`,
        hint: `Set ${keyPath} to one of them.`,
      });
    } else {
      const typeMismatch = iss.code === 'invalid_type' && value !== null && !(iss.expected === 'int' && typeof value === 'number');
      out.push({
        keyPath,
        problem: typeMismatch ? `${show(value)} is ${kind(value)}, not ${want}` : `${show(value)} is not ${want}`,
        hint: `Set ${keyPath} to ${want}.`,
      });
    }
  }
  // A typo ('trainig') also makes the real key ('training') missing: report only the typo.
  return out.filter((i) => !(typoTargets.has(i.keyPath) && i.problem.endsWith('missing')));
}

function valueAt(raw: unknown, p: PropertyKey[]): unknown {
  let v = raw;
  for (const k of p) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export function kind(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

type Def = {
  type: string;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  out?: z.core.$ZodType;
  shape?: Record<string, z.core.$ZodType>;
  options?: z.core.$ZodType[];
};

/** Keys of the strict object at `p` in ConfigSchema (for "did you mean"). */
function knownKeys(p: PropertyKey[]): string[] {
  let s: z.core.$ZodType | undefined = ConfigSchema;
  let i = 0;
  while (s) {
    const def = s._zod.def as unknown as Def;
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe') s = def.out?._zod.def.type === 'transform' ? def.in : def.out;
    else if (def.type === 'union') s = def.options?.find((o) => o._zod.def.type === 'object');
    else if (def.type === 'object' && def.shape) {
      if (i === p.length) return Object.keys(def.shape);
      s = def.shape[String(p[i++])];
    } else return [];
  }
  return [];
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

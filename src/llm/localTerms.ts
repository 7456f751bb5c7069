/**
 * What the embedded model may write, and the reward it becomes. The model writes terms only,
 * each a weight times a feature of one argument of the env's call; a grammar holds it to them.
 * Each term is named for what it computes (`abs_pole_angle`, `near_zero_cart_position`,
 * `position_within_0_45`, `change_square_velocity`, `terminated`), never a word of the model's,
 * and a term written twice is one. The function around the terms, with the exact signature, is
 * fixed text, so every sample is a well-formed reward.
 */

export interface Term {
  name: string;
  weight: number;
  /** The Python expression of the term's value, weight aside. */
  code: string;
  /** A change since the previous step: the quantity's key and expression, kept on `self`. */
  tracks?: { key: string; code: string };
}

/** A feature of one argument: what the model writes (a grammar rule and its pattern), and what it becomes. */
interface Feature {
  rule: string;
  pattern: RegExp;
  name: (arg: string, limit: string) => string;
  code: (arg: string, limit: string) => string;
}

const mean = (inner: string) => `float(np.mean(${inner}))`;

const VALUE_FEATURES: Feature[] = [
  { rule: '"float(" arg ")"', pattern: /^float\((\w+)\)$/, name: (a) => a, code: (a) => mean(a) },
  { rule: '"np.abs(" arg ")"', pattern: /^np\.abs\((\w+)\)$/, name: (a) => `abs_${a}`, code: (a) => mean(`np.abs(${a})`) },
  { rule: '"np.square(" arg ")"', pattern: /^np\.square\((\w+)\)$/, name: (a) => `square_${a}`, code: (a) => mean(`np.square(${a})`) },
  // bounded bonuses, 1 at zero and falling away from it: smoothly, or linearly to 0 at the limit
  { rule: '"np.exp(-np.square(" arg "))"', pattern: /^np\.exp\(-np\.square\((\w+)\)\)$/, name: (a) => `near_zero_${a}`, code: (a) => mean(`np.exp(-np.square(${a}))`) },
  {
    rule: '"(1 - np.abs(" arg ") / " limit ")"',
    pattern: /^\(1 - np\.abs\((\w+)\) \/ (\d\.\d+)\)$/,
    name: (a, l) => `${a}_within_${l.replace('.', '_')}`,
    code: (a, l) => mean(`1 - np.abs(${a}) / ${l}`),
  },
];

/**
 * Arguments that are flags (a termination, a crash, a contact): only their value is a feature,
 * so `-5 * terminated` is a terminal penalty and nothing squares a boolean. Known by name, the
 * only thing the signature tells.
 */
const FLAG = /^(terminated|truncated|done|success|game_over|\w*_contacts?|\w*_awake|is_\w+|has_\w+)$/;

export function isFlag(arg: string): boolean {
  return FLAG.test(arg);
}

/**
 * GBNF for the terms: `weight * feature` lines, then `}`. A feature is a value feature of an
 * argument, its change since the previous step (`change(np.square(velocity))`), or a flag's value.
 */
export function componentsGrammar(args: string[], newTerms = 4): string {
  const values = args.filter((a) => !isFlag(a));
  const flags = args.filter(isFlag);
  const feature = [...(values.length ? ['value', '"change(" value ")"'] : []), ...(flags.length ? ['"float(" flag ")"'] : [])];
  return [
    `root ::= term${' term?'.repeat(Math.max(0, newTerms - 1))} "}"`,
    'term ::= weight " * " feature "\\n"',
    'weight ::= "-"? [0-9] "." [0-9] [0-9]?',
    `feature ::= ${feature.join(' | ')}`,
    ...(values.length
      ? [`value ::= ${VALUE_FEATURES.map((f) => f.rule).join(' | ')}`, 'limit ::= [0-9] "." [0-9] [1-9]', `arg ::= ${values.map((a) => JSON.stringify(a)).join(' | ')}`]
      : []),
    ...(flags.length ? [`flag ::= ${flags.map((a) => JSON.stringify(a)).join(' | ')}`] : []),
  ].join('\n');
}

/** One written feature (`np.abs(x)`, `change(np.square(v))`) as a term of weight 0; null if it is none. */
function featureTerm(written: string): Term | null {
  const change = /^change\((.+)\)$/.exec(written);
  if (change) {
    const inner = featureTerm(change[1]!);
    if (!inner || inner.tracks) return null;
    const key = inner.name;
    return { name: `change_${key}`, weight: 0, code: `(now["${key}"] - before["${key}"])`, tracks: { key, code: inner.code } };
  }
  for (const f of VALUE_FEATURES) {
    const m = f.pattern.exec(written);
    if (m) return { name: f.name(m[1]!, m[2] ?? ''), weight: 0, code: f.code(m[1]!, m[2] ?? '') };
  }
  return null;
}

/**
 * The model's terms as named components: one per feature, weights of a repeated term added, a
 * term whose weights cancel dropped. `base` (terms carried over from the previous best) comes
 * first, and the model's terms join it at its scale: their largest weight no larger than the
 * base's, or a new term the model weighs up to 9.99 would undo the advice the base took.
 */
export function termsOf(written: string, base: Term[] = []): Term[] {
  const lines = written
    .split('\n')
    .map((line) => /^\s*(-?\d+(?:\.\d+)?) \* (.+)$/.exec(line))
    .map((m) => (m ? { weight: Number(m[1]), term: featureTerm(m[2]!.trim()) } : null))
    .filter((x): x is { weight: number; term: Term } => x?.term != null);
  const largest = (ws: number[]) => Math.max(0, ...ws.map(Math.abs));
  const largestNew = largest(lines.map((x) => x.weight));
  const scale = base.length && largestNew > 0 ? Math.min(1, largest(base.map((t) => t.weight)) / largestNew) : 1;
  const terms = new Map<string, Term>(base.map((t) => [t.name, { ...t }]));
  for (const { weight, term } of lines) {
    const t = terms.get(term.name) ?? term;
    t.weight += weight * scale;
    terms.set(term.name, t);
  }
  const kept = [...terms.values()].filter((t) => Math.abs(t.weight) > 1e-9);
  return kept.length ? kept : [...terms.values()].slice(0, 1);
}

/** Weights as a person writes them: two decimals, or two significant digits for one the steer scaled below 0.01. */
const weightText = (w: number) => (Math.abs(w) >= 0.01 || w === 0 ? w.toFixed(2) : w.toPrecision(2));

/** The terms inside the fixed function, as Python source. */
export function rewardFunction(signature: string, terms: Term[]): string {
  const tracked = terms.filter((t) => t.tracks);
  return [
    'import numpy as np',
    '',
    '',
    `${signature}:`,
    ...(tracked.length
      ? [
          '    # quantities whose change since the previous step is paid, kept on self',
          '    # (the first step of an episode compares with the last of the one before)',
          '    now = {',
          ...tracked.map((t) => `        "${t.tracks!.key}": ${t.tracks!.code},`),
          '    }',
          '    before = getattr(self, "reward_previous", now)',
          '    self.reward_previous = now',
        ]
      : []),
    '    components = {',
    ...terms.map((t) => `        "${t.name}": ${weightText(t.weight)} * ${t.code},`),
    '    }',
    '    total = float(sum(components.values()))',
    '    return total, components',
  ].join('\n');
}

/** The terms of a reward written by rewardFunction (`"name": weight * code,` lines), with what they track. */
export function writtenTerms(text: string): Term[] {
  const section = (start: string) => {
    const from = text.indexOf(`    ${start} = {\n`);
    return from < 0 ? '' : text.slice(from, text.indexOf('\n    }', from));
  };
  const tracked = new Map([...section('now').matchAll(/^\s*"(\w+)": (.+),$/gm)].map((m) => [m[1]!, m[2]!]));
  return [...section('components').matchAll(/^\s*"(\w+)": (-?[\d.]+(?:e-?\d+)?) \* (.+),$/gm)].map((m) => {
    const key = /^\(now\["(\w+)"\] - before\["\w+"\]\)$/.exec(m[3]!)?.[1];
    const code = key === undefined ? undefined : tracked.get(key);
    return { name: m[1]!, weight: Number(m[2]), code: m[3]!, ...(key !== undefined && code !== undefined ? { tracks: { key, code } } : {}) };
  });
}

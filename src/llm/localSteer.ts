/**
 * How the embedded model takes the reflection's advice, as a larger model would read it: the
 * next answer starts from the previous best reward's terms (the assistant turn of the
 * conversation), with the components the reflection calls flat dropped, those it calls
 * dominating scaled down to the size of the rest (at most a hundredfold), those it calls
 * negligible scaled up to a tenth of the largest (but a change since the previous step, whose
 * sum is no measure of it), and, when it says the reward pays against the task, the sign turned
 * of the components that fell as fitness_score rose; the model then adds terms of its own, at the
 * kept terms' scale (localTerms.ts). The warnings are recognised by the shipped sentences of
 * src/prompts/lines.md, and the statistics by reflect.ts's reader: each written in one place.
 */
import type { ChatMessage } from '../prompts';
import { keyedLines } from '../prompts';
import { rankCorrelation, readSeries } from '../reflect';
import { writtenTerms, type Term } from './localTerms';

/** A lines.md sentence as a pattern: each {{placeholder}} matches a value, captured under its name. */
function sentence(template: string): RegExp {
  const parts = template.split(/(\{\{\w+\}\})/);
  return new RegExp(parts.map((p) => (/^\{\{\w+\}\}$/.test(p) ? `(?<${p.slice(2, -2)}>[^\\s\`]+?)` : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join(''), 'g');
}

export interface Steer {
  terms: Term[];
  /** What was done, for the answer's prose. */
  notes: string[];
}

/** The previous best's terms with the reflection's advice applied; null on a first prompt. */
export function steeredTerms(messages: ChatMessage[]): Steer | null {
  const k = messages.map((m) => m.role).lastIndexOf('assistant');
  if (k < 0) return null;
  const previous = writtenTerms(messages[k]!.content);
  if (!previous.length) return null;
  const feedback = messages.slice(k + 1).map((m) => m.content).join('\n');
  const t = keyedLines('lines', ['flat', 'dominating', 'negligible', 'anticorrelated'] as const);
  const found = (key: 'flat' | 'dominating' | 'negligible') => new Map([...feedback.matchAll(sentence(t[key]))].map((m) => [m.groups!.name!, m.groups!]));
  const flat = found('flat');
  const dominating = found('dominating');
  const negligible = found('negligible');
  const series = new Map(readSeries(feedback).map((s) => [s.name, s.values]));
  const notes: string[] = [];
  const kept = previous.filter((x) => {
    if (flat.has(x.name)) notes.push(`dropped ${x.name}: flat at every evaluation`);
    return !flat.has(x.name);
  });
  // a component's size: its mean per episode over the evaluations
  const size = (name: string) => {
    const v = series.get(name);
    return v?.length ? Math.abs(v.reduce((a, b) => a + b, 0) / v.length) : NaN;
  };
  const scaled = kept.map((x) => {
    let weight = x.weight;
    if (dominating.has(x.name)) {
      // down to the size of the kept others together, in a round factor, and at most a
      // hundredfold (a rest that small is no scale to aim at: 2150 beside 0.0001 asked for
      // twenty millionfold); tenfold when the statistics say nothing of them
      const rest = kept.filter((o) => o !== x).reduce((a, o) => a + size(o.name), 0);
      const ratio = size(x.name) / rest;
      const factor = Number.isFinite(ratio) && ratio > 1 ? Math.min(100, roundFactor(ratio)) : 10;
      weight /= factor;
      notes.push(`scaled ${x.name} down ${factor}-fold: it drowned the others`);
    }
    const small = negligible.get(x.name);
    // a change sums to about its last value less its first over an episode, whatever its size
    // at each step: a small sum says nothing of its scale, and scaling it up blew it up
    if (small && !x.tracks) {
      // up to a tenth of the largest, in a round factor
      const factor = roundFactor((0.1 * Math.abs(Number(small.largest_value))) / Math.abs(Number(small.value)));
      if (Number.isFinite(factor) && factor > 1) {
        weight *= factor;
        notes.push(`scaled ${x.name} up ${factor}-fold: it was too small to matter beside ${small.largest}`);
      }
    }
    return { ...x, weight };
  });
  const opposed = sentence(t.anticorrelated).test(feedback) ? turnOpposed(scaled, series) : null;
  if (opposed) notes.push(opposed.note);
  if (!notes.length) notes.push('kept the previous best terms');
  return { terms: opposed?.terms ?? scaled, notes };
}

/**
 * The reward paid against the task: turn the sign of the components that fell as fitness_score
 * rose over the evaluations, keep those that rose with it; every sign when none fell.
 */
function turnOpposed(terms: Term[], series: Map<string, number[]>): { terms: Term[]; note: string } {
  const fitness = series.get('fitness_score');
  const fell = (x: Term) => {
    const values = series.get(x.name);
    const rho = fitness && values?.length === fitness.length ? rankCorrelation(values, fitness) : null;
    return rho !== null && rho < 0;
  };
  const against = terms.filter(fell).map((x) => x.name);
  const turned = (x: Term) => ({ ...x, weight: -x.weight });
  if (!against.length) return { terms: terms.map(turned), note: 'turned every sign: the reward paid against the task' };
  return {
    terms: terms.map((x) => (against.includes(x.name) ? turned(x) : x)),
    note: `turned the sign of ${against.join(', ')}: the reward paid against the task, and ${against.length > 1 ? 'these fell' : 'it fell'} as fitness_score rose`,
  };
}

/** 1, 2 or 5 times a power of ten, at or below f (a hair over, for f's rounding: 499.99... is 500). */
function roundFactor(f: number): number {
  const g = f * (1 + 1e-9);
  const p = 10 ** Math.floor(Math.log10(g));
  return [5, 2, 1].map((m) => m * p).find((x) => x <= g)!;
}

/**
 * How the embedded model takes the reflection's advice, as a larger model would read it: the
 * next answer starts from the previous best reward's terms (the assistant turn of the
 * conversation), with the components the reflection calls flat dropped, those it calls
 * dominating scaled down tenfold, those it calls negligible scaled up to a tenth of the
 * largest, and every sign turned when it says the reward pays against the task; the model then
 * adds terms of its own. The warnings are recognised by the shipped
 * sentences of src/prompts/lines.md, the one place they are written.
 */
import type { ChatMessage } from '../prompts';
import { keyedLines } from '../prompts';
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
  const opposed = sentence(t.anticorrelated).test(feedback);
  const notes: string[] = [];
  const terms = previous
    .filter((x) => {
      if (flat.has(x.name)) notes.push(`dropped ${x.name}: flat at every evaluation`);
      return !flat.has(x.name);
    })
    .map((x) => {
      let weight = x.weight;
      if (dominating.has(x.name)) {
        weight /= 10;
        notes.push(`scaled ${x.name} down tenfold: it drowned the others`);
      }
      const small = negligible.get(x.name);
      if (small) {
        // up to a tenth of the largest, in a round factor
        const factor = roundFactor((0.1 * Math.abs(Number(small.largest_value))) / Math.abs(Number(small.value)));
        if (Number.isFinite(factor) && factor > 1) {
          weight *= factor;
          notes.push(`scaled ${x.name} up ${factor}-fold: it was too small to matter beside ${small.largest}`);
        }
      }
      return { ...x, weight: opposed ? -weight : weight };
    });
  if (opposed) notes.push('turned every sign: the reward paid against the task');
  if (!notes.length) notes.push('kept the previous best terms');
  return { terms, notes };
}

/** 1, 2 or 5 times a power of ten, at or below f. */
function roundFactor(f: number): number {
  const p = 10 ** Math.floor(Math.log10(f));
  return [5, 2, 1].map((m) => m * p).find((x) => x <= f)!;
}

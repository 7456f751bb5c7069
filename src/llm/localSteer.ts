/**
 * How the embedded model takes the reflection's advice, as a larger model would read it: the
 * next answer starts from the previous best reward's terms (the assistant turn of the
 * conversation), with the components the reflection calls flat dropped, those it calls
 * dominating scaled down tenfold, and every sign turned when it says the reward pays against
 * the task; the model then adds terms of its own. The warnings are recognised by the shipped
 * sentences of src/prompts/lines.md, the one place they are written.
 */
import type { ChatMessage } from '../prompts';
import { keyedLines } from '../prompts';

export interface Term {
  name: string;
  weight: number;
  code: string;
}

/** A lines.md sentence as a pattern: each {{placeholder}} matches a value, `{{name}}` captured. */
function sentence(template: string): RegExp {
  const parts = template.split(/(\{\{\w+\}\})/);
  return new RegExp(parts.map((p) => (p === '{{name}}' ? '(\\w+)' : /^\{\{\w+\}\}$/.test(p) ? '[^\\s`]+?' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join(''), 'g');
}

/** The terms of a reward the embedded model wrote (`"name": weight * code,` lines). */
export function writtenTerms(text: string): Term[] {
  return [...text.matchAll(/^\s*"(\w+)": (-?\d+(?:\.\d+)?) \* (float\(.+\)),\s*$/gm)].map((m) => ({ name: m[1]!, weight: Number(m[2]), code: m[3]! }));
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
  const t = keyedLines('lines', ['flat', 'dominating', 'anticorrelated'] as const);
  const named = (key: 'flat' | 'dominating') => new Set([...feedback.matchAll(sentence(t[key]))].map((m) => m[1]!));
  const flat = named('flat');
  const dominating = named('dominating');
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
      return { ...x, weight: opposed ? -weight : weight };
    });
  if (opposed) notes.push('turned every sign: the reward paid against the task');
  if (!notes.length) notes.push('kept the previous best terms');
  return { terms, notes };
}

/**
 * Figures as a person reads them, and text made safe for HTML: the one rule for each, shared by
 * the report's page, the notebook views and their text/plain.
 */
import type { Fitness } from '../run/layout';

export const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Escapes text for HTML content and attribute values. */
export function esc(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Numbers as a person reads them: 3 significant digits under 1, 2 decimals under 1000, thousands separated above; '—' for no number. */
export function num(x: unknown): string {
  if (!isNum(x)) return '—';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 1 || a === 0) return String(Number(x.toFixed(2)));
  return String(Number(x.toPrecision(3)));
}

/** A count (steps, tokens, episodes): rounded, thousands separated. */
export const count = (x: unknown): string => (isNum(x) ? Math.round(x).toLocaleString('en-US') : '—');

/** Seconds to one decimal, no unit (table cells under a "(s)" header). */
export const tenths = (x: unknown): string => (isNum(x) ? x.toFixed(1) : '—');

/** A duration in seconds as "12.3 s", "4 min 05 s" or "2 h 07 min". */
export function duration(s: unknown): string {
  if (!isNum(s) || s < 0) return '—';
  if (s < 60) return `${s.toFixed(1)} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = Math.floor(s % 60);
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(r).padStart(2, '0')} s`;
}

/** The first line that is not blank ('' when there is none). */
export const firstLine = (s: string): string => s.split(/\r?\n/).find((l) => l.trim()) ?? '';

/** A fitness; a best evaluation so far has no std (null). */
export type FitnessLike = Pick<Fitness, 'fitness' | 'timesteps'> & { fitness_std: number | null };

/** A fitness's two figures: "120.5 ± 3" and its steps "2,048"; null when there is no fitness. Each view joins them its own way. */
export function fitnessFigures(f: FitnessLike | null | undefined): { value: string; steps: string } | null {
  if (!f || !isNum(f.fitness)) return null;
  return { value: f.fitness_std === null ? num(f.fitness) : `${num(f.fitness)} ± ${num(f.fitness_std)}`, steps: count(f.timesteps) };
}

/** "120.5 ± 3 @ 2,048 steps" ('—' when there is no fitness). */
export function fitnessText(f: FitnessLike | null | undefined): string {
  const p = fitnessFigures(f);
  return p ? `${p.value} @ ${p.steps} steps` : '—';
}

/** "120.5 ± 3 @ 2,048": a table cell under "best fitness" ('—' when there is none). */
export function fitnessCell(f: FitnessLike | null | undefined): string {
  const p = fitnessFigures(f);
  return p ? `${p.value} @ ${p.steps}` : '—';
}

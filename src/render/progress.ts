/**
 * The live training chart's progress bars (one a sample, filled to its share of the steps),
 * for display/views.ts trainingChart.
 */
import { finite, frame, type ChartOptions, type VegaLiteSpec } from './charts';

/** One bar of a training progress chart. */
export interface ProgressRow {
  /** e.g. "sample 1". */
  label: string;
  /** Fraction done, 0 to 1. */
  done: number;
  /** A sample status (training, trained, failed, ...): the bar's colour. */
  status: string;
  /** Shown on the bar, e.g. "12k / 20k steps · 1.5k steps/s · best 120". */
  note: string;
}

/** Light fills, so the dark note written over them stays readable (contrast above 7:1). */
const PROGRESS_COLORS: [string, string][] = [
  ['queued', '#d9d9d9'],
  ['training', '#9ecae9'],
  ['trained', '#a1d99b'],
  ['stopped', '#d8c3b5'],
  ['failed', '#ffb3ae'],
  ['interrupted', '#ffcf99'],
];

/** Training progress: one bar per sample, filled to the fraction of its steps done. */
export function progressSpec(rows: ProgressRow[], opts?: ChartOptions): VegaLiteSpec {
  const values = rows.map((r) => ({ label: r.label, done: finite(r.done) ? Math.min(1, Math.max(0, r.done)) : 0, full: 1, status: r.status, note: r.note }));
  const y = { field: 'label', type: 'nominal' as const, title: null, sort: rows.map((r) => r.label) };
  const x = { type: 'quantitative' as const, scale: { domain: [0, 1] }, axis: { format: '%', title: null, tickCount: 5 } };
  return {
    ...frame(opts, 'Training progress'),
    height: opts?.height ?? Math.max(24, 24 * rows.length),
    data: { values },
    layer: [
      { mark: { type: 'bar', color: '#f3f5f7' }, encoding: { y, x: { ...x, field: 'full' } } },
      {
        mark: { type: 'bar' },
        encoding: {
          y,
          x: { ...x, field: 'done' },
          color: { field: 'status', type: 'nominal', legend: null, scale: { domain: PROGRESS_COLORS.map(([s]) => s), range: PROGRESS_COLORS.map(([, c]) => c) } },
        },
      },
      { mark: { type: 'text', align: 'left', baseline: 'middle', x: 4, fontSize: 11, color: '#1f2328' }, encoding: { y, text: { field: 'note', type: 'nominal' } } },
    ],
  };
}

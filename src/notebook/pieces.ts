/**
 * The pieces the notebook views share that src/render/ has nothing like: a heading, a muted
 * line, a <details>, charts side by side, feedback text with its code fences highlighted, and
 * two short phrases. Everything else (escaping, figures, badges, boxes, tables, code) is render's.
 */
import { codeHtml, esc, STYLE } from '../render/index';
import type { SampleRecord } from '../run/layout';

/** "iteration 0 sample 1". */
export const ref = (i: number, j: number) => `iteration ${i} sample ${j}`;

/** A view's heading (text escaped; `extra` is HTML, a badge or a note). */
export const heading = (text: string, extra = '') => `<div style="${STYLE.h}">${esc(text)}${extra}</div>`;

/** A grey line of HTML (escaped already). */
export const muted = (html: string) => `<div style="${STYLE.muted}">${html}</div>`;

/** A <details> block: summary and inner are HTML (escaped already). */
export const details = (summary: string, inner: string, open = false) =>
  `<details${open ? ' open' : ''} style="margin:4px 0"><summary style="${STYLE.summary}">${summary}</summary>${inner}</details>`;

/** Pieces of HTML side by side, wrapping on narrow outputs (charts, GIFs). */
export const row = (items: string[]) =>
  `<div style="display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start">${items.map((x) => `<div style="flex:1 1 380px;min-width:0">${x}</div>`).join('')}</div>`;

/** "2 trained, 1 invalid": how many samples have each status. */
export function countStatuses(samples: SampleRecord[]): string {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'no samples';
}

/** Feedback or prompt text: python fences highlighted, warning lines marked, the rest as written (escaped). */
export function feedbackHtml(text: string): string {
  const parts = text.split(/^```[ \t]*(?:python|py)?[ \t]*\n([\s\S]*?)^```[ \t]*$/m);
  const out: string[] = [];
  parts.forEach((part, k) => {
    if (k % 2 === 1) {
      out.push(codeHtml(part.replace(/\n$/, '')));
      return;
    }
    if (!part.trim()) return;
    const lines = part
      .replace(/^\n+|\n+$/g, '')
      .split('\n')
      .map((l) => (/^\s*(Warning:|!)/.test(l) ? `<mark style="background:#fff8c5;color:#1f2328">${esc(l)}</mark>` : esc(l)));
    out.push(`<pre style="${STYLE.text}">${lines.join('\n')}</pre>`);
  });
  return out.join('');
}

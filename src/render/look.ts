/**
 * How HTML is styled where it lands. The same piece can take two looks:
 *   'page'    the report, one page with its stylesheet (src/report/style.ts): elements name classes
 *   'inline'  notebook outputs, which get no stylesheet of ours: elements carry inline styles
 * Here: the roles an element can play in either look, the status colours (badges, and the report
 * stylesheet's badge rules), tables, and the inline pieces the notebook views share.
 */
import { esc, fitnessFigures, type FitnessLike } from './format';

export type Look = 'page' | 'inline';

/**
 * The front end's colours: JupyterLab's and Notebook 7's theme variables, then VS Code's (its
 * notebook outputs get --vscode-*), then light fallbacks for a page with neither (an nbconvert
 * export without its theme, GitHub). Text and its ground come from the same theme, so they stay
 * apart in light and dark. A colour that is not from the theme is only ever used with its own
 * ground (badges, chips).
 */
export const THEME = {
  fg: 'var(--jp-content-font-color1,var(--vscode-editor-foreground,#1f2328))',
  muted: 'var(--jp-content-font-color2,var(--vscode-descriptionForeground,#59636e))',
  bg: 'var(--jp-layout-color0,var(--vscode-editor-background,#ffffff))',
  bg2: 'var(--jp-layout-color2,var(--vscode-editorWidget-background,#eef1f4))',
  line: 'var(--jp-border-color1,var(--vscode-panel-border,#d0d7de))',
  line2: 'var(--jp-border-color2,var(--vscode-panel-border,#e3e7eb))',
  // the page's own ground: the editor's grey (#f5f5f5 in JupyterLab's light theme) leaves its
  // comment and number colours under 4.5:1
  codeBg: 'var(--jp-layout-color0,var(--vscode-editor-background,#ffffff))',
  codeFg: 'var(--jp-content-font-color1,var(--vscode-editor-foreground,#24292e))',
} as const;

/** Inline styles of notebook outputs. */
export const STYLE = {
  root: `font:13px/1.45 system-ui,-apple-system,Roboto,Helvetica,Arial,sans-serif;color:${THEME.fg};background:${THEME.bg};padding:6px 8px;border-radius:6px`,
  pre: `font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:${THEME.codeBg};color:${THEME.codeFg};border:1px solid ${THEME.line};border-radius:6px;padding:8px 10px;margin:4px 0;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere;text-align:left`,
  /** The <code> inside a <pre>: the front end's styles for inline code (a ground and padding per line) undone. */
  code: 'background:transparent;padding:0;border:0;border-radius:0;font:inherit;color:inherit;white-space:inherit',
  text: `font:13px/1.45 system-ui,-apple-system,Roboto,Helvetica,Arial,sans-serif;background:${THEME.bg};color:${THEME.fg};border:1px solid ${THEME.line};border-radius:6px;padding:8px 10px;margin:4px 0;white-space:pre-wrap;overflow-wrap:anywhere;text-align:left`,
  muted: `color:${THEME.muted}`,
  table: `border-collapse:collapse;font-size:12px;margin:4px 0;color:${THEME.fg}`,
  th: `border-bottom:1px solid ${THEME.line};background:${THEME.bg2};color:${THEME.fg};padding:3px 8px;text-align:left;font-weight:600`,
  td: `border-bottom:1px solid ${THEME.line2};padding:3px 8px;text-align:left;vertical-align:top`,
  num: `border-bottom:1px solid ${THEME.line2};padding:3px 8px;text-align:right;vertical-align:top;font-variant-numeric:tabular-nums;white-space:nowrap`,
  h: 'font-size:14px;font-weight:600;margin:6px 0 4px',
  summary: 'cursor:pointer',
} as const;

/** A table row's own ground (see ROLES.row). */
const ROW_GROUND = `background:${THEME.bg}`;

/**
 * What an element is, as a class of the report's stylesheet and as an inline style. An empty
 * one adds nothing in that look.
 */
const ROLES = {
  muted: { page: 'muted', inline: STYLE.muted },
  samplesTable: { page: 'samples', inline: STYLE.table },
  th: { page: '', inline: STYLE.th },
  td: { page: '', inline: STYLE.td },
  num: { page: 'n', inline: STYLE.num },
  fitness: { page: 'n fit', inline: STYLE.num },
  reason: { page: 'reason', inline: STYLE.td },
  // the text's own colour: a red star on the best row's tint fell under 4.5:1
  star: { page: 'star', inline: 'color:inherit' },
  // every row on the theme's own ground: JupyterLab stripes odd table rows (#f5f5f5 in its light
  // theme), under which muted text falls below 4.5:1
  row: { page: '', inline: ROW_GROUND },
  // tints over the theme's ground: the row's text keeps the theme's colour
  globalBestRow: { page: 'best-global', inline: `background:linear-gradient(rgba(255,129,130,0.16),rgba(255,129,130,0.16)),${THEME.bg}` },
  iterationBestRow: { page: 'best-it', inline: `background:linear-gradient(rgba(84,174,255,0.14),rgba(84,174,255,0.14)),${THEME.bg}` },
  iterationFirstRow: { page: 'sep', inline: `border-top:2px solid ${THEME.line}` },
  /** A <details> in a table cell (the page's print script leaves these closed). */
  cellDetails: { page: 'cell', inline: '' },
  summary: { page: '', inline: STYLE.summary },
  cellText: { page: 'text', inline: `${STYLE.pre};max-height:300px` },
} as const;

export type Role = keyof typeof ROLES;

/** The attribute that gives an element its roles in a look: ` class="…"`, ` style="…"`, or ''. */
export function attrs(look: Look, ...roles: (Role | null | false | undefined)[]): string {
  const parts = roles.flatMap((r) => (r ? [ROLES[r][look]] : [])).filter(Boolean);
  if (!parts.length) return '';
  return look === 'page' ? ` class="${parts.join(' ')}"` : ` style="${parts.join(';')}"`;
}

/** Boxes and status labels by tone: background and border. */
export const TONES = {
  info: { bg: '#ddf4ff', border: '#54aeff' },
  warning: { bg: '#fff8c5', border: '#d4a72c' },
  error: { bg: '#ffebe9', border: '#ff8182' },
  ok: { bg: '#dafbe1', border: '#4ac26b' },
  quiet: { bg: '#eaeef2', border: '' },
} as const;

export type Tone = keyof typeof TONES;

/** Each status of a run, an iteration, a sample or a job, by tone. */
const STATUS_TONES: Record<string, Tone> = {
  trained: 'ok', done: 'ok', succeeded: 'ok', checked: 'ok',
  invalid: 'error', failed: 'error', timeout: 'error', out_of_memory: 'error', crashed: 'error',
  duplicate: 'quiet', cancelled: 'quiet', stopped: 'quiet',
  interrupted: 'warning',
  pending: 'info', queued: 'info', training: 'info', running: 'info', generating: 'info', checking: 'info', reflecting: 'info',
};

/** A status as a small coloured label (on the page by class: see badgeCss). */
export function badge(status: unknown, look: Look = 'inline'): string {
  const s = typeof status === 'string' ? status : 'unknown';
  const tone = Object.hasOwn(STATUS_TONES, s) ? STATUS_TONES[s] : undefined;
  if (look === 'page') return `<span class="badge${tone ? ` st-${s}` : ''}">${esc(s)}</span>`;
  const bg = tone ? TONES[tone].bg : '#fff';
  return `<span style="display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;border:1px solid #d0d7de;background:${bg};color:#1f2328;white-space:nowrap">${esc(s)}</span>`;
}

/** The page's rules for badge(…, 'page'): one a tone. */
export function badgeCss(): string {
  return [...new Set(Object.values(STATUS_TONES))]
    .map((tone) => {
      const statuses = Object.keys(STATUS_TONES).filter((s) => STATUS_TONES[s] === tone);
      const { bg, border } = TONES[tone];
      return `${statuses.map((s) => `.st-${s}`).join(', ')} { background: ${bg};${border ? ` border-color: ${border};` : ''} }`;
    })
    .join('\n');
}

/** A fitness in HTML: on the page the value kept on one line and the steps muted; inline the table cell's text. */
export function fitnessHtml(f: FitnessLike | null | undefined, look: Look, note = ''): string {
  const p = fitnessFigures(f);
  if (!p) return '—';
  if (look === 'inline') return esc(`${p.value} @ ${p.steps}${note}`);
  return `<span class="nw">${p.value}</span> <span class="muted nw">@ ${p.steps} steps${esc(note)}</span>`;
}

/** Each tone as a tint over the theme's ground (boxes: their text keeps the theme's colour). */
const TINTS: Record<'info' | 'warning' | 'error' | 'ok', string> = {
  info: 'rgba(84,174,255,0.13)',
  warning: 'rgba(212,167,44,0.16)',
  error: 'rgba(255,129,130,0.16)',
  ok: 'rgba(74,194,107,0.14)',
};

/** A coloured box around html (its content must be escaped already). */
export function box(inner: string, tone: 'info' | 'warning' | 'error' | 'ok' = 'info'): string {
  return `<div style="border:1px solid ${TONES[tone].border};background:${TINTS[tone]};color:${THEME.fg};border-radius:6px;padding:6px 10px;margin:4px 0;font:13px/1.45 system-ui,sans-serif">${inner}</div>`;
}

/** A word on its own light ground (passed, failed): readable whatever the theme. */
export function chip(text: string, tone: Tone): string {
  return `<span style="background:${TONES[tone].bg};color:#1f2328;padding:0 5px;border-radius:4px">${text}</span>`;
}

/** The outer element of every notebook view's HTML. */
export function page(inner: string): string {
  return `<div style="${STYLE.root}">${inner}</div>`;
}

/** Text as it was written (escaped, wrapped, no markup read). */
export function preText(text: string, style: string = STYLE.text): string {
  return `<pre style="${style}">${esc(text)}</pre>`;
}

/** An SVG as an <img> (a data URI: survives the sanitiser of untrusted notebooks, ids stay its own). */
export function svgImg(svg: string, alt: string): string {
  return `<img alt="${esc(alt)}" style="max-width:100%;height:auto" src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}">`;
}

/** A table with inline styles: headers as text, cells as HTML (escaped already); `num` marks right-aligned columns. */
export function tableHtml(headers: string[], rows: string[][], opts: { num?: number[]; rowStyle?: (k: number) => string } = {}): string {
  const num = new Set(opts.num ?? []);
  const head = headers.map((h) => `<th style="${STYLE.th}">${esc(h)}</th>`).join('');
  const body = rows
    .map((r, k) => `<tr style="${ROW_GROUND}${opts.rowStyle?.(k) ? `;${opts.rowStyle(k)}` : ''}">${r.map((c, i) => `<td style="${num.has(i) ? STYLE.num : STYLE.td}">${c}</td>`).join('')}</tr>`)
    .join('');
  return `<table style="${STYLE.table}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A table as aligned plain text. */
export function textTable(headers: string[], rows: string[][]): string {
  const clean = (s: string) => s.replace(/\s+/g, ' ').trim();
  const all = [headers, ...rows].map((r) => r.map(clean));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

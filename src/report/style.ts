/**
 * The report page's style: its stylesheet, its one script (opens the folded blocks before
 * printing), and the document around a page's body (also the benchmark's page).
 */
import crypto from 'node:crypto';
import { esc } from '../render/format';
import { badgeCss } from '../render/look';

/** The page's stylesheet (the badge rules come from the status colours in src/render/look.ts). */
export const CSS = `
:root { --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --bg2:#f6f8fa; --accent:#0969da; }
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); margin: 0; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 22px 0 8px; }
a { color: var(--accent); text-decoration: none; }
.muted { color: var(--muted); }
.sub { color: var(--muted); margin: 0 0 18px; }
nav.toc { font-size: 13px; margin: 8px 0 0; }
nav.toc a { margin-right: 12px; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 10px; margin: 18px 0; }
.fact { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; background: var(--bg2); break-inside: avoid; }
.fact .k { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.fact .v { font-size: 15px; font-weight: 600; overflow-wrap: anywhere; }
.fact .v .muted { font-weight: 400; font-size: 13px; }
.warn { border: 1px solid #d4a72c; background: #fff8c5; border-radius: 6px; padding: 8px 12px; margin: 12px 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg2); font-weight: 600; position: sticky; top: 0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.fit { white-space: normal; min-width: 7em; }
.nw { white-space: nowrap; }
tr.best-it td { background: #f0f7ff; }
tr.best-global td { background: #fff1f0; }
tr.sep td { border-top: 2px solid #8c959f; }
.star { color: #cf222e; font-weight: 700; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; border: 1px solid var(--line); background: #fff; white-space: nowrap; }
${badgeCss()}
.reason { min-width: 180px; max-width: 420px; overflow-wrap: break-word; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure.chart { margin: 0; flex: 1 1 540px; min-width: 0; break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 12px; color: var(--muted); }
pre { margin: 0; }
pre.code, pre.diff, pre.text { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--bg2); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.code code.hljs { background: transparent; padding: 0; }
pre.text { font-family: inherit; font-size: 13px; background: #fff; }
pre.diff span { display: block; min-height: 1.45em; }
.d-add { background: #dafbe1; } .d-del { background: #ffebe9; } .d-hunk { color: #8250df; background: #f5f0ff; }
.d-file { color: var(--muted); font-weight: 600; } .d-note { color: var(--muted); }
details { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; margin: 10px 0; }
details > summary { cursor: pointer; font-weight: 600; }
details[open] > summary { margin-bottom: 8px; }
td details { border: 0; padding: 0; margin: 0; }
td details > summary { font-weight: 400; }
td details pre { margin-top: 4px; max-height: 320px; overflow: auto; }
.gif { margin: 12px 0; }
.gif img { max-width: 100%; image-rendering: auto; border: 1px solid var(--line); border-radius: 6px; }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); }
@media print {
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-after: avoid; }
  section.iteration { break-before: page; }
  th { position: static; }
  table.samples { font-size: 11px; }
  tr, figure, pre, .fact { break-inside: avoid; }
  pre.code, pre.diff, td details pre { max-height: none; overflow: visible; }
  details { border: 0; padding: 0; }
  a { color: inherit; }
  @page { margin: 14mm; }
}
`;

/** Opens the <details> (but the table's tracebacks) before printing, so a printout has the feedback and diffs. */
export const PRINT_SCRIPT = `addEventListener('beforeprint',()=>{for(const d of document.querySelectorAll('details:not(.cell)'))d.open=true});`;

/**
 * A self-contained HTML document: nothing fetched, no script but `scripts` (each allowed by its
 * hash in the Content-Security-Policy), since what the page shows is LLM output.
 */
export function htmlDocument(title: string, body: string, opts: { css?: string; scripts?: string[] } = {}): string {
  const scripts = opts.scripts ?? [];
  const scriptSrc = scripts.length ? scripts.map((s) => `'sha256-${crypto.createHash('sha256').update(s).digest('base64')}'`).join(' ') : "'none'";
  const csp = `default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src ${scriptSrc}; base-uri 'none'; form-action 'none'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${opts.css ?? CSS}</style>
</head>
<body>
<main>
${body}
</main>
${scripts.map((s) => `<script>${s}</script>\n`).join('')}</body>
</html>
`;
}

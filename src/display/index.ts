/**
 * src/display/: results as Jupyter mime bundles, and the two ways to send them (show, live).
 * Nothing else in the project prints rich output; the notebook cell API (src/notebook.ts) and
 * the run's live outputs use it.
 *
 *   output   MIME, bundles (toBundle, plainText), show() and live() through the kernel hook
 *   views    View and the values that display themselves: Note, Chart (and the run's charts),
 *            Gif, Code, Diff, SamplesTable
 * Their HTML pieces (escaping, badges, tables, code, diffs, numbers) and the chart specs are
 * src/render/'s, re-exported here as the display namespace has always offered them.
 *
 * Bundles carry several representations; each front end picks the richest it renders:
 *   charts  { application/vnd.vegalite.v5+json, image/svg+xml (rendered here, in Node), text/plain }
 *           never text/html, which JupyterLab would rank above the chart
 *   GIFs    { text/html <img src="data:image/gif;...">, image/gif, text/plain }
 *   the rest (code, diffs, tables, composite views)  { text/html with inline styles, text/plain }
 * Composite views show their charts as static SVG images inside their HTML (one bundle can hold
 * one HTML page, not HTML and an interactive chart); the views keep the Chart objects for those
 * who want the interactive one.
 *
 * Everything a run produced (code, LLM answers, failure reasons, notes, component names) is
 * untrusted: it is escaped wherever it lands in HTML, and only ever used as data in chart specs.
 */
export * from './output';
export * from './views';
export { codeHtml, diffInlineHtml } from '../render/code';
export { duration as seconds, esc, firstLine, num } from '../render/format';
export { badge, box, page, preText, STYLE, svgImg, tableHtml, textTable } from '../render/look';

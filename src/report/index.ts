/**
 * src/report/: the run report, one self-contained HTML file (no network, no external files)
 * that shows a run folder: its figures, every sample, the charts, the best rewards and their
 * diffs, the feedback each iteration gave the next, and the final policy's GIF. Used by the CLI
 * (`report`, and at the end of a run) and the notebook's report().
 *
 *   data     loadRunData(dir): the folder read through RunFolder (src/run/layout.ts), tolerant of
 *            a run in progress or killed; the derived figures (iterationBest, globalBest, tokens)
 *   charts   reportCharts(data): the report's vega-lite specs; renderCharts: their SVGs
 *   html     renderReport(data, svgs): the page, pure (charts given as SVG by id)
 *   style    the page's stylesheet and print script
 *   here     buildReport(data): charts rendered, then the page; writeReport(dir): written to
 *            <run>/report.html (or opts.out)
 *
 * Its HTML pieces shared with the notebook display (escaping, badges, code, diffs, the samples
 * table) are in src/render/. Everything that comes from the run (code, reasons, feedback, names)
 * is LLM output or a person's text: it is escaped wherever it lands, and the page's
 * Content-Security-Policy forbids any fetch and any script but its own one-liner.
 */
import path from 'node:path';
import { writeText } from '../run/files';
import { runPaths } from '../run/layout';
import { renderCharts, reportCharts } from './charts';
import { loadRunData, type RunData } from './data';
import { renderReport } from './html';

export { globalBest, iterationBest, loadRunData, tokenUsage, type Best, type IterationData, type RunData, type SampleData, type TokenUsage } from './data';
export { renderCharts, reportCharts, type ReportChart } from './charts';
export { renderReport } from './html';

/** Charts rendered, then the HTML. */
export async function buildReport(data: RunData): Promise<string> {
  return renderReport(data, await renderCharts(reportCharts(data)));
}

/** Writes the report of a run folder to opts.out (default <run>/report.html); returns the path written. */
export async function writeReport(runDir: string, opts: { out?: string } = {}): Promise<string> {
  const data = loadRunData(runDir);
  const html = await buildReport(data);
  const out = path.resolve(opts.out ?? runPaths.report(runDir));
  writeText(out, html);
  return out;
}

/**
 * src/render/: what the report (src/report/) and the notebook display (src/display/) both draw
 * with. Pure functions of plain records: no file access but the highlight.js theme, no output.
 *
 *   format    figures as a person reads them (num, count, duration, fitness), firstLine, esc
 *   look      the two looks of HTML (the report's page by class, notebook outputs inline),
 *             status badges, tables, the notebook views' inline pieces
 *   code      Python highlighted (highlight.js), unified diffs and their HTML
 *   samples   the samples table (HTML in either look, and text)
 *   charts    vega-lite specs of a run's charts, and their headless SVG rendering
 *   progress  the live training chart's progress bars
 *
 * Everything that comes from a run (code, reasons, notes, names) is escaped wherever it lands.
 */
export * from './format';
export * from './look';
export * from './code';
export * from './samples';
export * from './charts';
export * from './progress';

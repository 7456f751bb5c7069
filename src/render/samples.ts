/**
 * The samples table, one row a sample: status, LLM answers, best fitness, reward components,
 * failure or note, and where wanted its seconds. As HTML in either look (the report's page, a
 * notebook view) and as aligned text.
 */
import { ORIGIN_TEXT, type SampleFailure, type SampleRecord } from '../run/layout';
import { count, esc, firstLine, fitnessCell, isNum, tenths, type FitnessLike } from './format';
import { attrs, badge, fitnessHtml, textTable, type Look } from './look';

export interface SampleRow {
  iteration: number;
  sample: number;
  /** sample.json; null while the sample has none yet. */
  record: SampleRecord | null;
  /** 'global': the run's best (★); 'iteration': its iteration's best (☆); 'best': the best of those shown (★). */
  mark?: SampleMark | null;
  /** Training in progress: the best evaluation so far, shown while the record has no best. */
  soFar?: { fitness_mean: number; timesteps: number } | null;
}

export type SampleMark = 'global' | 'iteration' | 'best';

export interface SamplesTableOptions {
  /** A column with the sample's seconds: LLM answers / checks / training. */
  time?: boolean;
  /** Row ids s-<iteration>-<sample>, for links to a row. */
  anchors?: boolean;
  /** The marks and the answers column explained under the table. */
  legend?: boolean;
}

const MARKS: Record<SampleMark, { html: string; text: string; title: string }> = {
  global: { html: '★', text: '*', title: 'global best' },
  iteration: { html: '☆', text: '+', title: 'iteration best' },
  best: { html: '★', text: '*', title: 'best' },
};

const HEADERS = ['iter.', 'sample', 'origin', 'status', 'answers', 'best fitness', 'components', 'failure / note'];

/** The row's fitness: the record's best, else the best evaluation so far, else none. */
function rowFitness(row: SampleRow): { fitness: FitnessLike | null; note: string } {
  if (row.record?.best) return { fitness: row.record.best, note: '' };
  if (row.soFar) return { fitness: { fitness: row.soFar.fitness_mean, fitness_std: null, timesteps: row.soFar.timesteps }, note: ', so far' };
  return { fitness: null, note: '' };
}

function failureHtml(f: SampleFailure, look: Look): string {
  const muted = (text: string) => ` <span${attrs(look, 'muted')}>${text}</span>`;
  const reason = typeof f.reason === 'string' ? f.reason : '';
  const first = firstLine(reason);
  const stage = `<b>${esc(f.stage)}</b>${f.status ? muted(`(${esc(f.status)})`) : ''}${isNum(f.line) ? muted(`line ${f.line}`) : ''}`;
  const more = reason.trim() !== first.trim() || !!f.traceback;
  if (!more) return `${stage}: ${esc(first)}`;
  return (
    `${stage}: <details${attrs(look, 'cellDetails')}><summary${attrs(look, 'summary')}>${esc(first)}</summary>` +
    `<pre${attrs(look, 'cellText')}>${esc(reason)}${f.traceback ? '\n\n' + esc(f.traceback) : ''}</pre></details>`
  );
}

function failureText(f: SampleFailure): string {
  return `${f.stage}${f.status ? ` (${f.status})` : ''}${isNum(f.line) ? ` line ${f.line}` : ''}: ${firstLine(typeof f.reason === 'string' ? f.reason : '')}`;
}

/** "3.5 / 1.3 / 40.0": seconds of LLM answers / checks / training. */
const timeText = (r: SampleRecord | null) => (r?.time ? `${tenths(r.time.llm_s)} / ${tenths(r.time.check_s)} / ${tenths(r.time.train_s)}` : '—');

/** The table in HTML; cells escaped. */
export function samplesTableHtml(rows: SampleRow[], look: Look, opts: SamplesTableOptions = {}): string {
  if (!rows.length) return `<p${attrs(look, 'muted')}>no samples yet</p>`;
  const muted = (html: string) => `<span${attrs(look, 'muted')}>${html}</span>`;
  const headers = HEADERS.map(esc);
  if (opts.time) headers.push(`time (s)<br>${muted('llm / check / train')}`);
  const body = rows.map((row, k) => {
    const r = row.record;
    const firstOfIteration = k > 0 && rows[k - 1]!.iteration !== row.iteration;
    const rowAttrs = attrs(look, 'row', firstOfIteration && 'iterationFirstRow', row.mark === 'iteration' ? 'iterationBestRow' : !!row.mark && 'globalBestRow');
    const mark = row.mark ? ` <span${attrs(look, 'star')} title="${MARKS[row.mark].title}">${MARKS[row.mark].html}</span>` : '';
    const dup = r?.duplicate_of ? ` ${muted(`of ${esc(r.duplicate_of.iteration)}.${esc(r.duplicate_of.sample)}`)}` : '';
    const { fitness, note } = rowFitness(row);
    const edit =
      r?.origin === 'human' ? `<div${attrs(look, 'muted')}>${ORIGIN_TEXT.human}</div>` : r?.origin === 'edit' ? `<div${attrs(look, 'muted')}>edited by a person${r.edit_of ? ` from ${esc(r.edit_of.iteration)}.${esc(r.edit_of.sample)}` : ''}${r.note ? `: ${esc(r.note)}` : ''}</div>` : '';
    const cells = [
      [`${row.iteration}`, 'num'],
      [`${row.sample}${mark}`, 'num'],
      [r ? esc(r.origin) : '—', 'td'],
      [`${r ? badge(r.status, look) : muted('no record yet')}${dup}`, 'td'],
      [r ? count(r.answers) : '—', 'num'],
      [fitnessHtml(fitness, look, note), 'fitness'],
      [Array.isArray(r?.components) ? r.components.map((c) => esc(c)).join(', ') : '', 'td'],
      [(r?.failure ? failureHtml(r.failure, look) : '') + (r?.stopped ? muted(esc(r.stopped.reason)) : '') + edit, 'reason'],
    ] as const;
    const time = opts.time ? `<td${attrs(look, 'num')}>${timeText(r)}</td>` : '';
    const id = opts.anchors ? ` id="s-${row.iteration}-${row.sample}"` : '';
    return `<tr${rowAttrs}${id}>${cells.map(([html, role]) => `<td${attrs(look, role)}>${html}</td>`).join('')}${time}</tr>`;
  });
  const legend = opts.legend ? `<p${attrs(look, 'muted')}>★ global best · ☆ iteration best · answers: LLM answers including fix requests</p>` : '';
  return (
    `<table${attrs(look, 'samplesTable')}><thead><tr>${headers.map((h) => `<th${attrs(look, 'th')}>${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${body.join('\n')}</tbody></table>${legend}`
  );
}

/** The table as aligned text (marks: * best, + iteration best). */
export function samplesTableText(rows: SampleRow[], opts: SamplesTableOptions = {}): string {
  if (!rows.length) return 'no samples yet';
  const lines = rows.map((row) => {
    const r = row.record;
    const { fitness, note } = rowFitness(row);
    const cells = [
      String(row.iteration),
      `${row.sample}${row.mark ? MARKS[row.mark].text : ''}`,
      r?.origin ?? '—',
      r ? `${r.status}${r.duplicate_of ? ` of ${r.duplicate_of.iteration}.${r.duplicate_of.sample}` : ''}` : 'no record yet',
      r ? count(r.answers) : '—',
      fitness ? fitnessCell(fitness) + note : '—',
      (r?.components ?? []).join(', '),
      [r?.failure ? failureText(r.failure) : '', r?.stopped?.reason ?? '', r?.note ? `note: ${r.note}` : ''].filter(Boolean).join('; '),
    ];
    if (opts.time) cells.push(timeText(r));
    return cells;
  });
  const marks = [...new Set(rows.flatMap((r) => (r.mark ? [r.mark] : [])))].map((m) => `${MARKS[m].text} ${MARKS[m].title}`);
  return textTable(opts.time ? [...HEADERS, 'time (s) llm / check / train'] : HEADERS, lines) + (marks.length ? `\n(${marks.join(', ')})` : '');
}

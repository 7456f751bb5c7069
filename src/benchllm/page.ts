/**
 * The benchmark's figures for people: a Markdown table (results.md, for a README or an issue)
 * and one self-contained HTML page (results.html: the tables and a chart of the scores).
 */
import { duration, esc, num } from '../render/format';
import { specToSvg, VEGA_LITE_SCHEMA, type VegaLiteSpec } from '../render/charts';
import { htmlDocument } from '../report/style';
import { modelSummary, type BenchResults, type ResultRow } from './results';

const pct = (part: number, whole: number) => (whole ? `${Math.round((100 * part) / whole)}%` : '—');
const fitness = (r: ResultRow) => (r.fitness === null ? '—' : r.fitness_sd === null ? num(r.fitness) : `${num(r.fitness)} ± ${num(r.fitness_sd)}`);
const tokens = (x: number | null) => (x === null ? '—' : x >= 10_000 ? `${Math.round(x / 1000)}k` : String(Math.round(x)));
const secs = (x: number | null) => (x === null ? '—' : duration(x));
const runs = (r: ResultRow) => `${r.runs.done}/${r.runs.total}`;

const COLUMNS = ['env', 'model', 'runs done', 'best fitness', 'human', 'sparse', 'HNS', 'checks passed (first / after fixes)', 'tokens per run', 'LLM time per run', 'training time per run'];
const cells = (r: ResultRow) => [r.env, r.model, runs(r), fitness(r), num(r.human), num(r.sparse), num(r.hns), `${pct(r.checks.first, r.checks.samples)} / ${pct(r.checks.fixed, r.checks.samples)} of ${r.checks.samples}`, tokens(r.tokens), secs(r.llm_s), secs(r.train_s)];

const SUMMARY_COLUMNS = ['model', 'mean HNS', 'envs scored', 'tokens', 'LLM time', 'training time'];
const summaryCells = (s: ReturnType<typeof modelSummary>[number]) => [s.model, num(s.hns), String(s.envs), tokens(s.tokens), secs(s.llm_s), secs(s.train_s)];

const about = (b: BenchResults) =>
  `suite '${b.suite.name}': ${b.suite.envs.length} env${b.suite.envs.length === 1 ? '' : 's'}, seeds ${b.suite.seeds.join(', ')}, ${b.suite.iterations} iteration${b.suite.iterations === 1 ? '' : 's'} × ${b.suite.samples} samples`;

const NOTES = [
  'best fitness: the final evaluation of the run\'s best policy (deterministic, the config\'s evaluation seeds), mean ± sd over seeds.',
  'human, sparse: the same training and evaluation with the env folder\'s human reward (initial_reward_prompt.txt) and with a reward of 0.',
  'HNS: (best fitness - sparse) / (human - sparse), clipped to [0, 3], per seed, then the mean: 1 is as good as the human reward; none where the human reward did not beat the sparse one (the budget cannot tell them apart).',
  'checks passed: the LLM\'s samples whose first answer passed the checks, and those that passed after the fix requests.',
];

function mdTable(head: string[], rows: string[][]): string {
  const line = (xs: string[]) => `| ${xs.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function resultsMarkdown(b: BenchResults): string {
  const errors = b.rows.flatMap((r) => r.errors.map((e) => `- ${r.env}, ${r.model}: ${e}`));
  return [
    `# Reward-design benchmark: ${b.suite.name}`,
    '',
    `${about(b)}.`,
    '',
    mdTable(SUMMARY_COLUMNS, modelSummary(b).map(summaryCells)),
    '',
    mdTable(COLUMNS, b.rows.map(cells)),
    '',
    ...NOTES.map((n) => `- ${n}`),
    ...(errors.length ? ['', 'Runs not done:', ...errors] : []),
    '',
  ].join('\n');
}

/** HNS per env, a bar per model. */
function scoreSpec(b: BenchResults): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: 'Human-normalised score per env (1: as good as the human reward)',
    width: { step: 18 },
    height: 200,
    data: { values: b.rows.filter((r) => r.hns !== null).map((r) => ({ env: r.env, model: r.model, hns: r.hns })) },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'env', type: 'nominal', title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'model' },
      y: { field: 'hns', type: 'quantitative', title: 'HNS', scale: { domain: [0, 3] } },
      color: { field: 'model', type: 'nominal', title: 'model' },
    },
    config: { font: 'system-ui, sans-serif', view: { stroke: '#d0d7de' } },
  } as VegaLiteSpec;
}

const htmlTable = (head: string[], rows: string[][]) =>
  `<table class="samples"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;

export async function resultsHtml(b: BenchResults): Promise<string> {
  let chart = '';
  if (b.rows.some((r) => r.hns !== null)) {
    try {
      chart = `<figure class="chart">${(await specToSvg(scoreSpec(b))).replace(/^<\?xml[^>]*>\s*/, '')}</figure>`;
    } catch (e) {
      chart = `<p class="muted">chart could not be rendered: ${esc((e as Error).message)}</p>`;
    }
  }
  const errors = b.rows.flatMap((r) => r.errors.map((e) => `<li>${esc(`${r.env}, ${r.model}: ${e}`)}</li>`));
  const title = `Reward-design benchmark: ${b.suite.name}`;
  const body = [
    `<h1>${esc(title)}</h1>`,
    `<p class="sub">${esc(about(b))}</p>`,
    '<h2>Per model</h2>',
    htmlTable(SUMMARY_COLUMNS, modelSummary(b).map(summaryCells)),
    chart,
    '<h2>Per env and model</h2>',
    htmlTable(COLUMNS, b.rows.map(cells)),
    `<ul class="muted">${NOTES.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`,
    errors.length ? `<div class="warn"><b>Runs not done</b><ul>${errors.join('')}</ul></div>` : '',
    `<footer>written by stable-eureka bench-llm · ${esc(new Date().toISOString().replace('T', ' ').replace(/\..*/, ''))}</footer>`,
  ];
  return htmlDocument(title, body.filter(Boolean).join('\n'));
}

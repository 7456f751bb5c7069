/**
 * The views of results, as NotebookRun returns them once a stage is done: the feedback for the
 * next iteration, the final evaluation, an iteration, two samples compared, the whole run (also
 * the NotebookRun's own display), where the report was written.
 */
import path from 'node:path';
import { MIME, samplesTable, View, type Chart, type Diff, type Gif } from '../display/index';
import { badge, box, codeHtml, duration, esc, firstLine, fitnessText, num, page, STYLE, tableHtml } from '../render/index';
import { HUMAN_FROM_TEXT, type FeedbackRecord, type FinalRecord, type IterationRecord, type RunRecord, type SampleRecord } from '../run/layout';
import { countStatuses, details, feedbackHtml, heading, muted, ref, row } from './pieces';

/** What the next iteration is told: the reflection (or a person's text), warnings highlighted. */
export class FeedbackView extends View {
  constructor(
    readonly iteration: number,
    readonly text: string,
    readonly record: FeedbackRecord,
    /** The automatic reflection, when a person's text replaced or extended it. */
    readonly reflection: string | null = null,
  ) {
    const source = { reflection: 'the automatic reflection', human: "a person's text (replaces the reflection)", both: "the reflection and a person's text", failures: 'the failures (no sample trained)' }[record.source];
    const about = record.about ? ` · about ${ref(record.about.iteration, record.about.sample)}` : '';
    const html = [heading(`Iteration ${iteration}: feedback for the next iteration`), muted(esc(`from ${source}${about}`))];
    if (record.warnings.length) html.push(box(record.warnings.map((w) => esc(w)).join('<br>'), 'warning'));
    html.push(feedbackHtml(text));
    if (reflection !== null && reflection.trim() !== text.trim()) html.push(details('the automatic reflection', feedbackHtml(reflection)));
    super({
      data: {
        [MIME.html]: page(html.join('')),
        [MIME.text]: [`Iteration ${iteration}: feedback for the next iteration (from ${source}${about})`, ...record.warnings.map((w) => `! ${w}`), '', text.trimEnd()].join('\n'),
      },
    });
  }
}

/** The final evaluation of the best policy, with its GIF. */
export class EvaluationView extends View {
  constructor(
    readonly final: FinalRecord,
    readonly run: RunRecord,
    readonly gif: Gif | null,
  ) {
    const f = final;
    const title = `Final evaluation of ${ref(f.of.iteration, f.of.sample)}`;
    const line = `fitness ${num(f.fitness_mean)} ± ${num(f.fitness_std)} (min ${num(f.fitness_min)}, max ${num(f.fitness_max)}) over ${f.episodes.length} episodes, ${f.deterministic ? 'deterministic' : 'stochastic'}, seed ${f.seed}; reward ${num(f.reward_mean)}, length ${num(f.length_mean)}`;
    const extra = [
      run.benchmark ? `benchmark ${run.benchmark.gym_id}: ${num(run.benchmark.fitness_mean)} (${run.benchmark.status})` : '',
      run.hns ? `human-normalised score ${num(run.hns.value)} (sparse ${num(run.hns.sparse)}, human ${num(run.hns.human)} from ${HUMAN_FROM_TEXT[run.hns.human_from] ?? run.hns.human_from})` : '',
    ].filter(Boolean);
    const rows = f.episodes.map((e) => [String(e.seed), num(e.fitness), num(e.reward), num(e.length)]);
    const html = [
      heading(title),
      `<div>${esc(line)}</div>`,
      ...extra.map((x) => muted(esc(x))),
      gif ? gif.toHtml() : muted('no GIF (rl.evaluation.save_gif is off)'),
      details('episodes', tableHtml(['seed', 'fitness', 'reward', 'length'], rows, { num: [0, 1, 2, 3] })),
    ];
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: [title, line, ...extra, gif ? gif.toString() : ''].filter(Boolean).join('\n') } });
  }
}

/** An iteration: figures, its samples, curves, the best reward and the feedback it gave. */
export class IterationView extends View {
  constructor(
    readonly record: IterationRecord | null,
    readonly samples: SampleRecord[],
    readonly charts: { fitness: Chart | null },
    readonly feedback: { text: string; record: FeedbackRecord } | null,
    iteration: number,
  ) {
    const r = record;
    const best = r?.best ?? null;
    const facts = r
      ? [`${r.status}`, countStatuses(samples), `${duration(r.time.total_s)} (LLM ${duration(r.time.llm_s)}, checks ${duration(r.time.check_s)}, training ${duration(r.time.train_s)})`, `${num(r.tokens.prompt)} + ${num(r.tokens.completion)} tokens`]
      : [countStatuses(samples)];
    const title = `Iteration ${iteration}${best ? `: best ${ref(best.iteration, best.sample)}, fitness ${fitnessText(best)}` : ''}`;
    const table = samplesTable(samples, best);
    const bestCode = best ? samples.find((s) => s.sample === best.sample)?.code ?? null : null;
    const html = [heading(title), muted(facts.map(esc).join(' · ')), table.toHtml()];
    if (charts.fitness) html.push(charts.fitness.toHtml());
    if (bestCode !== null) html.push(details(`the best reward (sample ${best!.sample})`, codeHtml(bestCode), true));
    if (feedback) {
      const w = feedback.record.warnings;
      html.push(details(`feedback for the next iteration (${esc(feedback.record.source)}${w.length ? `, ${w.length} warning${w.length === 1 ? '' : 's'}` : ''})`, (w.length ? box(w.map((x) => esc(x)).join('<br>'), 'warning') : '') + feedbackHtml(feedback.text)));
    }
    const text = [title, facts.join(' · '), table.toString(), charts.fitness?.summary ?? '', ...(feedback?.record.warnings ?? []).map((w) => `! ${w}`)].filter(Boolean);
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: text.join('\n') } }, [charts.fitness]);
  }
}

/** Two samples side by side: the code diff, both fitness curves on one chart, both GIFs. */
export class CompareView extends View {
  constructor(
    readonly a: SampleRecord,
    readonly b: SampleRecord,
    readonly diff: Diff,
    readonly charts: { fitness: Chart | null },
    readonly gifs: [Gif | null, Gif | null],
  ) {
    const la = ref(a.iteration, a.sample);
    const lb = ref(b.iteration, b.sample);
    const title = `${la} vs ${lb}`;
    const line = (s: SampleRecord, l: string) => `${l}: ${s.status}, best ${fitnessText(s.best)}`;
    const html = [heading(title), muted(esc(line(a, la))), muted(esc(line(b, lb))), diff.toHtml()];
    if (charts.fitness) html.push(charts.fitness.toHtml());
    if (gifs[0] || gifs[1]) {
      html.push(row([la, lb].map((l, k) => `<div style="${STYLE.muted}">${esc(l)}</div>${gifs[k] ? gifs[k]!.toHtml() : muted('no GIF (not trained)')}`)));
    }
    const text = [title, line(a, la), line(b, lb), '', diff.toString(), charts.fitness?.summary ?? '', ...gifs.filter((g): g is Gif => g !== null).map((g) => g.toString())];
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: text.filter((x, k) => x !== '' || k === 3).join('\n') } }, [charts.fitness]);
  }
}

/** The whole run: figures, best fitness per iteration, time and tokens, every sample, the final policy. */
export class RunView extends View {
  constructor(
    readonly record: RunRecord,
    readonly samples: SampleRecord[],
    readonly charts: { best: Chart | null; usage: Chart | null },
    readonly evaluation: EvaluationView | null,
    dir: string,
  ) {
    const r = record;
    const facts = runFacts(r, dir);
    const table = samplesTable(samples, r.best);
    const figs = [charts.best, charts.usage].filter((c): c is Chart => c !== null);
    const html = [heading(`Run ${path.basename(dir)}`, ` ${badge(r.status)}`), muted(facts.map(esc).join('<br>')), table.toHtml()];
    if (figs.length) html.push(row(figs.map((c) => c.toHtml())));
    if (evaluation) {
      const b = evaluation.toMimeBundle().data[MIME.html];
      if (typeof b === 'string') html.push(b);
    }
    const text = [`Run ${dir}: ${r.status}`, ...facts, table.toString(), ...figs.map((c) => c.summary), evaluation?.toString() ?? ''].filter(Boolean);
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: text.join('\n') } }, figs);
  }
}

function runFacts(r: RunRecord, dir: string): string[] {
  return [
    `folder ${dir}`,
    `${r.env_class} · ${r.backend} / ${r.model} · ${r.completed_iterations} of ${r.iterations} iterations done · ${r.samples} samples each`,
    `best ${r.best ? `${ref(r.best.iteration, r.best.sample)}, fitness ${fitnessText(r.best)}` : '—'}`,
    r.final ? `final evaluation ${num(r.final.fitness_mean)} ± ${num(r.final.fitness_std)} over ${r.final.episodes} episodes` : '',
    r.benchmark ? `benchmark ${r.benchmark.gym_id}: ${num(r.benchmark.fitness_mean)}` : '',
    r.hns ? `human-normalised score ${num(r.hns.value)}` : '',
    `tokens ${num(r.tokens.prompt)} prompt + ${num(r.tokens.completion)} completion`,
    r.error ? `error: ${firstLine(r.error)}` : '',
  ].filter(Boolean);
}

/** Where report() wrote the HTML report. */
export class ReportView extends View {
  constructor(readonly file: string) {
    const rel = path.relative(process.cwd(), file);
    const link = !rel.startsWith('..') && !path.isAbsolute(rel) ? ` (<a href="${esc(rel.split(path.sep).join('/'))}" target="_blank" rel="noopener">open</a>)` : '';
    super({ data: { [MIME.html]: box(`report written: <code>${esc(file)}</code>${link}`, 'ok'), [MIME.text]: `report written: ${file}` } });
  }
}

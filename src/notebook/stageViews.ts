/**
 * The views of one stage's work, as NotebookRun's stage calls return them: the env the LLM sees,
 * the conversation, the LLM's answers, the checks, one sample (with the cell edit() opens), an
 * iteration's trained samples. Each is a View: its HTML and text are built once, here.
 */
import { MIME, samplesTable, View, type Chart } from '../display/index';
import { extractReward } from '../extract';
import { kernelHook, type MimeBundle } from '../kernelHook';
import type { ChatMessage } from '../prompts';
import { badge, box, chip, codeHtml, duration, esc, firstLine, fitnessText, num, page, preText, STYLE, tableHtml, textTable } from '../render/index';
import { ORIGIN_TEXT, type CheckRecord, type SampleRecord, type SampleRef } from '../run/layout';
import type { EnvDescription, EvalPoint } from '../worker/protocol/index';
import { countStatuses, details, feedbackHtml, heading, muted, ref, row } from './pieces';

/** The env as the LLM and the checks see it. */
export class EnvView extends View {
  constructor(readonly env: EnvDescription) {
    const facts = [
      `class <b>${esc(env.class_name)}</b> <span style="${STYLE.muted}">${esc(env.env_file)}</span>`,
      env.observation_space ? `observations ${esc(env.observation_space)}` : '',
      env.action_space ? `actions ${esc(env.action_space)}` : '',
    ].filter(Boolean);
    const html = [
      heading(`Environment ${env.class_name}`),
      muted(facts.join(' · ')),
      heading('The reward is called as'),
      codeHtml(env.call_site.text.trim()),
      heading('Its signature'),
      codeHtml(env.call_site.signature),
      env.task_description ? heading('Task') + preText(env.task_description) : '',
      heading(`The code the LLM sees (${env.step_code_source})`),
      codeHtml(env.step_code),
      env.warnings.length ? box(env.warnings.map((w) => esc(w)).join('<br>'), 'warning') : '',
    ];
    const text = [
      `Environment ${env.class_name} (${env.env_file})`,
      env.observation_space ? `observations: ${env.observation_space}` : '',
      env.action_space ? `actions: ${env.action_space}` : '',
      `called as: ${env.call_site.text.trim()}`,
      `signature: ${env.call_site.signature}`,
      env.task_description ? `task: ${env.task_description.trim()}` : '',
      '',
      env.step_code,
      ...env.warnings.map((w) => `warning: ${w}`),
    ].filter((l, k) => l !== '' || k === 6);
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: text.join('\n') } });
  }
}

/** The conversation sent for an iteration's samples. */
export class PromptView extends View {
  constructor(
    readonly iteration: number,
    readonly messages: ChatMessage[],
  ) {
    const colors: Record<string, string> = { system: '#eaeef2', user: '#ddf4ff', assistant: '#dafbe1' };
    const html = [heading(`Iteration ${iteration}: the conversation (${messages.length} messages)`)];
    for (const [k, m] of messages.entries()) {
      const title = `<span style="display:inline-block;padding:0 7px;border-radius:10px;background:${colors[m.role] ?? '#fff'};color:#1f2328">${esc(m.role)}</span> <span style="${STYLE.muted}">${m.content.length} characters</span>`;
      html.push(details(title, feedbackHtml(m.content), k === messages.length - 1));
    }
    const text = [`Iteration ${iteration}: the conversation`, ...messages.map((m) => `--- ${m.role}\n${m.content.trimEnd()}`)];
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: text.join('\n\n') } });
  }
}

/** The LLM's answers of an iteration, with the reward code each one holds. */
export class ResponsesView extends View {
  constructor(
    readonly iteration: number,
    readonly samples: SampleRecord[],
    readonly responses: (string | null)[],
  ) {
    const html = [heading(`Iteration ${iteration}: ${samples.length} samples`)];
    const text = [`Iteration ${iteration}: ${samples.length} samples`];
    samples.forEach((s, k) => {
      const answer = responses[k] ?? null;
      const x = answer === null ? null : extractReward(answer);
      const meta = `${s.origin !== 'llm' ? ORIGIN_TEXT[s.origin] : `${s.tokens.prompt} + ${s.tokens.completion} tokens, ${duration(s.time.llm_s)}`}`;
      html.push(heading(`sample ${s.sample}`, ` <span style="${STYLE.muted};font-weight:400">${esc(meta)}</span>`));
      if (x?.ok) html.push(codeHtml(x.code));
      else html.push(box(esc(answer === null ? 'no answer' : `no reward code: ${x && !x.ok ? x.reason : ''}`), 'warning'));
      if (answer !== null) html.push(details('the whole answer', preText(answer)));
      text.push(`--- sample ${s.sample} (${meta})`, x?.ok ? x.code.trimEnd() : answer === null ? 'no answer' : `no reward code: ${x && !x.ok ? x.reason : ''}`);
    });
    super({ data: { [MIME.html]: page(html.join('')), [MIME.text]: text.join('\n') } });
  }
}

/** The checks of an iteration's samples: passed, or why not, and the fixes asked. */
export class ChecksView extends View {
  constructor(
    readonly iteration: number,
    readonly samples: SampleRecord[],
    readonly checks: CheckRecord[][],
  ) {
    const headers = ['sample', 'status', 'fixes asked', 'checks (answer: stage, result)', 'components'];
    const rows = samples.map((s, k) => {
      const cs = checks[k] ?? [];
      const list = cs
        .map((c) => `<div>${c.answer}: <b>${esc(c.stage)}</b> ${c.passed ? chip('passed', 'ok') : chip(esc(firstLine(c.message)), 'error')}</div>`)
        .join('');
      return [String(s.sample), badge(s.status), String(Math.max(0, s.answers - 1)), list || `<span style="${STYLE.muted}">not checked yet</span>`, esc((s.components ?? []).join(', '))];
    });
    const passed = samples.filter((s) => !['pending', 'invalid'].includes(s.status)).length;
    const title = `Iteration ${iteration}: ${passed} of ${samples.length} samples passed their checks`;
    const textRows = samples.map((s, k) => [
      String(s.sample),
      s.status,
      String(Math.max(0, s.answers - 1)),
      (checks[k] ?? []).map((c) => `${c.answer}: ${c.stage} ${c.passed ? 'passed' : firstLine(c.message)}`).join('; ') || 'not checked yet',
      (s.components ?? []).join(', '),
    ]);
    super({
      data: {
        [MIME.html]: page(heading(title) + tableHtml(headers, rows, { num: [0, 2] })),
        [MIME.text]: `${title}\n${textTable(headers, textRows)}`,
      },
    });
  }
}

/** One sample: code, status, failure, fitness, curves; edit() opens a cell to change its code. */
export class SampleView extends View {
  constructor(
    readonly record: SampleRecord,
    readonly evals: EvalPoint[],
    readonly checks: CheckRecord[],
    readonly charts: { fitness: Chart | null; components: Chart | null; bars: Chart | null },
    readonly title: string,
    private readonly variable: string,
  ) {
    super(sampleBundle(record, evals, checks, charts, title), [charts.fitness, charts.components, charts.bars]);
  }

  /** The code of the cell edit() opens: `await run.edit(i, j, \`<code>\`, { note: '' })`. */
  editCell(note = ''): string {
    const s = this.record;
    return `await ${this.variable}.edit(${s.iteration}, ${s.sample}, ${templateLiteral(s.code ?? '')}, { note: ${JSON.stringify(note)} });`;
  }

  /**
   * Opens a new cell below, pre-filled with this sample's code in a call to `run.edit(...)`: change
   * the code, run the cell, and the edit is checked and trained as a sample of its own. Without
   * our kernel the cell's text is printed. Returns a one-line note (the code is in the new cell,
   * not shown twice); its `cell` is the cell's text.
   */
  edit(note = ''): EditOpened {
    const text = this.editCell(note);
    const hook = kernelHook();
    if (hook) hook.setNextInput(text);
    else console.log(text);
    const s = this.record;
    return new EditOpened(text, hook ? `A new cell below holds sample ${s.iteration}.${s.sample}'s reward in ${this.variable}.edit(...): change the code there and run that cell.` : `Copy the cell printed above, change the code and run it.`);
  }
}

/** What sample.edit() returns: a note where the new cell is, and the cell's text. */
export class EditOpened extends View {
  constructor(
    readonly cell: string,
    readonly note: string,
  ) {
    super({ data: { [MIME.html]: box(esc(note), 'info'), [MIME.text]: note } });
  }
}

/** Code as a JavaScript template literal that evaluates to exactly that code. */
export function templateLiteral(code: string): string {
  return '`' + code.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
}

function sampleBundle(
  s: SampleRecord,
  evals: EvalPoint[],
  checks: CheckRecord[],
  charts: { fitness: Chart | null; components: Chart | null; bars: Chart | null },
  title: string,
): MimeBundle {
  const facts = [
    s.origin === 'human' ? ORIGIN_TEXT.human : s.origin === 'edit' ? `edited by a person${s.edit_of ? ` from ${ref(s.edit_of.iteration, s.edit_of.sample)}` : ''}` : `LLM, ${s.answers} answer${s.answers === 1 ? '' : 's'}`,
    `best ${fitnessText(s.best)}`,
    s.final ? `last ${fitnessText(s.final)}` : '',
    s.train ? `trained ${num(s.train.timesteps)} steps in ${duration(s.train.wall_s)} (${num(s.train.steps_per_s)} steps/s, ${s.train.device}${s.train.where?.executor === 'ray' ? `, on Ray node ${s.train.where.host ?? s.train.where.node_id}` : ''})` : '',
    s.init_model ? 'warm-started from the best model' : '',
    s.duplicate_of ? `same reward as ${ref(s.duplicate_of.iteration, s.duplicate_of.sample)}` : '',
  ].filter(Boolean);
  const html = [heading(title, ` ${badge(s.status)}`), muted(facts.map(esc).join(' · '))];
  const text = [`${title}: ${s.status}`, ...facts];
  if (s.note) {
    html.push(box(`<b>note:</b> ${esc(s.note)}`, 'info'));
    text.push(`note: ${s.note}`);
  }
  if (s.failure) {
    const f = s.failure;
    const where = `${f.stage}${f.status ? ` (${f.status})` : ''}${typeof f.line === 'number' ? `, line ${f.line}` : ''}`;
    html.push(box(`<b>${esc(where)}</b>${preText(f.reason, STYLE.pre)}${f.traceback ? details('traceback', preText(f.traceback, STYLE.pre)) : ''}`, 'error'));
    text.push(`failure (${where}): ${f.reason}`);
  }
  html.push(s.code !== null ? codeHtml(s.code) : muted('no code'));
  text.push('', s.code ?? 'no code');
  const figs = [charts.fitness, charts.components, charts.bars].filter((c): c is Chart => c !== null);
  if (figs.length) {
    html.push(row(figs.map((c) => c.toHtml())));
    text.push('', ...figs.map((c) => c.summary));
  } else if (!evals.length && ['trained', 'stopped', 'training', 'failed', 'interrupted'].includes(s.status)) {
    html.push(muted('no evaluations'));
  }
  if (checks.length) {
    const rows = checks.map((c) => [String(c.answer), esc(c.stage), c.passed ? 'passed' : `<span style="white-space:pre-wrap">${esc(c.message)}</span>`, duration(c.wall_s)]);
    html.push(details(`checks (${checks.length})`, tableHtml(['answer', 'stage', 'result', 'time'], rows, { num: [0, 3] })));
  }
  return { data: { [MIME.html]: page(html.join('')), [MIME.text]: text.join('\n') } };
}

/** The trained samples of an iteration: the table, the fitness curves and the best's components. */
export class TrainView extends View {
  constructor(
    readonly iteration: number,
    readonly samples: SampleRecord[],
    readonly charts: { fitness: Chart | null; components: Chart | null },
    best: SampleRef | null,
  ) {
    const table = samplesTable(samples, best);
    const counts = countStatuses(samples);
    const title = `Iteration ${iteration}: ${counts}`;
    const figs = [charts.fitness, charts.components].filter((c): c is Chart => c !== null);
    super({
      data: {
        [MIME.html]: page(heading(title) + table.toHtml() + (figs.length ? row(figs.map((c) => c.toHtml())) : '')),
        [MIME.text]: [title, table.toString(), ...figs.map((c) => c.summary)].join('\n'),
      },
    }, figs);
  }
}

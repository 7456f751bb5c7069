/**
 * A stage's live output, driven by the run's events: streamed LLM text, sample statuses, training
 * progress and fitness, redrawn in place (display's live()) until the stage ends, then left as
 * what happened and how long it took. Used by stage.ts around every NotebookRun call that works.
 */
import { live, trainingChart, MIME, type Live } from '../display/index';
import type { MimeBundle } from '../kernelHook';
import { badge, box, duration, esc, firstLine, num, page, preText, STYLE, tableHtml, textTable } from '../render/index';
import type { LiveEvent, RunEvent } from '../run/layout';
import type { EvalPoint } from '../worker/protocol/index';
import { heading, muted } from './pieces';

export type AnyEvent = RunEvent | LiveEvent;

const FINAL_STATUSES = new Set(['trained', 'stopped', 'failed', 'invalid', 'duplicate', 'interrupted']);
const keyOf = (i: number | null, j: number | null) => (i === null ? 'benchmark' : `${i}:${j}`);

interface Track {
  iteration: number | null;
  sample: number | null;
  status?: string;
  message?: string;
  stream?: string;
  streaming?: boolean;
  progress?: { timesteps: number; total: number; sps: number };
  evals: EvalPoint[];
}

/** A stage's live output: streamed LLM text, sample statuses, training progress and fitness. */
export class Monitor {
  private readonly tracks = new Map<string, Track>();
  private readonly logs: string[] = [];
  private phase = 'starting';
  private readonly started = Date.now();
  private readonly out: Live;

  constructor(private readonly title: string) {
    this.out = live(() => this.render(), { intervalMs: 250 });
  }

  private track(i: number | null, j: number | null): Track {
    const k = keyOf(i, j);
    let t = this.tracks.get(k);
    if (!t) {
      t = { iteration: i, sample: j, evals: [] };
      this.tracks.set(k, t);
    }
    return t;
  }

  on(e: AnyEvent): void {
    switch (e.type) {
      case 'iteration':
        this.phase = `iteration ${e.iteration}: ${e.status}`;
        break;
      case 'llm':
        for (const j of e.samples) {
          const t = this.track(e.iteration, j);
          if (e.phase === 'start') {
            t.stream = '';
            t.streaming = true;
            t.message = e.purpose === 'fix' ? 'asking the LLM for a fix' : 'asking the LLM';
          } else {
            t.streaming = false;
            t.message = e.phase === 'error' ? `LLM error: ${e.message ?? ''}` : e.purpose === 'fix' ? 'fix received' : 'answered';
          }
        }
        this.phase = e.phase === 'start' ? `iteration ${e.iteration}: LLM ${e.purpose === 'fix' ? 'fix' : 'answers'}` : this.phase;
        break;
      case 'llm_text': {
        const t = this.track(e.iteration, e.sample);
        t.stream = ((t.stream ?? '') + e.text).slice(-6000);
        break;
      }
      case 'sample': {
        const t = this.track(e.iteration, e.sample);
        t.status = e.status;
        t.message = e.message ?? (e.status === 'pending' ? t.message : undefined);
        if (e.status === 'training' || e.status === 'queued') {
          t.evals = [];
          this.phase = `iteration ${e.iteration}: training`;
        } else if (this.phase.endsWith(': training') && ![...this.tracks.values()].some((x) => x.status === 'queued' || x.status === 'training')) {
          this.phase = `iteration ${e.iteration}: training done`;
        }
        break;
      }
      case 'progress': {
        const t = this.track(e.iteration, e.sample);
        t.progress = { timesteps: e.timesteps, total: e.total, sps: e.steps_per_s };
        if (e.iteration === null) t.status ??= 'training';
        else this.phase = `iteration ${e.iteration}: training`;
        break;
      }
      case 'eval':
        this.track(e.iteration, e.sample).evals.push(e.point);
        break;
      case 'benchmark':
        this.phase = e.phase === 'start' ? `benchmark ${e.gym_id}: training` : `benchmark ${e.gym_id}: fitness ${num(e.fitness_mean)}`;
        if (e.phase === 'done') this.track(null, null).status = 'trained';
        break;
      case 'final':
        this.phase = `final evaluation: fitness ${num(e.fitness_mean)} ± ${num(e.fitness_std)}`;
        break;
      case 'best':
        this.logs.push(`new best: iteration ${e.iteration} sample ${e.sample}, fitness ${num(e.fitness)}`);
        break;
      case 'log':
        if (e.level === 'warning') this.logs.push(`warning: ${e.message}`);
        break;
      case 'run':
        this.phase = `run ${e.status}`;
        break;
    }
    this.out.update(() => this.render());
  }

  private label(t: Track): string {
    if (t.iteration === null) return 'benchmark';
    const its = new Set([...this.tracks.values()].map((x) => x.iteration));
    return its.size > 1 ? `iteration ${t.iteration} sample ${t.sample}` : `sample ${t.sample}`;
  }

  /** The tracks by iteration and sample (events arrive in any order), the benchmark last. */
  private inOrder(): Track[] {
    return [...this.tracks.values()].sort((a, b) => (a.iteration ?? 1e9) - (b.iteration ?? 1e9) || (a.sample ?? 0) - (b.sample ?? 0));
  }

  private elapsed(): string {
    return duration((Date.now() - this.started) / 1000);
  }

  /** Training chart while any job runs, else the status table and the streamed text. */
  private async render(): Promise<MimeBundle> {
    const tracks = this.inOrder();
    const training = tracks.filter((t) => t.progress || t.status === 'queued' || t.status === 'training');
    if (training.some((t) => !FINAL_STATUSES.has(t.status ?? 'training'))) {
      const rows = training.map((t) => {
        const p = t.progress;
        const best = t.evals.length ? Math.max(...t.evals.map((e) => e.fitness_mean)) : null;
        const note = [
          p ? `${num(p.timesteps)} / ${num(p.total)} steps` : (t.status ?? ''),
          p && p.sps ? `${num(p.sps)} steps/s` : '',
          best !== null ? `best ${num(best)}` : '',
          t.status && FINAL_STATUSES.has(t.status) ? t.status : '',
        ]
          .filter(Boolean)
          .join(' · ');
        const done = t.status === 'trained' ? 1 : p && p.total > 0 ? p.timesteps / p.total : 0;
        return { label: this.label(t), done, status: t.status ?? 'training', note };
      });
      const curves = training.filter((t) => t.evals.length).map((t) => ({ label: this.label(t), evals: t.evals, stopped: t.status === 'stopped' }));
      return (await trainingChart(rows, curves, `${this.title} · ${this.phase} · ${this.elapsed()}`)).toMimeBundle();
    }
    return this.statusBundle(`${this.title} · ${this.phase} · ${this.elapsed()}`, true);
  }

  private statusBundle(head: string, streams: boolean, tone?: 'ok' | 'warning' | 'error'): MimeBundle {
    const tracks = this.inOrder().filter((t) => t.status || t.stream || t.message);
    const rows = tracks.map((t) => [esc(this.label(t)), t.status ? badge(t.status) : '', esc(firstLine(t.message ?? ''))]);
    const html: string[] = [heading(head)];
    if (rows.length) html.push(tableHtml(['', 'status', ''], rows));
    const text: string[] = [head];
    if (rows.length) text.push(textTable(['', 'status', ''], tracks.map((t) => [this.label(t), t.status ?? '', firstLine(t.message ?? '')])));
    if (streams) {
      for (const t of tracks.filter((x) => x.streaming && x.stream)) {
        html.push(`${muted(`${esc(this.label(t))}: the LLM is writing…`)}${preText(t.stream!.slice(-2500), STYLE.pre)}`);
        text.push(`--- ${this.label(t)} (streaming)\n${t.stream!.slice(-600)}`);
      }
    }
    if (this.logs.length) {
      html.push(box(this.logs.slice(-6).map((l) => esc(l)).join('<br>'), 'warning'));
      text.push(...this.logs.slice(-6));
    }
    const inner = page(html.join(''));
    return { data: { [MIME.html]: tone ? box(inner, tone) : inner, [MIME.text]: text.join('\n') } };
  }

  /** The last state, left in place: what happened, how long it took. */
  async finish(outcome: 'done' | 'interrupted' | 'failed', message?: string): Promise<void> {
    const words = { done: 'done', interrupted: 'interrupted', failed: 'failed' }[outcome];
    const head = `${this.title}: ${words} in ${this.elapsed()}${message ? ` · ${firstLine(message)}` : ''}`;
    await this.out.done(() => this.statusBundle(head, false, outcome === 'done' ? undefined : outcome === 'interrupted' ? 'warning' : 'error'));
  }
}

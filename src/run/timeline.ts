/**
 * Where an iteration's wall time went. LLM calls, checks and trainings overlap (a sample
 * trains while another is being fixed), so each instant is given to the most expensive
 * activity running then (training, then checks, then the LLM); what no activity covers is
 * overhead. The parts add up to the wall time.
 */
export type Activity = 'train' | 'check' | 'llm';

const PRIORITY: Activity[] = ['train', 'check', 'llm'];

export class Timeline {
  private readonly spans: { kind: Activity; start: number; end: number }[] = [];
  readonly started = performance.now();

  async time<T>(kind: Activity, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.spans.push({ kind, start, end: performance.now() });
    }
  }

  /** Seconds per activity and overhead, exclusive, from `started` to now. */
  split(): { llm_s: number; check_s: number; train_s: number; total_s: number } {
    const end = performance.now();
    const cuts = [...new Set([this.started, end, ...this.spans.flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b);
    const out = { llm: 0, check: 0, train: 0 };
    for (let k = 0; k + 1 < cuts.length; k++) {
      const [a, b] = [cuts[k]!, cuts[k + 1]!];
      const mid = (a + b) / 2;
      const active = PRIORITY.find((kind) => this.spans.some((s) => s.kind === kind && s.start <= mid && mid < s.end));
      if (active) out[active] += b - a;
    }
    const s = (ms: number) => Math.round(ms) / 1000;
    return { llm_s: s(out.llm), check_s: s(out.check), train_s: s(out.train), total_s: s(end - this.started) };
  }
}

/** A counting semaphore: at most `size` holders at once, served in arrival order. */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/**
 * After an iteration trains: its best sample (promoted to the run's best when it beats it),
 * the feedback the next iteration is asked with (the reflection, or a person's words), and
 * a person's hand in the loop: an edited reward, an iteration set aside to run again.
 */
import path from 'node:path';
import { failuresFeedback, reflect, type SampleOutcome } from '../reflect';
import type { BestRecord, FeedbackRecord, Fitness, SampleRecord, SampleRef } from './layout';
import { runPaths } from './layout';
import type { Run } from './run';
import { isBetter, peak, selectBest } from './selection';
import { fitnessOf, now, tally, type StageIO } from './stage';

/** The samples as the reflection and selection see them. */
export function outcomesOf(run: Run, i: number): SampleOutcome[] {
  return run.samples(i).map((s) => ({
    sample: s.sample,
    origin: s.origin,
    code: s.code,
    evals: s.status === 'trained' || s.status === 'stopped' ? run.evals(i, s.sample) : null,
    failure: s.failure ? { stage: s.failure.stage, reason: s.failure.reason } : null,
    stopped: s.stopped ? { timesteps: s.stopped.timesteps, total_timesteps: s.stopped.total_timesteps, fitness: s.stopped.fitness } : null,
  }));
}

/**
 * Iteration i's best sample by best-checkpoint fitness. Updates the iteration's record and,
 * when it beats it, the run's best (samples added by edits or trained again change both).
 */
export function selectedBest(run: Run, io: StageIO, i: number): (SampleRef & Fitness) | null {
  const chosen = selectBest(outcomesOf(run, i));
  const s = chosen ? run.sample(i, chosen.sample) : null;
  const p = chosen?.evals ? peak(chosen.evals) : null;
  const best = s && p && s.best_model ? { iteration: i, sample: s.sample, ...fitnessOf(p) } : null;
  const record = run.iteration(i);
  if (record) {
    const samples = run.samples(i);
    Object.assign(record, { best, samples: Math.max(record.samples, samples.length) }, tally(samples));
    run.folder.saveIteration(record);
  }
  if (!s || !best || !s.best_model) return null;
  const global = run.record.best;
  if (isBetter(best, global) && !(global?.iteration === i && global.sample === s.sample)) {
    const promoted: BestRecord = { ...best, code: s.code!, best_model: runPaths.bestModel(run.dir), components: s.components, origin: s.origin };
    run.folder.saveBest(promoted, s.best_model);
    run.record.best = best;
    // an extended run found a better policy: the final evaluation is of the old one
    run.folder.dropFinal();
    run.record.final = null;
    run.record.human = null;
    run.record.hns = null;
    io.saveRecord();
    io.emit({ type: 'best', iteration: i, sample: s.sample, fitness: best.fitness });
  }
  return best;
}

/**
 * The feedback for iteration i+1: the reward reflection on iteration i's best sample, or the
 * list of failures when none trained. A person's feedback (personFeedback) is kept as it is.
 */
export function reflectionFeedback(run: Run, i: number): { text: string; record: FeedbackRecord } {
  const outcomes = outcomesOf(run, i);
  const chosen = selectBest(outcomes);
  const reflection = reflect(chosen, outcomes);
  const auto = reflection?.text ?? failuresFeedback(outcomes);
  run.folder.saveReflection(i, auto);
  const existing = run.feedback(i);
  if (existing && existing.record.source !== 'reflection' && existing.record.source !== 'failures') return existing;
  const firstAnswered = run.samples(i).find((s) => s.answers > 0);
  const record: FeedbackRecord = {
    source: reflection ? 'reflection' : 'failures',
    iteration: i,
    about: chosen ? { iteration: i, sample: chosen.sample } : firstAnswered ? { iteration: i, sample: firstAnswered.sample } : null,
    warnings: reflection?.warnings ?? [],
    written: now(),
  };
  run.folder.saveFeedback(i, auto, record);
  return { text: auto, record };
}

/**
 * A person's feedback for the next iteration, in place of the reflection ('replace') or
 * after it ('extend'). Recorded as a person's text, not as the program's.
 */
export function personFeedback(run: Run, io: StageIO, i: number, text: string, mode: 'replace' | 'extend'): { text: string; record: FeedbackRecord } {
  const auto = run.folder.reflection(i) ?? (mode === 'extend' ? reflectionFeedback(run, i).text : '');
  const full = mode === 'extend' && auto ? `${auto.trimEnd()}\n\n${text.trim()}\n` : `${text.trim()}\n`;
  const chosen = selectBest(outcomesOf(run, i));
  const record: FeedbackRecord = {
    source: mode === 'extend' ? 'both' : 'human',
    iteration: i,
    about: chosen ? { iteration: i, sample: chosen.sample } : null,
    warnings: [],
    written: now(),
  };
  run.folder.saveFeedback(i, full, record);
  // the next iteration's prompt is rebuilt from this feedback if not generated yet
  if (!run.folder.hasSample(i + 1, 0)) run.folder.dropMessages(i + 1);
  io.emit({ type: 'log', level: 'info', message: `iteration ${i}: feedback written by a person (${record.source})` });
  return { text: full, record };
}

/**
 * A person's reward added to iteration i as a new sample with origin 'edit' (never passed off
 * as the LLM's), ready to check and train; `of` names the sample it was edited from.
 */
export function editedSample(run: Run, io: StageIO, i: number, code: string, opts: { of?: SampleRef | null; note?: string | null }): SampleRecord {
  const j = Math.max(-1, ...run.folder.sampleNumbers(i)) + 1; // after every sample, even past a gap
  const s = io.newSample(i, j, 'edit');
  s.code = code;
  s.edit_of = opts.of ?? null;
  s.note = opts.note ?? null;
  run.folder.saveReward(i, j, code);
  const from = s.edit_of ? ` from iteration ${s.edit_of.iteration} sample ${s.edit_of.sample}` : '';
  return io.saveSample(s, `edited by a person${from}`);
}

/**
 * Where iteration i was set aside to run again: its folder is renamed (kept, never deleted)
 * and the run's best recomputed from the iterations before it. Only the last iteration can
 * be redone, since later ones were built on it.
 */
export function iterationSetAside(run: Run, io: StageIO, i: number): string {
  if (run.folder.hasIteration(i + 1)) throw new Error(`iteration ${i + 1} exists and was built on iteration ${i}; only the last iteration can be redone`);
  if (!run.folder.hasIteration(i)) throw new Error(`iteration ${i} does not exist`);
  const to = run.folder.setIterationAside(i, now());
  run.record.completed_iterations = Math.min(run.record.completed_iterations, i);
  run.record.best = null;
  run.record.final = null;
  run.record.human = null;
  run.record.hns = null;
  run.folder.dropBest();
  run.folder.dropFinal();
  io.saveRecord();
  for (let k = 0; k < i; k++) selectedBest(run, io, k);
  io.emit({ type: 'log', level: 'info', message: `iteration ${i} set aside as ${path.basename(to)}; it runs again from its prompt` });
  return to;
}

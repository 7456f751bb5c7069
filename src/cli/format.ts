/**
 * How the commands print: numbers, stderr lines, tables, tracebacks, and the verdicts of a
 * check and a training. One place, so that `run` and the single-job commands agree.
 */
import type { CheckResult, TrainResult } from '../worker/protocol/index';

/**
 * A number for a terminal, or 'n/a'. Non-finite values (NaN, ±Infinity) print as 'n/a' too:
 * the worker already sends them as null, so a non-finite number here is a placeholder of
 * ours (a best not seen yet) and never a measurement; the notebook's tables show all of
 * them as '—' for the same reason.
 */
export function num(x: number | null | undefined, digits = 2): string {
  return x == null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);
}

/** One line to stderr, where progress and diagnostics go (stdout is for results). */
export function err(line: string): void {
  process.stderr.write(line + '\n');
}

/** A Python traceback (or any block), indented under the line that names it. */
export function indented(text: string, by = '    '): string {
  return text.trimEnd().replace(/^/gm, by);
}

/** Rows as aligned columns; the last column is not padded, so long notes do not widen the table. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}

/** `check`'s verdict: PASS with the components and the smoke run, or FAIL with the stage and why. */
export function formatCheck(r: CheckResult, file: string): string {
  const lines: string[] = [];
  if (r.passed) {
    lines.push(`PASS ${file}: ${r.signature} returns components ${(r.components ?? []).join(', ') || '(none)'}`);
    if (r.smoke) {
      lines.push(
        `  smoke run: ${r.smoke.steps} random steps, ${r.smoke.episodes} episodes, reward per step ` +
          `mean ${num(r.smoke.reward.mean, 3)} [${num(r.smoke.reward.min, 3)}, ${num(r.smoke.reward.max, 3)}]`,
      );
      for (const [name, s] of Object.entries(r.smoke.components)) {
        lines.push(`    ${name}: mean ${num(s.mean, 3)} [${num(s.min, 3)}, ${num(s.max, 3)}]`);
      }
    }
  } else {
    lines.push(`FAIL ${file} (${r.stage}):`);
    for (const e of r.errors) lines.push(`  ${e.line ? `line ${e.line}: ` : ''}${e.message}`);
    if (r.failure?.traceback) lines.push(indented(r.failure.traceback));
  }
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

/** `train`'s result: figures and files of a finished training, or the phase and reason it failed. */
export function formatTrain(r: TrainResult): string {
  if (r.status !== 'succeeded') {
    const f = r.failure;
    return [`training ${r.status} in phase ${f.phase}: ${f.reason}`, f.traceback ? indented(f.traceback) : ''].filter(Boolean).join('\n');
  }
  const lines = [
    `trained ${r.timesteps} steps in ${num(r.wall_s, 1)} s (${Math.round(r.steps_per_s)} steps/s, ${r.algo} on ${r.device})`,
    `final fitness: ${num(r.final?.fitness_mean)}  (reward ${num(r.final?.reward_mean)}, length ${num(r.final?.length_mean, 1)})`,
    `best fitness:  ${num(r.best?.fitness_mean)} at ${r.best?.timesteps ?? 'n/a'} steps`,
    `best model:    ${r.best_model}`,
    `final model:   ${r.final_model}`,
    `evaluations:   ${r.evals_file}`,
    `tensorboard:   ${r.tensorboard_dir}`,
  ];
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

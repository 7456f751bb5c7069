/**
 * What a user types, read or refused: option values, files and run folders named on the
 * command line. A mistake there is a UsageError (one line, exit 2), never a stack trace.
 */
import { InvalidArgumentError } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { BACKENDS, EXECUTORS, type Backend, type ExecutorName } from '../config/index';
import { Run } from '../run/run';

/** A mistake in what the user typed (a path, a flag): said in one line, exit code 2, no stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--timesteps 20_000` reads as 20000. */
export function positiveInt(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer >= 0');
  return n;
}

export function backendName(value: string): Backend {
  if (!(BACKENDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${BACKENDS.join(', ')}`);
  return value as Backend;
}

export function executorName(value: string): ExecutorName {
  if (!(EXECUTORS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${EXECUTORS.join(', ')}`);
  return value as ExecutorName;
}

/** The text of a file named on the command line; `what` names it in the error ('reward file'). */
export function fileText(file: string, what: string): string {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new UsageError(`${what} ${abs} does not exist`);
  return fs.readFileSync(abs, 'utf8');
}

/** A run folder named on the command line; a wrong path is a usage error, not a crash. */
export function openRunFolder(dir: string, opts?: Parameters<typeof Run.open>[1]): Run {
  try {
    return Run.open(dir, opts);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

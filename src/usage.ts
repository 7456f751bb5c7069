/** A mistake in what the user typed (a path, a flag): said in one line, exit code 2, no stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

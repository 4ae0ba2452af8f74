/** A mistake in a journal gate's input (a flag, an allowance, a journal line): reported as one line, exit 2. */
export class GateInputError extends Error {
  override name = 'GateInputError';
}

/** A target that cannot be used, with the reason. Its own module, so the CLI can recognise it without loading the kit. */
export class TargetError extends Error {
  override name = 'TargetError';
}

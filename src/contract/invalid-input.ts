/** The error for bad input, in a module of its own so that code which only reports it (the CLI's entry) loads no schema library. */

/** A problem with what a user or another process supplied; its message is meant for people. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
  }
}

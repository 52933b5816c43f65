/** The embedded database's user-facing errors: every entry point prints the message as it is (no stack). */
export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

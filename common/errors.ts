// Apart from config-error.ts (which needs zod to describe a schema's issues), so that the command table can tell a
// configuration error from a crash without loading zod.

/** A configuration the process cannot start with: one line per problem, naming the file, the key and the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

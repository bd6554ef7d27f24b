import { ConfigError, describeIssues } from '../common/config-error.js';
import { configSchema, type Config } from '../schema/config.js';

export { configSchema, type Config } from '../schema/config.js';
// Reading the config file without zod (config-load.ts) is what the commands use; parseConfig is the zod parse itself.
export { defaultStateDir, loadConfig, stateDirOf } from './config-load.js';

// Config errors are shared with the server's config (common/config-error.ts); re-exported for the agent's callers.
export { ConfigError, describeIssues, allowedKeysAt } from '../common/config-error.js';

export function parseConfig(raw: unknown, file = 'config'): Config {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, file, configSchema));
  return parsed.data;
}


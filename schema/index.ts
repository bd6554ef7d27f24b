import { z } from 'zod';
import { configSchema } from './config.js';
import { snapshotSchema } from './snapshot/index.js';
import { reportSchema } from './report.js';

/** The JSON Schemas that `farmwatch schema` prints, keyed by name. */
export function jsonSchemas(): Record<string, unknown> {
  return {
    snapshot: z.toJSONSchema(snapshotSchema, { io: 'output' }),
    config: z.toJSONSchema(configSchema, { io: 'input' }),
    report: z.toJSONSchema(reportSchema, { io: 'input' }),
  };
}

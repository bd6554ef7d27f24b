import { baselineSchema } from './baseline.js';
import { configSchema } from './config.js';
import { devicePolicySchema } from './policy.js';
import { reportSchema } from './report.js';
import { activitySchema } from './snapshot/activity.js';
import { displaysSchema } from './snapshot/displays.js';
import { hostSchema } from './snapshot/host.js';
import { snapshotSchema } from './snapshot/index.js';
import { inputsSchema } from './snapshot/inputs.js';
import { localeSchema } from './snapshot/locale.js';
import { networkSchema } from './snapshot/network.js';
import { processesSchema } from './snapshot/processes.js';
import { remoteSessionsSchema } from './snapshot/remoteSessions.js';
import { sessionsSchema } from './snapshot/sessions.js';
import { softwareSchema } from './snapshot/software.js';
import { usbSchema } from './snapshot/usb.js';

/**
 * The contracts the agent checks on its hot path, by name (contract.ts): each is checked there by its generated
 * shape (shape/generated.ts, `npm run schema:shapes`), and this module, with zod, is loaded only when a value needs
 * zod's verdict or message.
 */
export const zodSchemas = {
  host: hostSchema,
  processes: processesSchema,
  software: softwareSchema,
  network: networkSchema,
  usb: usbSchema,
  inputs: inputsSchema,
  displays: displaysSchema,
  locale: localeSchema,
  sessions: sessionsSchema,
  activity: activitySchema,
  remoteSessions: remoteSessionsSchema,
  snapshot: snapshotSchema,
  config: configSchema,
  baseline: baselineSchema,
  report: reportSchema,
  devicePolicy: devicePolicySchema,
};

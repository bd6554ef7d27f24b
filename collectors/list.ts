import { activity } from './activity/index.js';
import { displays } from './displays/index.js';
import { host } from './host/index.js';
import { inputs } from './inputs/index.js';
import { locale } from './locale/index.js';
import { network } from './network/index.js';
import { processes } from './processes/index.js';
import { remoteSessions } from './remoteSessions/index.js';
import { sessions } from './sessions/index.js';
import { software } from './software/index.js';
import { usb } from './usb/index.js';

/**
 * Every collector, in snapshot order. An explicit list: nothing registers itself by being imported. Apart from
 * index.ts (the package's `./collectors` export, which also re-exports the snapshot's zod schema), so that the agent
 * loads the collectors without zod.
 */
export const collectors = [host, processes, software, network, usb, inputs, displays, locale, sessions, activity, remoteSessions] as const;


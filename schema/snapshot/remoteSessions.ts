import { z } from 'zod';

/** Catalog ids of the tools (rules/catalogs/remote-access.json) plus the OS's own remote logons. */
export const sessionToolSchema = z.string().min(1).max(64);

export const remoteSessionSchema = z.object({
  tool: sessionToolSchema.describe("Remote-access catalog id: 'anydesk', 'teamviewer', 'rustdesk', 'chrome-remote-desktop', 'rdp', 'screen-sharing', 'vnc'"),
  direction: z.enum(['incoming', 'outgoing']),
  start: z.string().describe('ISO 8601'),
  end: z.string().optional().describe('ISO 8601; absent while open or unknown'),
  peerId: z.string().max(256).optional().describe("The remote peer's tool id; leaves the laptop only as the keyed hash"),
  peerAddress: z.string().max(64).optional().describe("The peer's IP; leaves only as the keyed hash; vendor relay addresses are dropped before"),
  peerCountry: z.string().regex(/^[A-Z]{2}$/).optional().describe('ISO alpha-2, only if policy allows looking the address up'),
  peerAsn: z.number().int().nonnegative().optional(),
  source: z.string().max(64).describe("Which log, e.g. 'anydesk:connection_trace'"),
});
export type RemoteSession = z.infer<typeof remoteSessionSchema>;

export const logStates = ['read', 'absent', 'refused', 'shrunk', 'vanished'] as const;
export const sessionLogSchema = z.object({
  source: z.string().max(64),
  path: z.string().max(1024),
  state: z.enum(logStates),
  reason: z.string().max(256).optional(),
});
export type SessionLog = z.infer<typeof sessionLogSchema>;

/** Sessions found in the tails read this time (the agent keeps each log's offset), and what happened to each log. */
export const remoteSessionsSchema = z.object({
  sessions: z.array(remoteSessionSchema),
  logs: z.array(sessionLogSchema),
});
export type RemoteSessions = z.infer<typeof remoteSessionsSchema>;

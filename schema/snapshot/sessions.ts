import { z } from 'zod';

export const sessionSchema = z.object({
  user: z.string(),
  type: z.enum(['console', 'graphical', 'tty', 'ssh', 'rdp', 'vnc', 'screen-sharing', 'other']),
  line: z.string().optional(),
  remoteHost: z.string().optional(),
  since: z.string().optional().describe('ISO 8601'),
  pid: z.number().int().optional(),
});
export type Session = z.infer<typeof sessionSchema>;

export const sessionsSchema = z.object({ sessions: z.array(sessionSchema) });
export type Sessions = z.infer<typeof sessionsSchema>;

import { z } from 'zod';

export const activitySchema = z.object({
  idleSeconds: z.number().nonnegative().nullable().describe('Seconds since the last keyboard/mouse input; null when the OS does not tell'),
  source: z.string().optional(),
  unavailableReason: z.string().optional(),
});
export type Activity = z.infer<typeof activitySchema>;

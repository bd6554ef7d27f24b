import { z } from 'zod';

export const processSchema = z.object({
  pid: z.number().int().nonnegative(),
  ppid: z.number().int().nonnegative().optional(),
  name: z.string().describe('Full executable basename (not the 15-character /proc comm), else argv[0] basename, else comm'),
  comm: z.string().optional().describe('Kernel short name (Linux /proc/PID/comm, cut at 15 characters)'),
  exe: z.string().optional().describe('Absolute path of the executable, when readable'),
  cmdline: z.array(z.string()).optional().describe('argv; only argv[0] when command lines are redacted'),
  user: z.string().optional(),
  uid: z.number().int().optional(),
  startTime: z.string().optional().describe('ISO 8601 start time'),
});
export type Process = z.infer<typeof processSchema>;

export const processesSchema = z.array(processSchema);
export type Processes = z.infer<typeof processesSchema>;

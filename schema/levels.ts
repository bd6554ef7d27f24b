/** Finding severities and score levels, lowest first: plain constants, so the hot path reads them without zod. */
export const severities = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];

export const levels = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof levels)[number];

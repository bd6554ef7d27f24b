/** Why a collector produced no data: the `code` of a snapshot's `errors[]` entry, with what it means. */
export const errorCodes = {
  'command-missing': 'A program the collector needs is not installed.',
  'permission-denied': 'The OS refused access; run as root/SYSTEM or grant the permission named in the message.',
  timeout: 'The source did not answer within its time limit.',
  'parse-error': 'The source answered in a form the parser does not understand.',
  aborted: 'The cycle was cancelled (shutdown or budget).',
  failed: 'The source failed for another reason, given in the message.',
} as const;
export type ErrorCode = keyof typeof errorCodes;

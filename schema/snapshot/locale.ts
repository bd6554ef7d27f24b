import { z } from 'zod';

export const localeSchema = z.object({
  timezone: z.string().describe('IANA name, honouring TZ as Node Intl does'),
  timezoneSource: z.string().optional().describe('Where it came from: TZ, /etc/localtime, Intl, ...'),
  systemTimezone: z.string().optional().describe("The OS's configured zone when it differs from the process's"),
  utcOffsetMinutes: z.number().int(),
  locale: z.string().describe('BCP 47 locale of the process (Intl)'),
  systemLocale: z.string().optional().describe('LANG or the OS setting'),
  languages: z.array(z.string()).describe('UI languages in order of preference'),
  keyboardLayouts: z.array(z.string()),
  inputMethods: z.array(z.string()).describe('IME engines (ibus/fcitx engines, macOS input sources, Windows TIPs)'),
  owner: z.string().optional().describe('Whose settings these are (console user), when read for another user'),
});
export type Locale = z.infer<typeof localeSchema>;

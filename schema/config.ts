import { z } from 'zod';
import { reportByteBudget } from './report.js';

/** The agent's one config file: every key, its default and what it allows (docs/configuration.md is generated from it). */
const hostPort = z.strictObject({
  host: z.string().min(1).describe('Host name or IP address to TCP-connect to'),
  port: z.number().int().min(1).max(65535).describe('TCP port'),
  /** Highest RTT (ms) that fits the expected region; beyond it network.region-latency fires. */
  expectedMaxRttMs: z.number().positive().optional().describe('Highest RTT (ms) to this anchor that fits the expected region'),
});

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      url: z.url({ protocol: /^https?$/ }).describe('Central server base URL, e.g. https://farmwatch.example.com'),
      caFile: z.string().optional().describe('PEM bundle that signs the server certificate'),
      clientCert: z.string().optional().describe('PEM client certificate for mTLS'),
      clientKey: z.string().optional().describe('PEM private key for mTLS'),
      proxy: z.url().optional().describe('HTTPS proxy URL'),
      timeoutMs: z.number().int().min(1000).max(120_000).default(15_000).describe('Timeout of one HTTP request to the server (ms)'),
    })
    .optional(),
  enrollSecret: z.string().optional().describe('Prefer `farmwatch enroll --secret-file`; a secret here must be in a 0600 file'),
  stateDir: z.string().optional().describe('Token, spool and baseline; default per OS (see docs/configuration.md)'),
  contact: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Who the person at the laptop should contact about a finding, e.g. "security@example.com, ext. 4242"; `farmwatch diagnose` prints it with what to do next'),
  deviceId: z.string().min(1).max(128).optional().describe('Overrides the id derived from the hardware'),
  intervalSec: z.number().int().min(5).max(86_400).default(300).describe('Seconds between two cycles of `farmwatch run` (±10 % jitter)'),
  collectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000).describe('Timeout of one collector (ms); a collector past it is an error in the snapshot'),
  expected: z
    .strictObject({
      timezones: z.array(z.string()).default([]).describe('IANA names or globs, e.g. "America/*"'),
      locales: z.array(z.string()).default([]).describe('BCP 47 tags or globs, e.g. "en-*"'),
      keyboardLayouts: z.array(z.string()).default([]).describe('Expected keyboard layouts, e.g. "us", "de" (context only, never scores)'),
      countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, e.g. "US"')).default([]).describe('Where the laptop is expected to be (ISO 3166-1 alpha-2); sets the RTT expected of a remote-control socket'),
    })
    .prefault({}),
  allow: z.strictObject({ tools: z.array(z.string()).default([]).describe('Sanctioned catalog ids, e.g. "teamviewer"') }).prefault({}),
  latency: z
    .strictObject({
      anchors: z.array(hostPort).default([]).describe('TCP-connect RTT probes: the agent\'s own server by default once enrolled'),
      maxSessionRttMs: z.number().positive().optional().describe('Highest RTT of a remote-control socket inside the expected region; derived from expected.countries (else expected.timezones) when unset'),
    })
    .prefault({}),
  report: z
    .strictObject({
      snapshot: z.enum(['never', 'on-findings', 'always']).default('on-findings').describe('When the report carries the full snapshot (see docs/privacy.md)'),
      spoolMaxBytes: z.number().int().min(1024 * 1024).default(50 * 1024 * 1024).describe('Size bound of the on-disk spool of unsent reports; the oldest are dropped (and counted) past it'),
      maxBytes: z
        .number()
        .int()
        .min(64 * 1024)
        .max(reportByteBudget)
        .default(reportByteBudget)
        .describe("Byte budget of one report (JSON): past it the agent trims snapshot bulk and marks the report `truncated` (docs/agent.md). The default is the server's 1 MiB body limit minus 16 KiB; lower it behind a proxy with a smaller limit"),
    })
    .prefault({}),
  privacy: z
    .strictObject({
      redactCommandLines: z.boolean().default(true).describe('Sent reports keep only argv[0] of each command line, plus the arguments a finding matched; rules and `diagnose` still see whole command lines on the laptop'),
      disabledCollectors: z.array(z.string()).default([]).describe('Collector names never run, e.g. "activity", "sessions"'),
      activityHours: z.boolean().default(true).describe('Keep the local-hour histogram of input activity'),
    })
    .prefault({}),
  budget: z
    .strictObject({
      cpuMsPerCycle: z.number().positive().default(200).describe('CPU time (ms) per cycle past which the interval is doubled (up to a cap) until a cycle fits again'),
      rssMiB: z.number().positive().default(150).describe('Resident memory (MiB) past which the hourly slow collectors (software, host) are postponed'),
    })
    .prefault({}),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level (JSON lines on stderr)') }).prefault({}),
});
export type Config = z.infer<typeof configSchema>;

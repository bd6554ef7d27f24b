import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError, describeIssues } from '../common/config-error.js';
import { forwardersSchema } from './forwarders/config.js';

/** "10.0.0.0/8", "2001:db8::/32" or a single address. */
const cidr = z.string().refine((s) => parseCidr(s) !== null, 'an IP address or CIDR, e.g. "203.0.113.0/24"');

export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', bits, ...rest] = text.trim().split('/');
  if (rest.length) return null;
  const version = isIP(address);
  if (!version) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!/^\d+$/.test(bits ?? String(max)) || prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

const secret = z.string().min(16, 'at least 16 characters (e.g. `openssl rand -base64 32`)').max(1024);

export const serverConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1').describe('Listen address; 0.0.0.0 or :: for every interface'),
  port: z.number().int().min(0).max(65535).default(8787),
  adminHost: z.string().min(1).optional().describe('Listen address of the dashboard and the SOC API when adminPort is set; default 127.0.0.1'),
  adminPort: z.number().int().min(0).max(65535).optional().describe('When set, the dashboard and the SOC API listen here and not on host:port (which keeps ingest only)'),
  db: z.string().min(1).default('./farmwatch.db').describe('SQLite file (WAL); created on first start. A postgres:// URL selects PostgreSQL (docs/postgres.md)'),
  // PostgreSQL for several replicas on one database (docs/postgres.md); wins over `db` when set.
  database: z
    .strictObject({
      url: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL, e.g. "postgres://farmwatch:secret@db.internal:5432/farmwatch"'),
      poolSize: z.number().int().min(1).max(200).default(10).describe('Connections per replica'),
      ingestBatches: z.number().int().min(1).max(16).default(1).describe('Ingest batches in flight per replica (reports that arrive meanwhile go together as the next batch)'),
    })
    .optional()
    .describe('PostgreSQL: several `farmwatch server` replicas may share it'),
  enrollSecret: secret.optional().describe('Shared secret agents present to enroll; generated on first start when unset'),
  adminToken: secret.optional().describe('Bearer token of the SOC API; generated on first start when unset'),
  officeNetworks: z.array(cidr).default([]).describe('Office and VPN egress networks: not places for fleet.colocation'),
  trustedProxies: z.array(cidr).default([]).describe('Proxies whose X-Forwarded-For is believed'),
  // Geolocation (docs/geo.md), geo.* and fleet intelligence rules.
  egressNetworks: z.array(cidr).default([]).describe('VPN/SASE egress networks the company uses: no co-location, no geo rules there'),
  relayNetworks: z.array(cidr).default([]).describe('More shared relay egress (e.g. ranges from Apple\'s Private Relay list): never a place for fleet rules; geo rules still run'),
  expected: z.strictObject({ countries: z.array(z.string().regex(/^[A-Za-z]{2}$/, 'ISO 3166 alpha-2, e.g. "US"')).default([]) }).prefault({}),
  geo: z
    .strictObject({
      enabled: z.boolean().default(true),
      countryDb: z.string().min(1).optional().describe('MMDB country database (GeoIP2/GeoLite2 Country or ip-location-db); default: the bundled one'),
      asnDb: z.string().min(1).optional().describe('MMDB ASN database (GeoIP2/GeoLite2 ASN) or an ip-location-db ASN -num.csv; default: the bundled one'),
      hostingAsns: z.array(z.number().int().positive()).default([]).describe('More hosting/VPN ASNs for geo.hosting-network'),
      maxSpeedKmh: z.number().positive().max(100_000).default(1000),
      slackKm: z.number().nonnegative().max(20_000).default(300),
    })
    .prefault({}),
  rareTool: z.strictObject({ maxPercent: z.number().positive().max(100).default(1), minFleetDevices: z.number().int().min(1).default(20) }).prefault({}),
  fingerprint: z
    .strictObject({ maxDiffMs: z.number().nonnegative().default(5), maxDiffRatio: z.number().min(0).max(1).default(0.2), minCommonAnchors: z.number().int().min(1).default(1) })
    .prefault({}),
  colocation: z
    .strictObject({
      minDevices: z.number().int().min(2).max(10_000).default(3),
      windowHours: z.number().positive().max(24 * 90).default(24),
    })
    .prefault({}),
  ingestWorkers: z
    .union([z.literal('auto'), z.number().int().min(0).max(64)])
    .default('auto')
    .describe('Most worker threads that parse, verify and validate reports under load ("auto": the cores but one, started only with a core to spare; 0: none). None run while the ingest is idle'),
  silentGraceHours: z.number().positive().max(24 * 365).default(72),
  retentionDays: z.number().positive().max(3650).default(90),
  tls: z
    .strictObject({
      cert: z.string().min(1).describe('PEM certificate chain file'),
      key: z.string().min(1).describe('PEM private key file'),
      ca: z.string().min(1).optional().describe('PEM CA bundle that signs client certificates'),
      requireClientCert: z.boolean().default(false),
    })
    .refine((t) => !t.requireClientCert || t.ca !== undefined, { message: 'requireClientCert needs tls.ca', path: ['ca'] })
    .optional(),
  forwarders: forwardersSchema.describe('SIEM forwarders (docs/forwarders.md): each alert change goes to each, through the outbox'),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).prefault({}),
});
export type ServerConfig = z.infer<typeof serverConfigSchema>;

const postgresUrl = /^postgres(ql)?:\/\//;

/** The PostgreSQL the config names (a `database` block, or `db` as a postgres:// URL), or null for SQLite. */
export function postgresOf(config: Pick<ServerConfig, 'db' | 'database'>): { url: string; poolSize: number; ingestBatches: number } | null {
  if (config.database) return config.database;
  return postgresUrl.test(config.db) ? { url: config.db, poolSize: 10, ingestBatches: 1 } : null;
}

/** The database for logs: a URL without its password. */
export function describeDb(config: Pick<ServerConfig, 'db' | 'database'>): string {
  const pg = postgresOf(config);
  if (!pg) return config.db;
  try {
    const url = new URL(pg.url);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

export function parseServerConfig(raw: unknown, file = 'server config'): ServerConfig {
  const parsed = serverConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, file, serverConfigSchema));
  return parsed.data;
}

/** Reads --config, else FARMWATCH_SERVER_CONFIG, else the defaults. */
export async function loadServerConfig(file: string | undefined, env = process.env): Promise<ServerConfig> {
  const path = file ?? env.FARMWATCH_SERVER_CONFIG;
  if (!path) return parseServerConfig({});
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read the server config file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  return parseServerConfig(raw, path);
}

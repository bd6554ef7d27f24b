import { pgGraphMigration } from '../graph/migration.js';
import { pgPlacesMigration } from '../places/migration.js';
import { pgCasesMigration } from '../cases/migration.js';
/**
 * PostgreSQL's migrations: the same versions as SQLite's (server/storage/migrations.ts), each the same change in
 * PostgreSQL's types (BIGINT milliseconds, BYTEA, identity ids). Versioned and append-only like SQLite's: a new
 * version in either list gets its twin here, with the same number.
 */
export const pgMigrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'devices, reports, presence, alerts',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        hostname TEXT NOT NULL,
        platform TEXT NOT NULL,
        agent_version TEXT NOT NULL,
        token_hash BYTEA,
        enrolled_at TEXT NOT NULL,
        last_seen TEXT,
        last_collected_at TEXT,
        score INTEGER,
        level TEXT,
        latest_report_id TEXT,
        next_report_by TEXT,
        next_report_ms BIGINT,
        last_source_ip TEXT
      );
      CREATE UNIQUE INDEX devices_token ON devices(token_hash);
      CREATE INDEX devices_next_report ON devices(next_report_ms);
      CREATE TABLE reports (
        report_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        collected_at TEXT NOT NULL,
        received_ms BIGINT NOT NULL,
        score INTEGER NOT NULL,
        level TEXT NOT NULL,
        source_ip TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX reports_device ON reports(device_id, received_ms);
      CREATE INDEX reports_received ON reports(received_ms);
      CREATE TABLE presence (
        kind TEXT NOT NULL,
        place TEXT NOT NULL,
        device_id TEXT NOT NULL,
        last_seen_ms BIGINT NOT NULL,
        PRIMARY KEY (kind, place, device_id)
      );
      CREATE INDEX presence_age ON presence(last_seen_ms);
      CREATE TABLE alerts (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        rule TEXT NOT NULL,
        alert_key TEXT NOT NULL,
        status TEXT NOT NULL,
        severity TEXT NOT NULL,
        device_ids TEXT NOT NULL,
        summary TEXT NOT NULL,
        evidence TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX alerts_active ON alerts(rule, alert_key) WHERE status <> 'resolved';
      CREATE INDEX alerts_status ON alerts(status);
    `,
  },
  {
    version: 2,
    name: 'forwarder outbox',
    sql: `
      CREATE TABLE outbox (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        forwarder TEXT NOT NULL,
        alert_id BIGINT NOT NULL,
        event TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        next_attempt_ms BIGINT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      );
      CREATE INDEX outbox_due ON outbox(forwarder, next_attempt_ms);
    `,
  },
  {
    version: 3,
    name: 'source country and ASN; server findings; fleet intelligence tables',
    sql: `
      ALTER TABLE reports ADD COLUMN source_country TEXT, ADD COLUMN source_asn BIGINT, ADD COLUMN server_findings TEXT;
      ALTER TABLE devices ADD COLUMN source_country TEXT, ADD COLUMN source_asn BIGINT, ADD COLUMN source_as_org TEXT,
        ADD COLUMN server_findings TEXT, ADD COLUMN travel_country TEXT, ADD COLUMN travel_ms BIGINT;
      CREATE TABLE fleet_counts (key TEXT PRIMARY KEY, n BIGINT NOT NULL);
      CREATE TABLE fleet_members (device_id TEXT PRIMARY KEY);
      CREATE TABLE tool_devices (tool TEXT NOT NULL, device_id TEXT NOT NULL, PRIMARY KEY (tool, device_id));
      CREATE TABLE fingerprints (place TEXT NOT NULL, device_id TEXT NOT NULL, rtts TEXT NOT NULL, last_seen_ms BIGINT NOT NULL, PRIMARY KEY (place, device_id));
      CREATE TABLE device_macs (mac TEXT PRIMARY KEY, device_id TEXT NOT NULL);
    `,
  },
  {
    version: 4,
    name: 'policy versions, inventory, device lifecycle, named enroll secrets, approval queue',
    sql: `
      ALTER TABLE devices ADD COLUMN status TEXT NOT NULL DEFAULT 'active', ADD COLUMN status_at TEXT, ADD COLUMN hardware_id TEXT,
        ADD COLUMN serial TEXT, ADD COLUMN public_key TEXT;
      CREATE INDEX devices_hardware ON devices(hardware_id);
      CREATE INDEX devices_serial ON devices(serial);
      CREATE TABLE policy_versions (version INTEGER PRIMARY KEY, body TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE inventory (key TEXT PRIMARY KEY, employee TEXT, country TEXT, grp TEXT);
      CREATE TABLE enroll_secrets (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        secret_hash BYTEA NOT NULL UNIQUE,
        expires_at TEXT NOT NULL,
        uses_left INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE pending_enrollments (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        device_id TEXT NOT NULL,
        hostname TEXT NOT NULL,
        platform TEXT NOT NULL,
        agent_version TEXT NOT NULL,
        hardware_id TEXT,
        serial TEXT,
        public_key TEXT,
        reason TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        decided_at TEXT
      );
      CREATE INDEX pending_device ON pending_enrollments(device_id, status);
    `,
  },
  {
    version: 5,
    name: 'server verdict, integrity hashes, clock skew, report nonces',
    sql: `
      ALTER TABLE devices ADD COLUMN server_score INTEGER, ADD COLUMN server_level TEXT, ADD COLUMN clock_skew_s INTEGER,
        ADD COLUMN signed INTEGER NOT NULL DEFAULT 0, ADD COLUMN policy_version INTEGER, ADD COLUMN config_hash TEXT,
        ADD COLUMN code_hash TEXT, ADD COLUMN integrity_agent_version TEXT;
      ALTER TABLE reports ADD COLUMN server_score INTEGER, ADD COLUMN server_level TEXT;
      CREATE TABLE nonces (device_id TEXT NOT NULL, nonce TEXT NOT NULL, seen_ms BIGINT NOT NULL, PRIMARY KEY (device_id, nonce));
      CREATE INDEX nonces_age ON nonces(seen_ms);
    `,
  },
  {
    version: 6,
    name: 'change counter for replica caches',
    sql: `
      CREATE TABLE replica_changes (id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
      INSERT INTO replica_changes (id, n) VALUES (1, 0);
    `,
  },
  pgGraphMigration,
  pgPlacesMigration,
  pgCasesMigration,
];

import { lifecycleMigration, signedReportsMigration } from '../lifecycle/migrations.js';

import { geoMigration } from '../geo/migration.js';
import { graphMigration } from '../graph/migration.js';
import { placesMigration } from '../places/migration.js';
import { casesMigration } from '../cases/migration.js';

/**
 * One schema change per version, read by both runners (server/storage/sqlite.ts, server/storage/pg.ts). Each entry
 * holds the same change in each engine's DDL: PostgreSQL's has BIGINT milliseconds, BYTEA and identity ids, and no
 * `WITHOUT ROWID`. A module owning its tables keeps one text with the types as parameters (e.g. ../graph/migration.ts).
 * Versioned, append-only: a released migration is never edited, a change is a new version.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}

const hexGlob = (n: number) => '[0-9a-f]'.repeat(n);
/** A UUID as text, lower case (SQLite GLOB) or either case (PostgreSQL ~*). */
const uuidGlob = [8, 4, 4, 4, 12].map(hexGlob).join('-');
const uuidRegex = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'devices, reports, presence, alerts',
    sqlite: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        hostname TEXT NOT NULL,
        platform TEXT NOT NULL,
        agent_version TEXT NOT NULL,
        token_hash BLOB,
        enrolled_at TEXT NOT NULL,
        last_seen TEXT,
        last_collected_at TEXT,
        score INTEGER,
        level TEXT,
        latest_report_id TEXT,
        next_report_by TEXT,
        next_report_ms INTEGER,
        last_source_ip TEXT
      );
      CREATE UNIQUE INDEX devices_token ON devices(token_hash);
      CREATE INDEX devices_next_report ON devices(next_report_ms);
      CREATE TABLE reports (
        report_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        collected_at TEXT NOT NULL,
        received_ms INTEGER NOT NULL,
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
        last_seen_ms INTEGER NOT NULL,
        PRIMARY KEY (kind, place, device_id)
      ) WITHOUT ROWID;
      CREATE INDEX presence_age ON presence(last_seen_ms);
      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
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
    postgres: `
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
    // One row per (alert change, forwarder), written in the alert's transaction; deleted once delivered.
    sqlite: `
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        forwarder TEXT NOT NULL,
        alert_id INTEGER NOT NULL,
        event TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        next_attempt_ms INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      );
      CREATE INDEX outbox_due ON outbox(forwarder, next_attempt_ms);
    `,
    postgres: `
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
  geoMigration,
  lifecycleMigration,
  signedReportsMigration,
  {
    version: 6,
    name: 'change counter for replica caches',
    sqlite: `
      CREATE TABLE replica_changes (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
      INSERT INTO replica_changes (id, n) VALUES (1, 0);
    `,
    postgres: `
      CREATE TABLE replica_changes (id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
      INSERT INTO replica_changes (id, n) VALUES (1, 0);
    `,
  },
  graphMigration,
  placesMigration,
  casesMigration,
  {
    version: 10,
    name: 'compact report storage: compressed bodies, heartbeats',
    // reports.body stays for rows written before (read as they are); new rows write '' there and keep their body
    // compressed in body_z, or, as a heartbeat, name in `repeats` the full row whose facts they repeat. The device row
    // keeps the facts hash and report id of its last full row: the one read the ingest makes anyway compares them.
    // reports_full indexes the compressed full rows only (heartbeats cost it nothing): a heartbeat whose full row
    // retention removed reads the device's full row before it (server/db/report-body.ts).
    sqlite: `
      ALTER TABLE reports ADD COLUMN body_z BLOB;
      ALTER TABLE reports ADD COLUMN repeats TEXT;
      ALTER TABLE devices ADD COLUMN facts_hash BLOB;
      ALTER TABLE devices ADD COLUMN facts_report_id TEXT;
      CREATE INDEX reports_full ON reports(device_id, received_ms) WHERE body_z IS NOT NULL;
    `,
    postgres: `
      ALTER TABLE reports ADD COLUMN body_z BYTEA, ADD COLUMN repeats TEXT;
      ALTER TABLE devices ADD COLUMN facts_hash BYTEA, ADD COLUMN facts_report_id TEXT;
      CREATE INDEX reports_full ON reports(device_id, received_ms) WHERE body_z IS NOT NULL;
    `,
  },
  {
    version: 11,
    name: 'narrow heartbeats: a table of their own, 16-byte ids, integer times',
    // Most reports repeat their device's last full row: such a heartbeat is now a row of `heartbeats` holding its
    // report id (16 bytes), the `reports.id` of the full row it repeats and its two times as integer milliseconds,
    // keyed on the id (replay is still a duplicate) with one index by full row (history, retention). `reports` gets an
    // integer id to be named by (SQLite: the rowid kept as INTEGER PRIMARY KEY, so that VACUUM cannot renumber it), and
    // loses `repeats` and reports_full. Version 10's heartbeats move over: their full row is the one named, or (when
    // retention had removed it) the device's full row before them, as they were read. Values that would not read back
    // as stored are written as they read: an upper-case id in lower case, a collected-at with an offset in UTC. A
    // version 10 heartbeat with no full row left stays a body-less `reports` row (it read as absent, and still does).
    sqlite: `
      CREATE TABLE heartbeats (
        id BLOB PRIMARY KEY,
        base INTEGER NOT NULL,
        received_ms INTEGER NOT NULL,
        collected_ms INTEGER NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO heartbeats (id, base, received_ms, collected_ms)
        SELECT unhex(replace(lower(c.report_id), '-', '')), c.base, c.received_ms, CAST(round(unixepoch(c.collected_at, 'subsec') * 1000) AS INTEGER)
        FROM (
          SELECT r.report_id, r.received_ms, r.collected_at,
            coalesce(
              (SELECT b.rowid FROM reports b WHERE b.report_id = r.repeats AND b.repeats IS NULL),
              (SELECT f.rowid FROM reports f WHERE f.device_id = r.device_id AND f.received_ms <= r.received_ms AND f.body_z IS NOT NULL ORDER BY f.received_ms DESC LIMIT 1)
            ) AS base
          FROM reports r WHERE r.repeats IS NOT NULL AND lower(r.report_id) GLOB '${uuidGlob}'
        ) c
        WHERE c.base IS NOT NULL AND unixepoch(c.collected_at, 'subsec') IS NOT NULL
        ON CONFLICT (id) DO NOTHING;
      CREATE TABLE reports_v11 (
        id INTEGER PRIMARY KEY,
        report_id TEXT NOT NULL UNIQUE,
        device_id TEXT NOT NULL,
        collected_at TEXT NOT NULL,
        received_ms INTEGER NOT NULL,
        score INTEGER NOT NULL,
        level TEXT NOT NULL,
        source_ip TEXT NOT NULL,
        body TEXT NOT NULL,
        source_country TEXT,
        source_asn INTEGER,
        server_findings TEXT,
        server_score INTEGER,
        server_level TEXT,
        body_z BLOB
      );
      INSERT INTO reports_v11 (id, report_id, device_id, collected_at, received_ms, score, level, source_ip, body, source_country, source_asn, server_findings, server_score, server_level, body_z)
        SELECT r.rowid, r.report_id, r.device_id, r.collected_at, r.received_ms, r.score, r.level, r.source_ip, r.body, r.source_country, r.source_asn, r.server_findings, r.server_score, r.server_level, r.body_z
        FROM reports r
        WHERE r.repeats IS NULL OR NOT EXISTS (SELECT 1 FROM heartbeats h WHERE h.id = unhex(replace(lower(r.report_id), '-', '')) AND h.received_ms = r.received_ms);
      DROP TABLE reports;
      ALTER TABLE reports_v11 RENAME TO reports;
      CREATE INDEX reports_device ON reports(device_id, received_ms);
      CREATE INDEX reports_received ON reports(received_ms);
      CREATE INDEX heartbeats_base ON heartbeats(base, received_ms);
    `,
    postgres: `
      ALTER TABLE reports ADD COLUMN id BIGINT GENERATED ALWAYS AS IDENTITY;
      CREATE UNIQUE INDEX reports_id ON reports(id);
      CREATE TABLE heartbeats (
        id UUID PRIMARY KEY,
        base BIGINT NOT NULL,
        received_ms BIGINT NOT NULL,
        collected_ms BIGINT NOT NULL
      );
      INSERT INTO heartbeats (id, base, received_ms, collected_ms)
        SELECT c.report_id::uuid, c.base, c.received_ms, round(extract(epoch FROM c.collected_at::timestamptz) * 1000)::bigint
        FROM (
          SELECT r.report_id, r.received_ms, r.collected_at,
            coalesce(
              (SELECT b.id FROM reports b WHERE b.report_id = r.repeats AND b.repeats IS NULL),
              (SELECT f.id FROM reports f WHERE f.device_id = r.device_id AND f.received_ms <= r.received_ms AND f.body_z IS NOT NULL ORDER BY f.received_ms DESC LIMIT 1)
            ) AS base
          FROM reports r WHERE r.repeats IS NOT NULL AND r.report_id ~* '${uuidRegex}'
        ) c
        WHERE c.base IS NOT NULL
        ON CONFLICT (id) DO NOTHING;
      DELETE FROM reports r USING heartbeats h
        WHERE r.repeats IS NOT NULL AND h.id = (CASE WHEN r.report_id ~* '${uuidRegex}' THEN r.report_id::uuid END) AND h.received_ms = r.received_ms;
      DROP INDEX reports_full;
      ALTER TABLE reports DROP COLUMN repeats;
      CREATE INDEX heartbeats_base ON heartbeats(base, received_ms);
    `,
  },
  {
    version: 12,
    name: "a device's open alerts by key: one probe for the ingest's per-device alert cap",
    sqlite: "CREATE INDEX alerts_key_active ON alerts(alert_key) WHERE status <> 'resolved';",
    postgres: "CREATE INDEX alerts_key_active ON alerts(alert_key) WHERE status <> 'resolved';",
  },
  {
    version: 13,
    name: 'heartbeats indexed by full row and hour: one deduplicated key per hour on PostgreSQL',
    // A device's heartbeats enter heartbeats_base at one point each (its full row's newest end), so under
    // (base, received_ms) PostgreSQL's leaf pages split half and half and stay half full (~50 B a heartbeat). Keyed on
    // the hour instead, the heartbeats of one full row and hour are one key whose posting list B-tree deduplication
    // (PostgreSQL 13+; bigint keys, no INCLUDE) grows by a 6-byte heap pointer each. SQLite has no deduplication:
    // received_ms stays last, so its index still walks a full row's heartbeats in time order. Readers order by
    // (received_ms / 3600000, received_ms), the same order as received_ms, with the same text on both engines
    // (server/db/report-history.ts, the storage's prune). The index is rebuilt once at upgrade; on PostgreSQL the new
    // one is built before the old one goes, so that reads (older replicas still serving) wait only for the drop at the
    // end, not for the build (writes to heartbeats wait for the build either way). SQLite cannot rename an index.
    // ANALYZE gives the planner the index expression's statistics at once: without them, until autovacuum's next
    // ANALYZE, PostgreSQL may read a full row's heartbeats by bitmap and sort them all instead of by the index's hours.
    // Only where there are heartbeats: an empty table analyzed says "empty" until autovacuum looks again (a minute or
    // more), and a new database filling meanwhile was planned for an empty table (measured: PostgreSQL's CPU per
    // report 2.4 times as high in the ingest benchmark's ten seconds).
    // Report ids are time-ordered (agents write UUIDv7, agent/report-id.ts), so heartbeats_pkey grows at its right end,
    // where a split leaves the left page as full as the fillfactor says: 100 instead of the default 90.
    sqlite: `
      DROP INDEX heartbeats_base;
      CREATE INDEX heartbeats_base ON heartbeats(base, received_ms / 3600000, received_ms);
    `,
    postgres: `
      CREATE INDEX heartbeats_base_hour ON heartbeats(base, (received_ms / 3600000));
      DROP INDEX heartbeats_base;
      ALTER INDEX heartbeats_base_hour RENAME TO heartbeats_base;
      ALTER INDEX heartbeats_pkey SET (fillfactor = 100);
      DO $$ BEGIN IF EXISTS (SELECT 1 FROM heartbeats) THEN ANALYZE heartbeats; END IF; END $$;
    `,
  },
  {
    version: 14,
    name: "a heartbeat's collected time read from its report id: NULL collected_ms",
    // Agents stamp a report's id with its collection time (agent/report.ts), so a heartbeat of theirs stores NULL there
    // and reads the time back from the id (server/db/heartbeat-key.ts). On PostgreSQL a NULL takes no data bytes (the
    // null bitmap fits the 24-byte header), which brings the row from 40 to 32 bytes of data: 8 a heartbeat, as a tuple
    // is padded to 8. Dropping NOT NULL there changes the catalog only. SQLite cannot drop a NOT NULL: the table is
    // copied once (a NULL takes no bytes there either, against 6 for the time). Rows kept from before stay as they are.
    sqlite: `
      CREATE TABLE heartbeats_v14 (
        id BLOB PRIMARY KEY,
        base INTEGER NOT NULL,
        received_ms INTEGER NOT NULL,
        collected_ms INTEGER
      ) WITHOUT ROWID;
      INSERT INTO heartbeats_v14 (id, base, received_ms, collected_ms) SELECT id, base, received_ms, collected_ms FROM heartbeats;
      DROP TABLE heartbeats;
      ALTER TABLE heartbeats_v14 RENAME TO heartbeats;
      CREATE INDEX heartbeats_base ON heartbeats(base, received_ms / 3600000, received_ms);
    `,
    postgres: 'ALTER TABLE heartbeats ALTER COLUMN collected_ms DROP NOT NULL;',
  },
];

/** Migration 3 (SQLite's and PostgreSQL's DDL): where reports come from (country, ASN) and the small tables of the O(1) fleet rules. */
export const geoMigration = {
  version: 3,
  name: 'source country and ASN; server findings; fleet intelligence tables',
  sqlite: `
    ALTER TABLE reports ADD COLUMN source_country TEXT;
    ALTER TABLE reports ADD COLUMN source_asn INTEGER;
    ALTER TABLE reports ADD COLUMN server_findings TEXT;
    ALTER TABLE devices ADD COLUMN source_country TEXT;
    ALTER TABLE devices ADD COLUMN source_asn INTEGER;
    ALTER TABLE devices ADD COLUMN source_as_org TEXT;
    ALTER TABLE devices ADD COLUMN server_findings TEXT;
    ALTER TABLE devices ADD COLUMN travel_country TEXT;
    ALTER TABLE devices ADD COLUMN travel_ms INTEGER;
    CREATE TABLE fleet_counts (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE fleet_members (device_id TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE tool_devices (tool TEXT NOT NULL, device_id TEXT NOT NULL, PRIMARY KEY (tool, device_id)) WITHOUT ROWID;
    CREATE TABLE fingerprints (
      place TEXT NOT NULL,
      device_id TEXT NOT NULL,
      rtts TEXT NOT NULL,
      last_seen_ms INTEGER NOT NULL,
      PRIMARY KEY (place, device_id)
    ) WITHOUT ROWID;
    CREATE TABLE device_macs (mac TEXT PRIMARY KEY, device_id TEXT NOT NULL) WITHOUT ROWID;
  `,
  postgres: `
      ALTER TABLE reports ADD COLUMN source_country TEXT, ADD COLUMN source_asn BIGINT, ADD COLUMN server_findings TEXT;
      ALTER TABLE devices ADD COLUMN source_country TEXT, ADD COLUMN source_asn BIGINT, ADD COLUMN source_as_org TEXT,
        ADD COLUMN server_findings TEXT, ADD COLUMN travel_country TEXT, ADD COLUMN travel_ms BIGINT;
      CREATE TABLE fleet_counts (key TEXT PRIMARY KEY, n BIGINT NOT NULL);
      CREATE TABLE fleet_members (device_id TEXT PRIMARY KEY);
      CREATE TABLE tool_devices (tool TEXT NOT NULL, device_id TEXT NOT NULL, PRIMARY KEY (tool, device_id));
      CREATE TABLE fingerprints (place TEXT NOT NULL, device_id TEXT NOT NULL, rtts TEXT NOT NULL, last_seen_ms BIGINT NOT NULL, PRIMARY KEY (place, device_id));
      CREATE TABLE device_macs (mac TEXT PRIMARY KEY, device_id TEXT NOT NULL);
    `,
} as const;

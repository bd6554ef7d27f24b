/**
 * Places (gateway / Wi-Fi / address) the server saw first, with the role the company gave or the server learned;
 * presence per (place, device, local day) for persistence, dwell and turnover; each device's own evidence.
 * The DDL is the same on both engines apart from integer widths.
 */
const ddl = (big: string) => `
  CREATE TABLE places (
    place TEXT PRIMARY KEY,
    role TEXT,
    origin TEXT NOT NULL,
    first_seen_ms ${big} NOT NULL,
    first_source_ip TEXT
  );
  CREATE TABLE place_days (
    place TEXT NOT NULL,
    device_id TEXT NOT NULL,
    day TEXT NOT NULL,
    first_ms ${big} NOT NULL,
    last_ms ${big} NOT NULL,
    night INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (place, device_id, day)
  );
  CREATE INDEX place_days_device ON place_days(device_id, day);
  CREATE TABLE device_evidence (
    device_id TEXT PRIMARY KEY,
    rules TEXT NOT NULL,
    updated_ms ${big} NOT NULL
  );
`;

export const placesMigration = { version: 8, name: 'places, presence days, member evidence', sqlite: ddl('INTEGER'), postgres: ddl('BIGINT') } as const;

/**
 * The operator graph's sightings: which laptop saw which keyed hash (a remote peer id or address, a peripheral serial)
 * and when, and at how many places a peripheral was seen (a serial at many places is a vendor default). Clusters are
 * read from the fleet alerts themselves (server/graph/store.ts), so they need no table of their own.
 */
const ddl = (int: string) => `
  CREATE TABLE graph_sightings (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    device_id TEXT NOT NULL,
    tool TEXT,
    first_ms ${int} NOT NULL,
    last_ms ${int} NOT NULL,
    PRIMARY KEY (kind, value, device_id)
  );
  CREATE INDEX graph_sightings_age ON graph_sightings(last_ms);
  CREATE TABLE graph_places (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    place TEXT NOT NULL,
    last_ms ${int} NOT NULL,
    PRIMARY KEY (kind, value, place)
  );
  CREATE INDEX graph_places_age ON graph_places(last_ms);
`;

export const graphMigration = { version: 7, name: 'operator graph sightings', sqlite: ddl('INTEGER'), postgres: ddl('BIGINT') };

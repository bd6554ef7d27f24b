/** The lifecycle and signing migrations (versions 4 and 5), listed in server/storage/migrations.ts. Never edited once released. */
export const lifecycleMigration = {
  version: 4,
  name: 'policy versions, inventory, device lifecycle, named enroll secrets, approval queue',
  sqlite: `
    ALTER TABLE devices ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
    ALTER TABLE devices ADD COLUMN status_at TEXT;
    ALTER TABLE devices ADD COLUMN hardware_id TEXT;
    ALTER TABLE devices ADD COLUMN serial TEXT;
    ALTER TABLE devices ADD COLUMN public_key TEXT;
    CREATE INDEX devices_hardware ON devices(hardware_id);
    CREATE INDEX devices_serial ON devices(serial);
    CREATE TABLE policy_versions (version INTEGER PRIMARY KEY, body TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE inventory (key TEXT PRIMARY KEY, employee TEXT, country TEXT, grp TEXT) WITHOUT ROWID;
    CREATE TABLE enroll_secrets (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      secret_hash BLOB NOT NULL UNIQUE,
      expires_at TEXT NOT NULL,
      uses_left INTEGER NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE TABLE pending_enrollments (
      id INTEGER PRIMARY KEY,
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
  postgres: `
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
};

export const signedReportsMigration = {
  version: 5,
  name: 'server verdict, integrity hashes, clock skew, report nonces',
  sqlite: `
    ALTER TABLE devices ADD COLUMN server_score INTEGER;
    ALTER TABLE devices ADD COLUMN server_level TEXT;
    ALTER TABLE devices ADD COLUMN clock_skew_s INTEGER;
    ALTER TABLE devices ADD COLUMN signed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE devices ADD COLUMN policy_version INTEGER;
    ALTER TABLE devices ADD COLUMN config_hash TEXT;
    ALTER TABLE devices ADD COLUMN code_hash TEXT;
    ALTER TABLE devices ADD COLUMN integrity_agent_version TEXT;
    ALTER TABLE reports ADD COLUMN server_score INTEGER;
    ALTER TABLE reports ADD COLUMN server_level TEXT;
    CREATE TABLE nonces (device_id TEXT NOT NULL, nonce TEXT NOT NULL, seen_ms INTEGER NOT NULL, PRIMARY KEY (device_id, nonce)) WITHOUT ROWID;
    CREATE INDEX nonces_age ON nonces(seen_ms);
  `,
  postgres: `
      ALTER TABLE devices ADD COLUMN server_score INTEGER, ADD COLUMN server_level TEXT, ADD COLUMN clock_skew_s INTEGER,
        ADD COLUMN signed INTEGER NOT NULL DEFAULT 0, ADD COLUMN policy_version INTEGER, ADD COLUMN config_hash TEXT,
        ADD COLUMN code_hash TEXT, ADD COLUMN integrity_agent_version TEXT;
      ALTER TABLE reports ADD COLUMN server_score INTEGER, ADD COLUMN server_level TEXT;
      CREATE TABLE nonces (device_id TEXT NOT NULL, nonce TEXT NOT NULL, seen_ms BIGINT NOT NULL, PRIMARY KEY (device_id, nonce));
      CREATE INDEX nonces_age ON nonces(seen_ms);
    `,
};

/**
 * The SOC's cases and the server's verdict per report (what the case timeline and the score breakdown read). One
 * migration per engine, the same tables; only the id column's DDL differs.
 */
const tables = (id: string, big: string) => `
  CREATE TABLE report_verdicts (
    report_id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    received_ms ${big} NOT NULL,
    collected_at TEXT NOT NULL,
    source_ip TEXT,
    agent_score INTEGER NOT NULL,
    agent_level TEXT NOT NULL,
    server_score INTEGER NOT NULL,
    server_level TEXT NOT NULL,
    agent_findings TEXT NOT NULL,
    server_findings TEXT NOT NULL,
    blind TEXT NOT NULL
  );
  CREATE INDEX report_verdicts_device ON report_verdicts(device_id, received_ms);
  CREATE TABLE cases (
    id ${id},
    case_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    device_ids TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    assignee TEXT,
    severity TEXT NOT NULL,
    why TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    resolved_at TEXT
  );
  CREATE INDEX cases_state ON cases(state);
  CREATE TABLE case_events (
    id ${id},
    case_id ${big} NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX case_events_case ON case_events(case_id, id);
`;

export const casesMigration = { version: 9, name: 'cases, case events, the server verdict per report', sqlite: tables('INTEGER PRIMARY KEY', 'INTEGER'), postgres: tables('BIGSERIAL PRIMARY KEY', 'BIGINT') };

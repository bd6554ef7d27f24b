import { randomUUID } from 'node:crypto';
import type { Report } from '../../schema/report.js';

/** A minimal valid wire report (no snapshot). */
export function makeReport(overrides: Partial<Report> = {}): Report {
  const now = new Date().toISOString();
  return {
    reportId: randomUUID(),
    deviceId: 'dev-1',
    agentVersion: '0.1.0',
    collectedAt: now,
    sentAt: now,
    nextReportBy: now,
    score: 0,
    level: 'none',
    findings: [],
    agent: { version: '0.1.0', configHash: 'x', health: {} },
    identity: { timezone: 'UTC' },
    ...overrides,
  };
}

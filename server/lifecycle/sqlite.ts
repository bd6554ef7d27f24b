import type Database from 'better-sqlite3';
import { policyBodySchema, type PolicyRecord } from '../policy/schema.js';
import { approvalRefusal, decideEnrollment } from './enroll-decision.js';
import { factsOf, refusedOf, secretUsedUp } from './enroll-facts.js';
import type { DeviceStatus, LifecycleEnroll, LifecycleEnrollOutcome, LifecycleStorage } from './storage-types.js';
import { standingOf, toInventory, toPending } from './rows.js';

type Row = Record<string, unknown>;

export interface LifecycleDeps {
  /** Resolves once the WAL is on disk (tokens handed out must survive a crash). */
  durable: <T>(value: T) => Promise<T>;
  /** Drops the device's cached token hashes: its old token fails at once. */
  forgetTokens: (deviceId: string) => void;
}

/** SQLite side of LifecycleStorage: every statement prepared once; every write durable before it answers. */
/** recordClockSkew writes an alert: the storage implements it with the ingest's alert writer (server/storage/sqlite-ingest.ts). */
export function lifecycleStorage(db: Database.Database, deps: LifecycleDeps): Omit<LifecycleStorage, 'recordClockSkew'> {
  const { durable, forgetTokens } = deps;
  const s = {
    latestPolicy: db.prepare('SELECT version, body, created_at FROM policy_versions ORDER BY version DESC LIMIT 1'),
    insertPolicy: db.prepare('INSERT INTO policy_versions (version, body, created_at) VALUES (?, ?, ?)'),
    clearInventory: db.prepare('DELETE FROM inventory'),
    insertInventory: db.prepare('INSERT OR REPLACE INTO inventory (key, employee, country, grp) VALUES (?, ?, ?, ?)'),
    inventory: db.prepare('SELECT * FROM inventory ORDER BY key'),
    missing: db.prepare(`SELECT i.* FROM inventory i WHERE NOT EXISTS (
      SELECT 1 FROM devices d WHERE d.device_id = i.key OR d.serial = i.key OR d.hostname = i.key) ORDER BY i.key`),
    device: db.prepare('SELECT * FROM devices WHERE device_id = ?'),
    byHardware: db.prepare('SELECT device_id FROM devices WHERE hardware_id = ? AND device_id <> ? AND status <> ? LIMIT 1').pluck(),
    secretByHash: db.prepare('SELECT * FROM enroll_secrets WHERE secret_hash = ?'),
    useSecret: db.prepare('UPDATE enroll_secrets SET uses_left = uses_left - 1 WHERE id = ? AND uses_left > 0'),
    insertSecret: db.prepare('INSERT INTO enroll_secrets (name, secret_hash, expires_at, uses_left, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    secrets: db.prepare('SELECT name, expires_at, uses_left, created_at FROM enroll_secrets ORDER BY name'),
    insertDevice: db.prepare(`INSERT INTO devices (device_id, hostname, platform, agent_version, token_hash, enrolled_at, status, status_at, hardware_id, serial, public_key)
      VALUES (@deviceId, @hostname, @platform, @agentVersion, @tokenHash, @at, 'active', @at, @hardwareId, @serial, @publicKey)`),
    // Re-enrollment replaces the credentials and forgets the previous integrity hashes (a reimage changes them).
    reenroll: db.prepare(`UPDATE devices SET hostname = @hostname, platform = @platform, agent_version = @agentVersion, token_hash = @tokenHash,
      enrolled_at = @at, status = 'active', status_at = @at, hardware_id = @hardwareId, serial = @serial, public_key = @publicKey,
      config_hash = NULL, code_hash = NULL, policy_version = NULL, integrity_agent_version = NULL WHERE device_id = @deviceId`),
    pendingFor: db.prepare("SELECT * FROM pending_enrollments WHERE device_id = ? AND status IN ('pending', 'approved', 'denied') ORDER BY id DESC"),
    insertPending: db.prepare(`INSERT INTO pending_enrollments (device_id, hostname, platform, agent_version, hardware_id, serial, public_key, reason, status, created_at)
      VALUES (@deviceId, @hostname, @platform, @agentVersion, @hardwareId, @serial, @publicKey, @reason, 'pending', @at)`),
    pendingById: db.prepare('SELECT * FROM pending_enrollments WHERE id = ?'),
    pendingOpen: db.prepare("SELECT * FROM pending_enrollments WHERE status = 'pending' ORDER BY id"),
    decide: db.prepare('UPDATE pending_enrollments SET status = ?, decided_at = ? WHERE id = ?'),
    // Once the device enrolled, an approval still unused would let its key replace the device later: it lapses.
    lapseApprovals: db.prepare("UPDATE pending_enrollments SET status = 'superseded', decided_at = ? WHERE device_id = ? AND status = 'approved'"),
    rotate: db.prepare("UPDATE devices SET token_hash = ? WHERE device_id = ? AND status = 'active' AND token_hash IS NOT NULL"),
    setStatus: db.prepare('UPDATE devices SET status = ?, status_at = ?, token_hash = NULL WHERE device_id = ?'),
    resolveDeviceAlerts: db.prepare(
      "UPDATE alerts SET status = 'resolved', updated_at = ?, summary = summary || ' (device decommissioned)' WHERE alert_key = ? AND status <> 'resolved'",
    ),
    nonces: db.prepare('SELECT device_id, nonce, seen_ms FROM nonces WHERE seen_ms >= ?'),
    pruneNonces: db.prepare('DELETE FROM nonces WHERE seen_ms < ?'),
    nonceSeen: db.prepare('SELECT 1 FROM nonces WHERE device_id = ? AND nonce = ?').pluck(),
    insertNonce: db.prepare('INSERT INTO nonces (device_id, nonce, seen_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
  };

  const enroll = db.transaction((r: LifecycleEnroll): LifecycleEnrollOutcome => {
    const at = r.at.toISOString();
    const params = { ...r, at };
    const existing = s.device.get(r.deviceId) as Row | undefined;
    const secret = r.secret.kind === 'named' ? (s.secretByHash.get(r.secret.hash) as Row | undefined) : undefined;
    const decision = decideEnrollment({
      ...factsOf(r, existing, secret, (s.pendingFor.all(r.deviceId) as Row[]).map(toPending)),
      nonceSeen: r.nonce !== null && s.nonceSeen.get(r.deviceId, r.nonce) !== undefined,
      twin: r.hardwareId ? ((s.byHardware.get(r.hardwareId, r.deviceId, 'decommissioned') as string | undefined) ?? null) : null,
    });
    if (decision.action === 'refuse') return refusedOf(decision);
    if (decision.takeSecretUse && secret && !s.useSecret.run(secret.id).changes) return secretUsedUp(secret);
    if (r.nonce !== null) s.insertNonce.run(r.deviceId, r.nonce, r.at.getTime());
    if (decision.action === 'queue') {
      const id = decision.openId ?? Number(s.insertPending.run({ ...params, reason: decision.reason }).lastInsertRowid);
      return { status: 'pending', id, reason: decision.reason, collision: decision.collision };
    }
    if (decision.action === 'complete') s.decide.run('used', at, decision.approvedId);
    s.lapseApprovals.run(at, r.deviceId);
    if (existing) s.reenroll.run(params);
    else s.insertDevice.run(params);
    if (existing) forgetTokens(r.deviceId);
    return { status: 'enrolled', secretName: decision.secretName };
  });

  return {
    async currentPolicy() {
      const r = s.latestPolicy.get() as Row | undefined;
      if (!r) return { version: 0, body: policyBodySchema.parse({}), createdAt: new Date(0).toISOString() };
      return { version: r.version as number, body: policyBodySchema.parse(JSON.parse(r.body as string)), createdAt: r.created_at as string };
    },
    async putPolicy(body, at, inventory) {
      const record = db.transaction((): PolicyRecord => {
        const latest = s.latestPolicy.get() as Row | undefined;
        const version = ((latest?.version as number | undefined) ?? 0) + 1;
        s.insertPolicy.run(version, JSON.stringify(body), at.toISOString());
        if (inventory) {
          s.clearInventory.run();
          for (const row of inventory) s.insertInventory.run(row.key, row.employee, row.country, row.group);
        }
        return { version, body, createdAt: at.toISOString() };
      })();
      return durable(record);
    },
    async inventory() {
      return (s.inventory.all() as Row[]).map(toInventory);
    },
    async missingInventory() {
      return (s.missing.all() as Row[]).map(toInventory);
    },
    async enrollDevice(request) {
      return durable(enroll(request));
    },
    async createEnrollSecret(secret) {
      const changes = s.insertSecret.run(secret.name, secret.hash, secret.expiresAt.toISOString(), secret.uses, secret.at.toISOString()).changes;
      return durable(changes ? 'created' : 'conflict');
    },
    async listEnrollSecrets() {
      return (s.secrets.all() as Row[]).map((r) => ({ name: r.name as string, expiresAt: r.expires_at as string, usesLeft: r.uses_left as number, createdAt: r.created_at as string }));
    },
    async rotateToken(deviceId, tokenHash) {
      const changed = s.rotate.run(tokenHash, deviceId).changes > 0;
      if (changed) forgetTokens(deviceId);
      return durable(changed);
    },
    async setDeviceStatus(deviceId, status, at) {
      const changed = db.transaction(() => {
        if (!s.setStatus.run(status, at.toISOString(), deviceId).changes) return false;
        if (status === 'decommissioned') s.resolveDeviceAlerts.run(at.toISOString(), `device:${deviceId}`);
        return true;
      })();
      forgetTokens(deviceId);
      return durable(changed);
    },
    async listPendingEnrollments() {
      return (s.pendingOpen.all() as Row[]).map(toPending);
    },
    async decidePending(id, decision, at, keyFingerprint) {
      const row = s.pendingById.get(id) as Row | undefined;
      if (!row) return 'not-found';
      if (row.status !== 'pending') return row.status === decision ? toPending(row) : 'conflict';
      const refused = approvalRefusal(toPending(row), decision, keyFingerprint);
      if (refused) return { refusal: refused.code, reason: refused.reason };
      s.decide.run(decision, at.toISOString(), id);
      return durable(toPending(s.pendingById.get(id) as Row));
    },
    async deviceSecurity(deviceId) {
      const r = s.device.get(deviceId) as Row | undefined;
      if (!r) return null;
      return {
        deviceId,
        hostname: r.hostname as string,
        serial: (r.serial as string | null) ?? null,
        publicKey: (r.public_key as string | null) ?? null,
        status: r.status as DeviceStatus,
      };
    },
    async deviceStanding(deviceId) {
      const r = s.device.get(deviceId) as Row | undefined;
      return r ? standingOf(r) : null;
    },
    async recentNonces(sinceMs) {
      s.pruneNonces.run(sinceMs);
      return (s.nonces.all(sinceMs) as Row[]).map((r) => ({ deviceId: r.device_id as string, nonce: r.nonce as string, seenMs: r.seen_ms as number }));
    },
  };
}

import { policyBodySchema, type PolicyRecord } from '../policy/schema.js';
import { byteOrder } from '../db/sql/dialect.js';
import type { SqlDb } from '../db/sql/types.js';
import { approvalRefusal, decideEnrollment } from './enroll-decision.js';
import { factsOf, refusedOf, secretUsedUp } from './enroll-facts.js';
import type { DeviceStatus, LifecycleEnroll, LifecycleEnrollOutcome, LifecycleStorage } from './storage-types.js';
import { standingOf, toInventory, toPending } from './rows.js';


export interface LifecycleHooks {
  /** Resolves once the commit is on disk (SQLite's WAL sync: a token handed out must survive a crash). */
  durable?: <T>(value: T) => Promise<T>;
  /** Drops the device's token hashes from a replica-local cache (SQLite's; PostgreSQL keeps none). */
  forgetTokens?: (deviceId: string) => void;
}

/**
 * The change counter: every change of the policy, a device's key or standing adds one, in the change's own
 * transaction. A replica's caches of these (server/lifecycle/guard.ts) ask for it and drop everything when it moved.
 */
export const bumpChanges = (tx: SqlDb) => tx.run('UPDATE replica_changes SET n = n + 1 WHERE id = 1');

/**
 * Central policy, device lifecycle and signed-report nonces, written once over SqlDb for both engines. An enrollment
 * holds the device's lock (the one ingest takes), so two replicas never enroll one device id twice.
 */
export function lifecycleStore(sql: SqlDb, hooks: LifecycleHooks = {}): Omit<LifecycleStorage, 'recordClockSkew'> & { resetDevice(deviceId: string, at: Date): Promise<boolean> } {
  const durable = hooks.durable ?? (async <T>(v: T) => v);
  const forgetTokens = hooks.forgetTokens ?? (() => {});
  const insertDevice = `INSERT INTO devices (device_id, hostname, platform, agent_version, token_hash, enrolled_at, status, status_at, hardware_id, serial, public_key)
    VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)`;
  // Re-enrollment replaces the credentials and forgets the previous integrity hashes (a reimage changes them).
  const reenroll = `UPDATE devices SET hostname = ?, platform = ?, agent_version = ?, token_hash = ?, enrolled_at = ?, status = 'active', status_at = ?,
    hardware_id = ?, serial = ?, public_key = ?, config_hash = NULL, code_hash = NULL, policy_version = NULL, integrity_agent_version = NULL WHERE device_id = ?`;

  async function enroll(tx: SqlDb, r: LifecycleEnroll): Promise<LifecycleEnrollOutcome> {
    const at = r.at.toISOString();
    await tx.lock(`device:${r.deviceId}`);
    const existing = await tx.get('SELECT * FROM devices WHERE device_id = ?', [r.deviceId]);
    const secret = r.secret.kind === 'named' ? await tx.get('SELECT * FROM enroll_secrets WHERE secret_hash = ?', [r.secret.hash]) : undefined;
    const pending = await tx.all("SELECT * FROM pending_enrollments WHERE device_id = ? AND status IN ('pending', 'approved', 'denied') ORDER BY id DESC", [r.deviceId]);
    const twin = r.hardwareId
      ? (await tx.get<{ device_id: string }>('SELECT device_id FROM devices WHERE hardware_id = ? AND device_id <> ? AND status <> ? LIMIT 1', [r.hardwareId, r.deviceId, 'decommissioned']))?.device_id
      : undefined;
    const decision = decideEnrollment({
      ...factsOf(r, existing, secret, pending.map(toPending)),
      nonceSeen: r.nonce !== null && (await tx.get('SELECT 1 AS seen FROM nonces WHERE device_id = ? AND nonce = ?', [r.deviceId, r.nonce])) !== undefined,
      twin: twin ?? null,
    });
    if (decision.action === 'refuse') return refusedOf(decision);
    if (decision.takeSecretUse && secret && !(await tx.run('UPDATE enroll_secrets SET uses_left = uses_left - 1 WHERE id = ? AND uses_left > 0', [secret.id])).changes) {
      return secretUsedUp(secret);
    }
    if (r.nonce !== null) await tx.run('INSERT INTO nonces (device_id, nonce, seen_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [r.deviceId, r.nonce, r.at.getTime()]);
    if (decision.action === 'queue') {
      const id =
        decision.openId ??
        Number(
          (
            (await tx.get<{ id: number }>(
              `INSERT INTO pending_enrollments (device_id, hostname, platform, agent_version, hardware_id, serial, public_key, reason, status, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) RETURNING id`,
              [r.deviceId, r.hostname, r.platform, r.agentVersion, r.hardwareId, r.serial, r.publicKey, decision.reason, at],
            )) as { id: number }
          ).id,
        );
      return { status: 'pending', id, reason: decision.reason, collision: decision.collision };
    }
    if (decision.action === 'complete') await tx.run('UPDATE pending_enrollments SET status = ?, decided_at = ? WHERE id = ?', ['used', at, decision.approvedId]);
    // Once the device enrolled, an approval still unused would let its key replace the device later: it lapses.
    await tx.run("UPDATE pending_enrollments SET status = 'superseded', decided_at = ? WHERE device_id = ? AND status = 'approved'", [at, r.deviceId]);
    if (existing) {
      await tx.run(reenroll, [r.hostname, r.platform, r.agentVersion, r.tokenHash, at, at, r.hardwareId, r.serial, r.publicKey, r.deviceId]);
      // A new key for a known device: every replica drops the old one.
      await bumpChanges(tx);
    } else {
      await tx.run(insertDevice, [r.deviceId, r.hostname, r.platform, r.agentVersion, r.tokenHash, at, at, r.hardwareId, r.serial, r.publicKey]);
    }
    return { status: 'enrolled', secretName: decision.secretName };
  }

  return {
    async currentPolicy() {
      const r = await sql.get('SELECT version, body, created_at FROM policy_versions ORDER BY version DESC LIMIT 1');
      if (!r) return { version: 0, body: policyBodySchema.parse({}), createdAt: new Date(0).toISOString() };
      return { version: Number(r.version), body: policyBodySchema.parse(JSON.parse(r.body as string)), createdAt: r.created_at as string };
    },
    async putPolicy(body, at, inventory) {
      const record = await sql.transaction(async (tx): Promise<PolicyRecord> => {
        await tx.lock('policy');
        const latest = await tx.get<{ v: number | null }>('SELECT max(version) AS v FROM policy_versions');
        const version = Number(latest?.v ?? 0) + 1;
        await tx.run('INSERT INTO policy_versions (version, body, created_at) VALUES (?, ?, ?)', [version, JSON.stringify(body), at.toISOString()]);
        if (inventory) {
          await tx.run('DELETE FROM inventory');
          // The last row of a key wins, as a CSV read top to bottom.
          for (const row of new Map(inventory.map((x) => [x.key, x])).values()) {
            await tx.run('INSERT INTO inventory (key, employee, country, grp) VALUES (?, ?, ?, ?)', [row.key, row.employee, row.country, row.group]);
          }
        }
        await bumpChanges(tx);
        return { version, body, createdAt: at.toISOString() };
      });
      return durable(record);
    },
    async inventory() {
      return (await sql.all(`SELECT * FROM inventory ORDER BY ${byteOrder(sql, 'key')}`)).map(toInventory);
    },
    async missingInventory() {
      return (
        await sql.all(`SELECT i.* FROM inventory i WHERE NOT EXISTS (
          SELECT 1 FROM devices d WHERE d.device_id = i.key OR d.serial = i.key OR d.hostname = i.key) ORDER BY ${byteOrder(sql, 'i.key')}`)
      ).map(toInventory);
    },
    async enrollDevice(request) {
      const outcome = await sql.transaction((tx) => enroll(tx, request));
      if (outcome.status === 'enrolled') forgetTokens(request.deviceId);
      return durable(outcome);
    },
    async createEnrollSecret(secret) {
      const r = await sql.run('INSERT INTO enroll_secrets (name, secret_hash, expires_at, uses_left, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
        secret.name, secret.hash, secret.expiresAt.toISOString(), secret.uses, secret.at.toISOString(),
      ]);
      return durable(r.changes ? 'created' : 'conflict');
    },
    async listEnrollSecrets() {
      return (await sql.all(`SELECT name, expires_at, uses_left, created_at FROM enroll_secrets ORDER BY ${byteOrder(sql, 'name')}`)).map((r) => ({
        name: r.name as string, expiresAt: r.expires_at as string, usesLeft: Number(r.uses_left), createdAt: r.created_at as string,
      }));
    },
    async rotateToken(deviceId, tokenHash) {
      // The change counter moves with the token: every replica's token cache drops the old one (server/storage/token-cache.ts).
      const changed = await sql.transaction(async (tx) => {
        if (!((await tx.run("UPDATE devices SET token_hash = ? WHERE device_id = ? AND status = 'active' AND token_hash IS NOT NULL", [tokenHash, deviceId])).changes > 0)) return false;
        await bumpChanges(tx);
        return true;
      });
      if (changed) forgetTokens(deviceId);
      return durable(changed);
    },
    async setDeviceStatus(deviceId, status, at) {
      const changed = await sql.transaction(async (tx) => {
        if (!(await tx.run('UPDATE devices SET status = ?, status_at = ?, token_hash = NULL WHERE device_id = ?', [status, at.toISOString(), deviceId])).changes) return false;
        if (status === 'decommissioned') {
          await tx.run("UPDATE alerts SET status = 'resolved', updated_at = ?, summary = summary || ' (device decommissioned)' WHERE alert_key = ? AND status <> 'resolved'", [
            at.toISOString(), `device:${deviceId}`,
          ]);
        }
        await bumpChanges(tx);
        return true;
      });
      forgetTokens(deviceId);
      return durable(changed);
    },
    async resetDevice(deviceId) {
      const changed = await sql.transaction(async (tx) => {
        if (!(await tx.run("UPDATE devices SET token_hash = NULL, status = 'active' WHERE device_id = ?", [deviceId])).changes) return false;
        await bumpChanges(tx);
        return true;
      });
      forgetTokens(deviceId);
      return durable(changed);
    },
    async listPendingEnrollments() {
      return (await sql.all("SELECT * FROM pending_enrollments WHERE status = 'pending' ORDER BY id")).map(toPending);
    },
    async decidePending(id, decision, at, keyFingerprint) {
      const row = await sql.get('SELECT * FROM pending_enrollments WHERE id = ?', [id]);
      if (!row) return 'not-found';
      if (row.status !== 'pending') return row.status === decision ? toPending(row) : 'conflict';
      // The key of an entry never changes: checked before the update, the update still takes only an undecided entry.
      const refused = approvalRefusal(toPending(row), decision, keyFingerprint);
      if (refused) return { refusal: refused.code, reason: refused.reason };
      const updated = await sql.get("UPDATE pending_enrollments SET status = ?, decided_at = ? WHERE id = ? AND status = 'pending' RETURNING *", [decision, at.toISOString(), id]);
      if (updated) return durable(toPending(updated));
      const after = await sql.get('SELECT * FROM pending_enrollments WHERE id = ?', [id]);
      return after?.status === decision ? toPending(after) : 'conflict';
    },
    async deviceSecurity(deviceId) {
      const r = await sql.get('SELECT hostname, serial, public_key, status FROM devices WHERE device_id = ?', [deviceId]);
      if (!r) return null;
      return { deviceId, hostname: r.hostname as string, serial: (r.serial as string | null) ?? null, publicKey: (r.public_key as string | null) ?? null, status: r.status as DeviceStatus };
    },
    async deviceStanding(deviceId) {
      const r = await sql.get('SELECT * FROM devices WHERE device_id = ?', [deviceId]);
      return r ? standingOf(r) : null;
    },
    async recentNonces(sinceMs) {
      return (await sql.all('SELECT device_id, nonce, seen_ms FROM nonces WHERE seen_ms >= ?', [sinceMs])).map((r) => ({
        deviceId: r.device_id as string, nonce: r.nonce as string, seenMs: Number(r.seen_ms),
      }));
    },
    async claimNonce(deviceId, nonce, seenMs) {
      // The primary key decides, on every replica at once: of two requests with one nonce, one inserts the row.
      return (await sql.run('INSERT INTO nonces (device_id, nonce, seen_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [deviceId, nonce, seenMs])).changes > 0;
    },
    async pruneNonces(beforeMs) {
      return (await sql.run('DELETE FROM nonces WHERE seen_ms < ?', [beforeMs])).changes;
    },
    async changeCount() {
      return Number((await sql.get<{ n: number }>('SELECT n FROM replica_changes WHERE id = 1'))?.n ?? 0);
    },
  };
}

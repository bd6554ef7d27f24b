import type pg from 'pg';
import { policyBodySchema, type PolicyRecord } from '../policy/schema.js';
import { lockSql, one, rows, type Db } from '../storage/pg-alerts.js';
import { approvalRefusal, decideEnrollment } from './enroll-decision.js';
import { factsOf, refusedOf, secretUsedUp } from './enroll-facts.js';
import type { DeviceStatus, LifecycleEnroll, LifecycleEnrollOutcome, LifecycleStorage } from './storage-types.js';
import { standingOf, toInventory, toPending } from './rows.js';

/** Runs `fn` in one transaction on one pooled connection. */
export async function inTransaction<T>(pool: pg.Pool, fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * PostgreSQL side of LifecycleStorage (twin of server/lifecycle/sqlite.ts). An enrollment holds the device's
 * advisory lock (the one ingest takes), so two replicas never enroll one device id twice.
 */
export function pgLifecycleStorage(pool: pg.Pool): Omit<LifecycleStorage, 'recordClockSkew'> {
  const insertDevice = `INSERT INTO devices (device_id, hostname, platform, agent_version, token_hash, enrolled_at, status, status_at, hardware_id, serial, public_key)
    VALUES ($1, $2, $3, $4, $5, $6, 'active', $6, $7, $8, $9)`;
  const reenroll = `UPDATE devices SET hostname = $2, platform = $3, agent_version = $4, token_hash = $5, enrolled_at = $6, status = 'active', status_at = $6,
    hardware_id = $7, serial = $8, public_key = $9, config_hash = NULL, code_hash = NULL, policy_version = NULL, integrity_agent_version = NULL WHERE device_id = $1`;

  async function enroll(db: Db, r: LifecycleEnroll): Promise<LifecycleEnrollOutcome> {
    const at = r.at.toISOString();
    const params = [r.deviceId, r.hostname, r.platform, r.agentVersion, r.tokenHash, at, r.hardwareId, r.serial, r.publicKey];
    await db.query(lockSql, [`device:${r.deviceId}`]);
    const existing = await one(db, 'SELECT * FROM devices WHERE device_id = $1', [r.deviceId]);
    const secret = r.secret.kind === 'named' ? await one(db, 'SELECT * FROM enroll_secrets WHERE secret_hash = $1', [r.secret.hash]) : undefined;
    const pending = await rows(db, "SELECT * FROM pending_enrollments WHERE device_id = $1 AND status IN ('pending', 'approved', 'denied') ORDER BY id DESC", [r.deviceId]);
    const twin = r.hardwareId
      ? (await one<{ device_id: string }>(db, 'SELECT device_id FROM devices WHERE hardware_id = $1 AND device_id <> $2 AND status <> $3 LIMIT 1', [r.hardwareId, r.deviceId, 'decommissioned']))?.device_id
      : undefined;
    const decision = decideEnrollment({
      ...factsOf(r, existing, secret, pending.map(toPending)),
      nonceSeen: r.nonce !== null && (await one(db, 'SELECT 1 AS seen FROM nonces WHERE device_id = $1 AND nonce = $2', [r.deviceId, r.nonce])) !== undefined,
      twin: twin ?? null,
    });
    if (decision.action === 'refuse') return refusedOf(decision);
    if (decision.takeSecretUse && secret && !(await db.query('UPDATE enroll_secrets SET uses_left = uses_left - 1 WHERE id = $1 AND uses_left > 0', [secret.id])).rowCount) {
      return secretUsedUp(secret);
    }
    if (r.nonce !== null) await db.query('INSERT INTO nonces (device_id, nonce, seen_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [r.deviceId, r.nonce, r.at.getTime()]);
    if (decision.action === 'queue') {
      const id =
        decision.openId ??
        Number(
          (
            (await one<{ id: number }>(
              db,
              `INSERT INTO pending_enrollments (device_id, hostname, platform, agent_version, hardware_id, serial, public_key, reason, status, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9) RETURNING id`,
              [r.deviceId, r.hostname, r.platform, r.agentVersion, r.hardwareId, r.serial, r.publicKey, decision.reason, at],
            )) as { id: number }
          ).id,
        );
      return { status: 'pending', id, reason: decision.reason, collision: decision.collision };
    }
    if (decision.action === 'complete') await db.query('UPDATE pending_enrollments SET status = $1, decided_at = $2 WHERE id = $3', ['used', at, decision.approvedId]);
    // Once the device enrolled, an approval still unused would let its key replace the device later: it lapses.
    await db.query("UPDATE pending_enrollments SET status = 'superseded', decided_at = $1 WHERE device_id = $2 AND status = 'approved'", [at, r.deviceId]);
    await db.query(existing ? reenroll : insertDevice, params);
    return { status: 'enrolled', secretName: decision.secretName };
  }

  return {
    async currentPolicy() {
      const r = await one(pool, 'SELECT version, body, created_at FROM policy_versions ORDER BY version DESC LIMIT 1');
      if (!r) return { version: 0, body: policyBodySchema.parse({}), createdAt: new Date(0).toISOString() };
      return { version: r.version as number, body: policyBodySchema.parse(JSON.parse(r.body as string)), createdAt: r.created_at as string };
    },
    async putPolicy(body, at, inventory) {
      return inTransaction(pool, async (db): Promise<PolicyRecord> => {
        await db.query(lockSql, ['policy']);
        const latest = await one(db, 'SELECT max(version) AS v FROM policy_versions');
        const version = ((latest?.v as number | null) ?? 0) + 1;
        await db.query('INSERT INTO policy_versions (version, body, created_at) VALUES ($1, $2, $3)', [version, JSON.stringify(body), at.toISOString()]);
        if (inventory) {
          await db.query('DELETE FROM inventory');
          const byKey = new Map(inventory.map((row) => [row.key, row]));
          const list = [...byKey.values()];
          await db.query('INSERT INTO inventory (key, employee, country, grp) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])', [
            list.map((x) => x.key), list.map((x) => x.employee), list.map((x) => x.country), list.map((x) => x.group),
          ]);
        }
        return { version, body, createdAt: at.toISOString() };
      });
    },
    async inventory() {
      return (await rows(pool, 'SELECT * FROM inventory ORDER BY key COLLATE "C"')).map(toInventory);
    },
    async missingInventory() {
      return (
        await rows(pool, `SELECT i.* FROM inventory i WHERE NOT EXISTS (
          SELECT 1 FROM devices d WHERE d.device_id = i.key OR d.serial = i.key OR d.hostname = i.key) ORDER BY i.key COLLATE "C"`)
      ).map(toInventory);
    },
    async enrollDevice(request) {
      return inTransaction(pool, (db) => enroll(db, request));
    },
    async createEnrollSecret(secret) {
      const r = await pool.query('INSERT INTO enroll_secrets (name, secret_hash, expires_at, uses_left, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
        secret.name, secret.hash, secret.expiresAt.toISOString(), secret.uses, secret.at.toISOString(),
      ]);
      return r.rowCount ? 'created' : 'conflict';
    },
    async listEnrollSecrets() {
      return (await rows(pool, 'SELECT name, expires_at, uses_left, created_at FROM enroll_secrets ORDER BY name COLLATE "C"')).map((r) => ({
        name: r.name as string, expiresAt: r.expires_at as string, usesLeft: r.uses_left as number, createdAt: r.created_at as string,
      }));
    },
    async rotateToken(deviceId, tokenHash) {
      return Boolean((await pool.query("UPDATE devices SET token_hash = $1 WHERE device_id = $2 AND status = 'active' AND token_hash IS NOT NULL", [tokenHash, deviceId])).rowCount);
    },
    async setDeviceStatus(deviceId, status, at) {
      return inTransaction(pool, async (db) => {
        if (!(await db.query('UPDATE devices SET status = $1, status_at = $2, token_hash = NULL WHERE device_id = $3', [status, at.toISOString(), deviceId])).rowCount) return false;
        if (status === 'decommissioned') {
          await db.query("UPDATE alerts SET status = 'resolved', updated_at = $1, summary = summary || ' (device decommissioned)' WHERE alert_key = $2 AND status <> 'resolved'", [
            at.toISOString(), `device:${deviceId}`,
          ]);
        }
        return true;
      });
    },
    async listPendingEnrollments() {
      return (await rows(pool, "SELECT * FROM pending_enrollments WHERE status = 'pending' ORDER BY id")).map(toPending);
    },
    async decidePending(id, decision, at, keyFingerprint) {
      const row = await one(pool, 'SELECT * FROM pending_enrollments WHERE id = $1', [id]);
      if (!row) return 'not-found';
      // The key of an entry never changes: checked before the update, the update still takes only an undecided entry.
      const refused = row.status === 'pending' ? approvalRefusal(toPending(row), decision, keyFingerprint) : null;
      if (refused) return { refusal: refused.code, reason: refused.reason };
      const updated = await one(pool, "UPDATE pending_enrollments SET status = $1, decided_at = $2 WHERE id = $3 AND status = 'pending' RETURNING *", [decision, at.toISOString(), id]);
      if (updated) return toPending(updated);
      const after = await one(pool, 'SELECT * FROM pending_enrollments WHERE id = $1', [id]);
      return after?.status === decision ? toPending(after) : 'conflict';
    },
    async deviceSecurity(deviceId) {
      const r = await one(pool, 'SELECT hostname, serial, public_key, status FROM devices WHERE device_id = $1', [deviceId]);
      if (!r) return null;
      return { deviceId, hostname: r.hostname as string, serial: (r.serial as string | null) ?? null, publicKey: (r.public_key as string | null) ?? null, status: r.status as DeviceStatus };
    },
    async deviceStanding(deviceId) {
      const r = await one(pool, 'SELECT * FROM devices WHERE device_id = $1', [deviceId]);
      return r ? standingOf(r) : null;
    },
    async recentNonces(sinceMs) {
      await pool.query('DELETE FROM nonces WHERE seen_ms < $1', [sinceMs]);
      return (await rows(pool, 'SELECT device_id, nonce, seen_ms FROM nonces WHERE seen_ms >= $1', [sinceMs])).map((r) => ({
        deviceId: r.device_id as string, nonce: r.nonce as string, seenMs: r.seen_ms as number,
      }));
    },
  };
}

import { timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { policyBodySchema, type PolicyRecord } from '../policy/schema.js';
import { lockSql, one, rows, type Db, type Row } from '../storage/pg-alerts.js';
import type { DeviceStatus, LifecycleEnrollOutcome, LifecycleStorage } from './storage-types.js';
import { isPlaceholderSerial } from './placeholder-serial.js';
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
  const keyMatches = (stored: unknown, given: string | null) => typeof stored === 'string' && given !== null && stored === given;
  const insertDevice = `INSERT INTO devices (device_id, hostname, platform, agent_version, token_hash, enrolled_at, status, status_at, hardware_id, serial, public_key)
    VALUES ($1, $2, $3, $4, $5, $6, 'active', $6, $7, $8, $9)`;
  const reenroll = `UPDATE devices SET hostname = $2, platform = $3, agent_version = $4, token_hash = $5, enrolled_at = $6, status = 'active', status_at = $6,
    hardware_id = $7, serial = $8, public_key = $9, config_hash = NULL, code_hash = NULL, policy_version = NULL, integrity_agent_version = NULL WHERE device_id = $1`;

  async function enroll(db: Db, r: Parameters<LifecycleStorage['enrollDevice']>[0]): Promise<LifecycleEnrollOutcome> {
    const at = r.at.toISOString();
    const params = [r.deviceId, r.hostname, r.platform, r.agentVersion, r.tokenHash, at, r.hardwareId, r.serial, r.publicKey];
    await db.query(lockSql, [`device:${r.deviceId}`]);
    const existing = await one(db, 'SELECT * FROM devices WHERE device_id = $1', [r.deviceId]);
    const pending = await rows(db, "SELECT * FROM pending_enrollments WHERE device_id = $1 AND status IN ('pending', 'approved', 'denied') ORDER BY id DESC", [r.deviceId]);
    const sameRequester = (p: Row) => (r.publicKey ? keyMatches(p.public_key, r.publicKey) : keyMatches(p.hardware_id, r.hardwareId));
    const approved = pending.find((p) => p.status === 'approved' && sameRequester(p));
    if (pending.some((p) => p.status === 'denied' && sameRequester(p))) {
      return { status: 'refused', code: 'enrollment_denied', reason: `an admin denied this enrollment of ${r.deviceId}`, httpStatus: 403 };
    }
    let secretName: string | null = null;
    if (!approved && r.secret.kind === 'named') {
      const secret = await one(db, 'SELECT * FROM enroll_secrets WHERE secret_hash = $1', [r.secret.hash]);
      if (!secret || !timingSafeEqual(secret.secret_hash as Buffer, r.secret.hash)) return { status: 'refused', code: 'bad_secret', reason: 'wrong enroll secret', httpStatus: 401 };
      if (Date.parse(secret.expires_at as string) <= r.at.getTime()) {
        return { status: 'refused', code: 'secret_expired', reason: `enroll secret "${secret.name as string}" expired at ${secret.expires_at as string}`, httpStatus: 401 };
      }
      if (!(await db.query('UPDATE enroll_secrets SET uses_left = uses_left - 1 WHERE id = $1 AND uses_left > 0', [secret.id])).rowCount) {
        return { status: 'refused', code: 'secret_used_up', reason: `enroll secret "${secret.name as string}" has no uses left`, httpStatus: 401 };
      }
      secretName = secret.name as string;
    }
    if (approved) {
      await db.query('UPDATE pending_enrollments SET status = $1, decided_at = $2 WHERE id = $3', ['used', at, approved.id]);
      await db.query(existing ? reenroll : insertDevice, params);
      return { status: 'enrolled', secretName };
    }
    const status = existing?.status as DeviceStatus | undefined;
    if (status === 'revoked' || status === 'decommissioned') {
      return { status: 'refused', code: `device_${status}`, reason: `device ${r.deviceId} is ${status}; an admin resets it (POST /api/v1/devices/:id/reset) before it can enroll again`, httpStatus: 409 };
    }
    const queue = async (reason: string, collision: 'device-id' | 'hardware' | 'placeholder-serial'): Promise<LifecycleEnrollOutcome> => {
      const open = pending.find((p) => p.status === 'pending' && sameRequester(p));
      const id = open
        ? (open.id as number)
        : (
            (await one<{ id: number }>(
              db,
              `INSERT INTO pending_enrollments (device_id, hostname, platform, agent_version, hardware_id, serial, public_key, reason, status, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9) RETURNING id`,
              [r.deviceId, r.hostname, r.platform, r.agentVersion, r.hardwareId, r.serial, r.publicKey, reason, at],
            )) as { id: number }
          ).id;
      return { status: 'pending', id, reason, collision };
    };
    if (existing && existing.token_hash !== null) return queue(`device id ${r.deviceId} is already enrolled`, 'device-id');
    const twin = r.hardwareId
      ? (await one<{ device_id: string }>(db, 'SELECT device_id FROM devices WHERE hardware_id = $1 AND device_id <> $2 AND status <> $3 LIMIT 1', [r.hardwareId, r.deviceId, 'decommissioned']))?.device_id
      : undefined;
    if (twin) return queue(`the same hardware is enrolled as ${twin}`, 'hardware');
    if (r.serial !== null && isPlaceholderSerial(r.serial)) return queue(`placeholder serial "${r.serial}"`, 'placeholder-serial');
    await db.query(existing ? reenroll : insertDevice, params);
    return { status: 'enrolled', secretName };
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
    async decidePending(id, decision, at) {
      const updated = await one(pool, "UPDATE pending_enrollments SET status = $1, decided_at = $2 WHERE id = $3 AND status = 'pending' RETURNING *", [decision, at.toISOString(), id]);
      if (updated) return toPending(updated);
      const row = await one(pool, 'SELECT * FROM pending_enrollments WHERE id = $1', [id]);
      if (!row) return 'not-found';
      return row.status === decision ? toPending(row) : 'conflict';
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

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  id: string;
  /** Sent back in every state-changing form and compared on POST. */
  csrf: string;
  createdMs: number;
  lastUsedMs: number;
}

export interface SessionPolicy {
  /** A session unused this long is gone (default 8 h). */
  idleMs: number;
  /** And none lives longer than this, used or not (default 24 h). */
  maxAgeMs: number;
  /** Bound on live sessions: past it the least recently used is dropped. */
  maxSessions: number;
}

export const defaultSessionPolicy: SessionPolicy = { idleMs: 8 * 3_600_000, maxAgeMs: 24 * 3_600_000, maxSessions: 10_000 };

const newId = () => randomBytes(32).toString('base64url');
// Keys are hashes of the ids, so a heap dump or a log of the map never holds a usable cookie.
const keyOf = (id: string) => createHash('sha256').update(id).digest('base64url');

/**
 * Dashboard sessions, kept in memory: a restart signs everyone out (documented in docs/dashboard.md), and a
 * session never outlives the process that checked the admin token. One-time login links (for `farmwatch demo`)
 * live here too: single use, short-lived, issued only by code in the server's process, never over HTTP.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly onceTokens = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly policy: SessionPolicy = defaultSessionPolicy,
  ) {}

  create(): Session {
    this.sweep();
    const t = this.now();
    const session: Session = { id: newId(), csrf: newId(), createdMs: t, lastUsedMs: t };
    if (this.sessions.size >= this.policy.maxSessions) {
      const oldest = this.sessions.keys().next();
      if (!oldest.done) this.sessions.delete(oldest.value);
    }
    this.sessions.set(keyOf(session.id), session);
    return session;
  }

  /** The live session of a cookie value, touched; undefined when unknown or expired. */
  get(id: string | undefined): Session | undefined {
    if (!id || id.length > 100) return undefined;
    const key = keyOf(id);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    const t = this.now();
    if (t - session.lastUsedMs > this.policy.idleMs || t - session.createdMs > this.policy.maxAgeMs) {
      this.sessions.delete(key);
      return undefined;
    }
    session.lastUsedMs = t;
    // Re-inserted so that Map order stays least-recently-used first.
    this.sessions.delete(key);
    this.sessions.set(key, session);
    return session;
  }

  destroy(id: string): void {
    this.sessions.delete(keyOf(id));
  }

  get size(): number {
    return this.sessions.size;
  }

  /** A single-use login token valid for `ttlMs`. */
  issueOnce(ttlMs: number): string {
    const token = newId();
    this.onceTokens.set(keyOf(token), this.now() + ttlMs);
    return token;
  }

  /** True once per issued token, before it expires. */
  redeemOnce(token: string | undefined): boolean {
    if (!token || token.length > 100) return false;
    const key = keyOf(token);
    const until = this.onceTokens.get(key);
    this.onceTokens.delete(key);
    return until !== undefined && this.now() <= until;
  }

  private sweep(): void {
    const t = this.now();
    for (const [key, s] of this.sessions) {
      if (t - s.lastUsedMs > this.policy.idleMs || t - s.createdMs > this.policy.maxAgeMs) this.sessions.delete(key);
    }
    for (const [key, until] of this.onceTokens) if (t > until) this.onceTokens.delete(key);
  }
}

/** Constant-time comparison of the form's CSRF token with the session's. */
export function sameCsrf(given: unknown, session: Session): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

import type { KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { reportSchema, type Report } from '../../schema/report.js';
import { ClientError, parseJson } from '../body.js';
import { parsePublicKey, verifyReportSignature, type SignatureParts } from '../lifecycle/report-signature.js';
import { identifierRekeyer, rekeyReportBody } from '../rekey-identifiers.js';
import { bodyAndFactsHash } from '../ingest/report-facts.js';

/**
 * A report's CPU work that needs no database, in the order the route has always answered it: the JSON (depth, parse),
 * the signature over the body, the re-keyed identifiers, the v1 schema. The same function runs on the main thread and
 * on the ingest workers (./worker.ts), so both give the same answers; its result is plain data that crosses threads.
 * What needs the clock or the database (signature skew, nonce, device match, verdict) stays with the route.
 */
export interface PrepareInput {
  /** The body as received (after decompression), or null when the request carried none. */
  text: string | null;
  /** The device's signing key (base64 SPKI), or null: the device sends unsigned reports. */
  publicKey: string | null;
  signature: SignatureParts;
}

/** A 4xx answer as plain data. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  issues?: unknown;
}

export type Prepared =
  /** Refused before the signature was verified: bad JSON, a missing or bad signature. */
  | { kind: 'refused'; refusal: Refusal }
  /** The signature verified (when the device has a key) but the report does not match the schema. */
  | { kind: 'invalid'; refusal: Refusal }
  /** `body` is the re-keyed report as stored; `report` its schema-checked form; `factsHash` the facts hash of `body`. */
  | { kind: 'ok'; report: Report; body: string; factsHash: Uint8Array | null }
  /** Our own fault (a bug, an unparsable stored key): a 500 for this request. */
  | { kind: 'fault'; message: string };

export const issuesOf = (error: z.ZodError) =>
  error.issues.slice(0, 50).map((i) => ({ path: i.path.map(String), code: i.code, message: i.message }));

const refusalOf = (err: ClientError): Refusal => ({ status: err.statusCode, code: err.code, message: err.message, ...(err.issues === undefined ? {} : { issues: err.issues }) });

/** The refusal as the error the route throws (answered by the server's error handler). */
export const clientErrorOf = (r: Refusal) => new ClientError(r.status, r.code, r.message, r.issues);

/** Total: every outcome is a Prepared, never a throw. Keeps a bounded memo of re-keyed identifiers and parsed keys. */
export function reportPreparer(identifierKey: Buffer, maxKeys = 10_000): (input: PrepareInput) => Prepared {
  const rekey = identifierRekeyer(identifierKey);
  const keys = new Map<string, KeyObject>();
  const keyOf = (spki: string): KeyObject => {
    let key = keys.get(spki);
    if (!key) {
      if (keys.size >= maxKeys) keys.clear();
      key = parsePublicKey(spki);
      keys.set(spki, key);
    }
    return key;
  };
  return (input) => {
    try {
      let value: unknown;
      try {
        value = input.text === null ? undefined : parseJson(input.text);
        if (input.publicKey !== null) verifyReportSignature(input.signature, keyOf(input.publicKey), input.text ?? '');
      } catch (err) {
        if (err instanceof ClientError) return { kind: 'refused', refusal: refusalOf(err) };
        throw err;
      }
      // Once, here: every hashed identifier is keyed again under the server's own key before it is judged or stored.
      const received = rekeyReportBody(value, rekey);
      const parsed = reportSchema.safeParse(received);
      if (!parsed.success) return { kind: 'invalid', refusal: { status: 400, code: 'invalid_report', message: 'the report does not match the v1 schema', issues: issuesOf(parsed.error) } };
      return { kind: 'ok', report: parsed.data, ...bodyAndFactsHash(received) };
    } catch (err) {
      return { kind: 'fault', message: err instanceof Error ? err.message : String(err) };
    }
  };
}

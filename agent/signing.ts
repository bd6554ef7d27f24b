import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { enrollSignedBytes } from '../schema/enroll-proof.js';
import { signatureHeaders, signedBytes } from '../schema/signing.js';
import { ensurePrivateDir, writeFileAtomic } from './state.js';

/** The device's Ed25519 private key (PKCS#8 PEM, mode 0600), made at enrollment; its public half is registered. */
export const deviceKeyFile = (stateDir: string): string => join(stateDir, 'device-key.pem');

async function readKey(stateDir: string): Promise<KeyObject | undefined> {
  try {
    return createPrivateKey(await readFile(deviceKeyFile(stateDir), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${deviceKeyFile(stateDir)}: unreadable device key (${(err as Error).message}); remove it and enroll again`);
  }
}

/**
 * The public key (base64 SPKI DER) to register. An existing key is reused, so that an enrollment waiting for
 * approval completes with the same key it was queued with.
 */
export async function ensureKeyPair(stateDir: string): Promise<string> {
  let key = await readKey(stateDir);
  if (!key) {
    await ensurePrivateDir(stateDir);
    const pair = generateKeyPairSync('ed25519');
    await writeFileAtomic(deviceKeyFile(stateDir), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
    key = pair.privateKey;
  }
  return (createPublicKey(key).export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');
}

/** `atMs`: the time to sign with; the reporter passes the server's clock as it last learned it (agent/reporter.ts). */
export type Signer = (body: string, atMs?: number) => Record<string, string>;

/**
 * Signs each report body with a fresh nonce and a time (schema/signing.ts): `atMs` when given, else the laptop's
 * clock; undefined without a key.
 */
export async function loadSigner(stateDir: string, now: () => number = Date.now): Promise<Signer | undefined> {
  const key = await readKey(stateDir);
  if (!key) return undefined;
  return (body, atMs) => {
    const timestamp = String(Math.round(atMs ?? now()));
    const nonce = randomBytes(16).toString('base64url');
    return {
      [signatureHeaders.timestamp]: timestamp,
      [signatureHeaders.nonce]: nonce,
      [signatureHeaders.signature]: sign(null, signedBytes(timestamp, nonce, body), key).toString('base64'),
    };
  };
}

/**
 * The signature headers of an enroll request (schema/enroll-proof.ts): they prove to the server that this laptop
 * holds the key it registers, so that an approval of that key cannot be completed by anyone else.
 */
export async function enrollSignature(stateDir: string, body: string, now: number = Date.now()): Promise<Record<string, string>> {
  const key = await readKey(stateDir);
  if (!key) throw new Error(`${deviceKeyFile(stateDir)}: no device key to sign the enrollment with`);
  const timestamp = String(now);
  const nonce = randomBytes(16).toString('base64url');
  return {
    [signatureHeaders.timestamp]: timestamp,
    [signatureHeaders.nonce]: nonce,
    [signatureHeaders.signature]: sign(null, enrollSignedBytes(timestamp, nonce, body), key).toString('base64'),
  };
}

import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { enrollSignedBytes } from '../../../schema/enroll-proof.js';
import { signatureHeaders, signedBytes } from '../../../schema/signing.js';
import { json, secrets } from '../helpers.js';

/** A device as the agent makes it: an Ed25519 key pair, its public key registered at enrollment. */
export function deviceKey(): { privateKey: KeyObject; publicKey: string } {
  const pair = generateKeyPairSync('ed25519');
  return { privateKey: pair.privateKey, publicKey: (pair.publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64') };
}

export async function enrollWith(url: string, body: Record<string, unknown>) {
  const res = await fetch(`${url}/api/v1/enroll`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ secret: secrets.enrollSecret, hostname: `${String(body.deviceId)}.local`, platform: 'linux', agentVersion: '0.1.0', ...body }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/**
 * An enroll request as the agent sends it: its body signed with `signer` (the key the body registers, unless a test
 * signs with another), at `at`. Returns the answer and what was sent, for replays.
 */
export async function enrollSigned(url: string, body: Record<string, unknown>, signer: KeyObject, at = Date.now()) {
  const text = JSON.stringify({ secret: secrets.enrollSecret, hostname: `${String(body.deviceId)}.local`, platform: 'linux', agentVersion: '0.1.0', ...body });
  const headers = enrollSignatureFor(signer, text, at);
  return { ...(await sendEnroll(url, text, headers)), text, headers };
}

export function enrollSignatureFor(key: KeyObject, text: string, at: number, nonce = randomBytes(16).toString('base64url')): Record<string, string> {
  const timestamp = String(at);
  return {
    [signatureHeaders.timestamp]: timestamp,
    [signatureHeaders.nonce]: nonce,
    [signatureHeaders.signature]: sign(null, enrollSignedBytes(timestamp, nonce, text), key).toString('base64'),
  };
}

/** POST /api/v1/enroll with this exact body text and these headers. */
export async function sendEnroll(url: string, text: string, headers: Record<string, string>) {
  const res = await fetch(`${url}/api/v1/enroll`, { method: 'POST', headers: { ...json, ...headers }, body: text });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

export function signatureFor(key: KeyObject, body: string, at: number, nonce = randomBytes(16).toString('base64url')): Record<string, string> {
  const timestamp = String(at);
  return {
    [signatureHeaders.timestamp]: timestamp,
    [signatureHeaders.nonce]: nonce,
    [signatureHeaders.signature]: sign(null, signedBytes(timestamp, nonce, body), key).toString('base64'),
  };
}

export async function postSigned(url: string, token: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${url}/api/v1/reports`, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}`, ...headers }, body });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

export async function adminSend(url: string, method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${secrets.adminToken}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

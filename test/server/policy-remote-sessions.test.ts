import { describe, expect, it } from 'vitest';
import { devicePolicySchema } from '../../schema/policy.js';
import { policyBodySchema, resolvePolicy } from '../../server/policy/schema.js';

describe('policy keys of the remote session history', () => {
  it('helpdeskPeers and remoteSessionsSendPeerAddress resolve by scope (device over group over defaults) and reach the device policy', () => {
    const body = policyBodySchema.parse({
      defaults: { helpdeskPeers: ['1098223344'] },
      groups: { support: { helpdeskPeers: ['555000111', 'support@example.com'], remoteSessionsSendPeerAddress: true } },
      devices: { 'dev-a': { group: 'support' }, 'dev-b': { remoteSessionsSendPeerAddress: false } },
    });
    const record = { version: 4, body, createdAt: '2026-03-10T00:00:00Z' };
    const a = resolvePolicy(record, { deviceId: 'dev-a' }, new Map());
    expect(a).toMatchObject({ helpdeskPeers: ['555000111', 'support@example.com'], remoteSessionsSendPeerAddress: true });
    const b = resolvePolicy(record, { deviceId: 'dev-b' }, new Map());
    expect(b.helpdeskPeers).toEqual(['1098223344']);
    expect(b.remoteSessionsSendPeerAddress).toBeUndefined();
    expect(devicePolicySchema.parse(a)).toEqual(a);
  });

  it('bounds: at most 500 ids of at most 128 characters', () => {
    expect(policyBodySchema.safeParse({ defaults: { helpdeskPeers: Array.from({ length: 501 }, (_, i) => String(i)) } }).success).toBe(false);
    expect(policyBodySchema.safeParse({ defaults: { helpdeskPeers: ['x'.repeat(129)] } }).success).toBe(false);
    expect(devicePolicySchema.safeParse({ version: 1, expected: {}, allowTools: [], weights: {}, helpdeskPeers: [''] }).success).toBe(false);
  });
});

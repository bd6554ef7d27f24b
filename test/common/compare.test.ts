import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareIds } from '../../common/compare.js';

describe('compareIds', () => {
  it('orders as localeCompare does', () => {
    const id = fc.string({ unit: fc.constantFrom(...'aAbBsSzZ09-'.split('')), maxLength: 8 });
    fc.assert(
      fc.property(id, id, (a, b) => {
        expect(Math.sign(compareIds(a, b))).toBe(Math.sign(a.localeCompare(b)));
      }),
      { numRuns: 5000 },
    );
    const names = ['remoteSessions', 'remote-access', 'remote-access-multiple', 'sessions', 'usb', 'host', 'displays', 'a-b', 'a-1', 'a1', 'ab', 'Ab', 'aB'];
    expect([...names].sort(compareIds)).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('leaves other strings to localeCompare', () => {
    expect(Math.sign(compareIds('é', 'f'))).toBe(Math.sign('é'.localeCompare('f')));
  });
});

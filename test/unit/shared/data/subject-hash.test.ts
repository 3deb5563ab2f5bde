import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSubjectHashKeys, SubjectHasher } from '#shared/referrals/data/subject-hash.ts';

const V1 = 'a'.repeat(40);
const V2 = 'b'.repeat(40);

describe('SubjectHasher', () => {
  it('prefixes every hash with its key version, and hashes with that version’s key', () => {
    // Prepare
    const hasher = new SubjectHasher({ current: 'v2', keys: { v1: V1, v2: V2 } });

    // Act
    const current = hasher.hash('nhs', '9434765919');
    const old = hasher.hash('nhs', '9434765919', { version: 'v1' });

    // Assess
    expect(current).toBe(`v2:${createHmac('sha256', V2).update('nhs:9434765919').digest('hex')}`);
    expect(old).toBe(`v1:${createHmac('sha256', V1).update('nhs:9434765919').digest('hex')}`);
    expect(hasher.hashesForLookup('nhs', '9434765919')).toEqual([current, old]);
  });

  it('hashes a local id with its issuing organisation: the same number at two organisations differs', () => {
    // Prepare
    const hasher = new SubjectHasher(V1);

    // Act
    const provide = hasher.hash('local', '12345', { issuer: 'provide' });
    const ecc = hasher.hash('local', '12345', { issuer: 'ecc' });
    const nhs = hasher.hash('nhs', '12345');

    // Assess
    expect(provide).not.toBe(ecc);
    expect(new Set([provide, ecc, nhs]).size).toBe(3);
    expect(provide.startsWith('v1:')).toBe(true);
  });
});

describe('parseSubjectHashKeys', () => {
  it('reads a plain key as v1 and a JSON set as given', () => {
    // Prepare / Act
    const plain = parseSubjectHashKeys(V1);
    const set = parseSubjectHashKeys(JSON.stringify({ current: 'v2', keys: { v1: V1, v2: V2 } }));

    // Assess
    expect(plain).toEqual({ current: 'v1', keys: { v1: V1 } });
    expect(set).toEqual({ current: 'v2', keys: { v1: V1, v2: V2 } });
  });

  it.each([
    ['current naming no key', { current: 'v3', keys: { v1: V1 } }],
    ['a short key', { current: 'v1', keys: { v1: 'short' } }],
    ['a bad version name', { current: 'latest', keys: { latest: V1 } }],
  ])('refuses %s without quoting any key', (_, set) => {
    // Prepare / Act
    const parse = () => parseSubjectHashKeys(JSON.stringify(set));

    // Assess
    expect(parse).toThrow(/subject hash key set/);
    expect(() => parse()).not.toThrow(new RegExp(V1));
  });
});

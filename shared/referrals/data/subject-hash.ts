/**
 * Keyed hashes of person identifiers (NHS numbers, local ids) for the person indexes. Every
 * hash carries the version of the key that made it (`v1:<hex>`), so the key can be rotated:
 * new writes use the current version, lookups try every live version, and a re-index moves
 * old items over before an old version is retired. A local id is hashed together with the
 * organisation that issued it: `12345` at one organisation and `12345` at another are
 * different people.
 */
import { createHmac } from 'node:crypto';
import * as z from '../../core/zod.ts';

/** The live subject-hash keys: the version new hashes use, and every version still looked up. */
export interface SubjectHashKeys {
  readonly current: string;
  readonly keys: Readonly<Record<string, string>>;
}

/** What an identifier is: part of the hashed text, so an NHS number and a local id never collide. */
export type IdentifierKind = 'nhs' | 'local';

const VERSION = /^v[1-9][0-9]{0,3}$/;

const KeySetSchema = z
  .object({
    current: z.string().check(z.regex(VERSION, 'must look like v1, v2, …')),
    keys: z.record(
      z.string().check(z.regex(VERSION, 'must look like v1, v2, …')),
      z.string().check(z.minLength(32, 'must be at least 32 characters')),
    ),
  })
  .check(z.refine((set) => set.current in set.keys, 'current must name one of keys'));

/**
 * The key set from the configured value: a plain key (≥ 32 characters) is version `v1`; a
 * JSON object `{"current":"v2","keys":{"v1":"…","v2":"…"}}` names several (during a
 * rotation). Errors name the problem, never a key.
 */
export const parseSubjectHashKeys = (raw: string): SubjectHashKeys => {
  const trimmed = raw.trim();
  if (!trimmed.startsWith('{')) return { current: 'v1', keys: { v1: raw } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new Error('The subject hash key set is not valid JSON.');
  }
  const result = KeySetSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`The subject hash key set is invalid at ${issue?.path.join('.') || 'its root'}: ${issue?.message ?? 'invalid'}.`);
  }
  return result.data;
};

/** The text hashed for an identifier; a local id is scoped to its issuing organisation. */
const hashedText = (kind: IdentifierKind, value: string, issuer?: string): string =>
  kind === 'nhs' ? `nhs:${value}` : `local:${issuer ?? ''}\u0000${value}`;

/** Hashes identifiers under a {@link SubjectHashKeys} set. */
export class SubjectHasher {
  private readonly set: SubjectHashKeys;

  constructor(keys: string | SubjectHashKeys) {
    this.set = typeof keys === 'string' ? { current: 'v1', keys: { v1: keys } } : keys;
    if (!(this.set.current in this.set.keys)) throw new Error('The current subject hash key version has no key.');
  }

  /** `<version>:<hex HMAC-SHA256>` under `version` (default: the current one). */
  hash(kind: IdentifierKind, value: string, options: { issuer?: string; version?: string } = {}): string {
    const version = options.version ?? this.set.current;
    const key = this.set.keys[version];
    if (!key) throw new Error(`No subject hash key for version ${version}.`);
    return `${version}:${createHmac('sha256', key)
      .update(hashedText(kind, value, options.issuer))
      .digest('hex')}`;
  }

  /** The hash under every live version, current first: what a lookup must try. */
  hashesForLookup(kind: IdentifierKind, value: string, issuer?: string): string[] {
    const versions = [this.set.current, ...Object.keys(this.set.keys).filter((v) => v !== this.set.current)];
    return versions.map((version) => this.hash(kind, value, { version, ...(issuer !== undefined ? { issuer } : {}) }));
  }
}

/**
 * The person's rights (shared/referrals/domain/subject-rights.ts) against in-memory fakes of
 * the repository and the eraser: who may act, what an export gathers and records, and how an
 * erasure checks, retries and reports. Persistence is tested on DynamoDB Local elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableEntityError } from '#shared/core/errors.ts';
import type { Caller, ReadScope } from '#shared/core/identity.ts';
import type { Page } from '#shared/core/pagination.ts';
import type { DisposalCause } from '#shared/referrals/domain/disposal.ts';
import type { Handoff } from '#shared/referrals/domain/handoff.ts';
import {
  ConcurrentChangeError,
  type AccessEntry,
  type ReadBounds,
  type StoredEvent,
  type StoredNote,
} from '#shared/referrals/domain/ports.ts';
import type { Actor, Referral } from '#shared/referrals/domain/referral.ts';
import { SubjectRightsService, type ReferralEraser, type SubjectRightsDeps } from '#shared/referrals/domain/subject-rights.ts';
import { storedReferral } from '#test/support/fixtures.ts';

const NOW = new Date('2025-06-02T10:00:00.000Z');
const PERSON = '9434765919';
const SOMEONE_ELSE = '4010232137';

const IG_LEAD: Caller = { sub: 'u-ig', org: 'provide', roles: ['programme_manager', 'information_governance'] };
const IG_ACTOR: Actor = { sub: 'u-ig', org: 'provide', role: 'programme_manager' };

/** Referral ids in creation order: a ULID sorts by time. */
const idOf = (n: number) => `01JNR00000000000000000${String(n).padStart(4, '0')}`;

const referralOf = (n: number, overrides: Partial<Referral> = {}): Referral =>
  storedReferral({
    id: idOf(n),
    subject: { nhsNumber: PERSON, name: 'Ada Example' },
    createdAt: `2025-03-${String(n).padStart(2, '0')}T09:00:00.000Z`,
    seq: 4,
    pausedMs: 60_000,
    overdueNotifiedFor: '2025-03-03T11:00:00.000Z',
    ...overrides,
  });

const handoffOf = (referral: Referral): Handoff => ({
  id: `${referral.id.slice(0, 22)}HHHH`,
  referralId: referral.id,
  fromOrg: 'ecc',
  toOrg: 'meht',
  reason: 'Discharge hub holds this.',
  status: 'declined',
  version: 2,
  createdAt: '2025-03-05T09:00:00.000Z',
  updatedAt: '2025-03-05T10:00:00.000Z',
  dueAt: '2025-03-05T11:00:00.000Z',
  offeredBy: { sub: 'u-ecc', org: 'ecc', role: 'practitioner' },
  answeredBy: { sub: 'u-meht', org: 'meht', role: 'practitioner' },
  reasonCode: 'no-capacity',
  overdueNotifiedFor: '2025-03-05T11:00:00.000Z',
  targetJoined: true,
});

const eventOf = (referral: Referral, seq: number): StoredEvent => ({
  id: `${referral.id.slice(0, 22)}E${String(seq).padStart(3, '0')}`,
  type: seq === 1 ? 'referral.submitted' : 'note.added',
  seq,
  at: `2025-03-05T09:0${seq}:00.000Z`,
  actor: { sub: 'u-provide', org: 'provide', role: 'practitioner' },
  referralId: referral.id,
  data: { status: 'submitted' },
});

const noteOf = (referral: Referral, n: number): StoredNote => ({
  id: `${referral.id.slice(0, 22)}N${String(n).padStart(3, '0')}`,
  referralId: referral.id,
  text: `Note ${n} on ${referral.id}`,
  author: { sub: 'u-ecc', org: 'ecc', role: 'practitioner' },
  createdAt: `2025-03-05T10:0${n}:00.000Z`,
  seq: n + 1,
});

const accessOf = (n: number): AccessEntry => ({
  at: `2025-03-06T09:0${n}:00.000Z`,
  actor: { sub: `u-reader-${n}`, org: 'ecc', role: 'practitioner' },
  what: 'detail',
});

/** Pages of `items` of at most `size`, the cursor being the index of the next item. */
const pageOf = <T>(items: readonly T[], size: number, after: string | undefined): Page<T> => {
  const start = after ? Number(after) : 0;
  const end = start + size;
  return { items: items.slice(start, end), after: end < items.length ? String(end) : undefined };
};

/**
 * The repository port in memory. `index` is what the person index returns (newest first, as
 * DynamoDB's eventually consistent index saw it); `current` is what a fresh read returns now.
 */
class FakeRepository {
  /** At most this many items per page, whatever the limit asked: the service must follow `after`. */
  pageSize = 2;
  index: Referral[] = [];
  readonly current = new Map<string, { referral: Referral; handoffs: Handoff[] }>();
  readonly events = new Map<string, StoredEvent[]>();
  readonly notesOf = new Map<string, StoredNote[]>();
  readonly access = new Map<string, AccessEntry[]>();
  readonly searches: { identifier: unknown; scope: ReadScope; page: { limit: number; after?: string | undefined } }[] = [];
  readonly collectionReads: { kind: string; id: string; options: ReadBounds & { limit: number; after?: string | undefined } }[] = [];
  readonly accessRecords: { ids: readonly string[]; entry: AccessEntry }[] = [];
  readonly fresh: string[] = [];

  /** Holds `referral` with a handoff, events, notes and an access log; listed by the index. */
  hold(referral: Referral, options: { inIndex?: Referral; handoffs?: Handoff[] } = {}): void {
    this.index = [options.inIndex ?? referral, ...this.index];
    this.current.set(referral.id, { referral, handoffs: options.handoffs ?? [handoffOf(referral)] });
    this.events.set(
      referral.id,
      [1, 2, 3].map((seq) => eventOf(referral, seq)),
    );
    this.notesOf.set(
      referral.id,
      [1, 2, 3].map((n) => noteOf(referral, n)),
    );
    this.access.set(referral.id, [1, 2, 3].map(accessOf));
  }

  async findByPerson(identifier: unknown, scope: ReadScope, page: { limit: number; after?: string | undefined }): Promise<Page<Referral>> {
    this.searches.push({ identifier, scope, page });
    return pageOf(this.index, Math.min(page.limit, this.pageSize), page.after);
  }

  async getWithHandoffs(id: string) {
    this.fresh.push(id);
    return this.current.get(id);
  }

  async history(id: string, options: ReadBounds & { limit: number; after?: string | undefined }): Promise<Page<StoredEvent>> {
    this.collectionReads.push({ kind: 'history', id, options });
    return pageOf(this.events.get(id) ?? [], Math.min(options.limit, this.pageSize), options.after);
  }

  async notes(id: string, options: ReadBounds & { limit: number; after?: string | undefined }): Promise<Page<StoredNote>> {
    this.collectionReads.push({ kind: 'notes', id, options });
    return pageOf(this.notesOf.get(id) ?? [], Math.min(options.limit, this.pageSize), options.after);
  }

  async accessLog(id: string, options: ReadBounds & { limit: number; after?: string | undefined }): Promise<Page<AccessEntry>> {
    this.collectionReads.push({ kind: 'accessLog', id, options });
    return pageOf(this.access.get(id) ?? [], Math.min(options.limit, this.pageSize), options.after);
  }

  async recordAccess(ids: readonly string[], entry: AccessEntry): Promise<void> {
    this.accessRecords.push({ ids: [...ids], entry });
  }
}

type Erasure = Extract<DisposalCause, { kind: 'erasure' }>;

/** The eraser port: records what it was given; `losses` makes the next erasures lose to a concurrent change. */
class FakeEraser implements ReferralEraser {
  readonly calls: { referral: Referral; cause: Erasure; actor: Actor }[] = [];
  /** Each entry makes one erasure throw ConcurrentChangeError, after running the side effect (the racing write). */
  readonly losses: (() => void)[] = [];
  failWith: Error | undefined;
  private readonly repository: FakeRepository;

  constructor(repository: FakeRepository) {
    this.repository = repository;
  }

  async erase(referral: Referral, cause: Erasure, actor: Actor): Promise<{ itemsDeleted: number }> {
    this.calls.push({ referral, cause, actor });
    if (this.failWith) throw this.failWith;
    const loss = this.losses.shift();
    if (loss) {
      loss();
      throw new ConcurrentChangeError('The referral changed since it was read.');
    }
    this.repository.current.delete(referral.id);
    return { itemsDeleted: 10 + referral.seq };
  }
}

const setUp = () => {
  const repository = new FakeRepository();
  const eraser = new FakeEraser(repository);
  const deps: SubjectRightsDeps = { repository, eraser, now: () => NOW, retryDelayMs: () => 0 };
  return { repository, eraser, service: new SubjectRightsService(deps) };
};

const ERASE = { nhsNumber: PERSON, reasonCode: 'erasure-request-upheld', requestReference: 'IG-2026-0042' } as const;

describe('who may act on a person’s rights', () => {
  it.each<[string, Caller]>([
    ['a programme manager without the IG role', { sub: 'u-pm', org: 'ecc', roles: ['programme_manager'] }],
    ['an IG lead who is not a programme manager', { sub: 'u-ig', org: 'ecc', roles: ['information_governance'] }],
    ['a practitioner with the IG role', { sub: 'u-p', org: 'ecc', roles: ['practitioner', 'information_governance'] }],
    ['a caller with no role', { sub: 'u-none', org: 'ecc', roles: [] }],
  ])('refuses %s (403) before reading anything', async (_name, caller) => {
    // Prepare
    const { repository, eraser, service } = setUp();
    repository.hold(referralOf(1));

    // Act
    const exported = service.export(caller, PERSON);
    const erased = service.erase(caller, ERASE);

    // Assess
    await expect(exported).rejects.toBeInstanceOf(ForbiddenError);
    await expect(erased).rejects.toBeInstanceOf(ForbiddenError);
    expect(repository.searches).toEqual([]);
    expect(repository.accessRecords).toEqual([]);
    expect(eraser.calls).toEqual([]);
  });
});

describe('SubjectRightsService.export', () => {
  it('gathers every page of the person’s referrals and of each one’s events, notes and access log', async () => {
    // Prepare: five referrals and three of each record, served two at a time
    const { repository, service } = setUp();
    for (const n of [1, 2, 3, 4, 5]) repository.hold(referralOf(n));

    // Act
    const bundle = await service.export(IG_LEAD, PERSON);

    // Assess
    expect(bundle.referrals).toHaveLength(5);
    expect(repository.searches.length).toBe(3);
    expect(repository.searches.map((s) => s.page.after)).toEqual([undefined, '2', '4']);
    expect(repository.searches.every((s) => s.scope.kind === 'programme')).toBe(true);
    expect(repository.searches[0]!.identifier).toEqual({ nhsNumber: PERSON });
    for (const record of bundle.referrals) {
      expect(record.events.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(record.notes).toHaveLength(3);
      expect(record.accessLog).toHaveLength(3);
      expect(record.handoffs).toHaveLength(1);
    }
  });

  it('lists the oldest referral first and stamps the bundle with the number and the time', async () => {
    // Prepare
    const { repository, service } = setUp();
    for (const n of [1, 2, 3]) repository.hold(referralOf(n));

    // Act
    const bundle = await service.export(IG_LEAD, PERSON);

    // Assess
    expect(bundle.nhsNumber).toBe(PERSON);
    expect(bundle.generatedAt).toBe(NOW.toISOString());
    expect(bundle.referrals.map((r) => r.referral.id)).toEqual([idOf(1), idOf(2), idOf(3)]);
  });

  it('reads each collection only up to the export’s own instant', async () => {
    // Prepare
    const { repository, service } = setUp();
    repository.hold(referralOf(1));

    // Act
    await service.export(IG_LEAD, PERSON);

    // Assess
    expect(repository.collectionReads.map((r) => r.kind).sort()).toEqual(
      ['accessLog', 'accessLog', 'history', 'history', 'notes', 'notes'].sort(),
    );
    expect(repository.collectionReads.every((r) => r.options.until === NOW.toISOString())).toBe(true);
  });

  it('leaves out a referral the index found for another NHS number (the index is a keyed hash)', async () => {
    // Prepare
    const { repository, service } = setUp();
    repository.hold(referralOf(1));
    repository.hold(referralOf(2, { subject: { nhsNumber: SOMEONE_ELSE, name: 'Bea Other' } }));
    repository.hold(referralOf(3, { subject: { localId: 'L-1' } }));

    // Act
    const bundle = await service.export(IG_LEAD, PERSON);

    // Assess
    expect(bundle.referrals.map((r) => r.referral.id)).toEqual([idOf(1)]);
    expect(JSON.stringify(bundle)).not.toContain(SOMEONE_ELSE);
    expect(repository.fresh).toEqual([idOf(1)]);
    expect(repository.accessRecords[0]!.ids).toEqual([idOf(1)]);
  });

  it('leaves out a referral rectified to another NHS number after the index was read', async () => {
    // Prepare: the index still holds the old copy; the referral itself now names someone else
    const { repository, service } = setUp();
    repository.hold(referralOf(1));
    const stale = referralOf(2);
    repository.hold({ ...stale, subject: { nhsNumber: SOMEONE_ELSE, name: 'Bea Other' }, seq: 5 }, { inIndex: stale });

    // Act
    const bundle = await service.export(IG_LEAD, PERSON);

    // Assess
    expect(bundle.referrals.map((r) => r.referral.id)).toEqual([idOf(1)]);
    expect(JSON.stringify(bundle)).not.toContain(SOMEONE_ELSE);
    expect(JSON.stringify(bundle)).not.toContain('Bea Other');
    expect(repository.accessRecords).toEqual([{ ids: [idOf(1)], entry: expect.objectContaining({ what: 'subject-export' }) }]);
  });

  it('shows each record as the API does, without internal fields', async () => {
    // Prepare
    const { repository, service } = setUp();
    repository.hold(referralOf(1, { formerParties: [{ org: 'meht', leftAt: '2025-03-05T10:00:00.000Z', leftSeq: 3 }] }));

    // Act
    const [record] = (await service.export(IG_LEAD, PERSON)).referrals;

    // Assess
    expect(record!.referral).toMatchObject({ id: idOf(1), subject: { nhsNumber: PERSON, name: 'Ada Example' }, status: 'submitted' });
    for (const internal of ['seq', 'pausedMs', 'overdueNotifiedFor']) expect(record!.referral).not.toHaveProperty(internal);
    expect(record!.referral.formerParties).toEqual([{ org: 'meht', leftAt: '2025-03-05T10:00:00.000Z', leftSeq: 3 }]);
    expect(record!.handoffs[0]).toMatchObject({ status: 'declined', reasonCode: 'no-capacity' });
    for (const internal of ['overdueNotifiedFor', 'targetJoined']) expect(record!.handoffs[0]).not.toHaveProperty(internal);
    expect(record!.notes[0]).toEqual({
      id: noteOf(referralOf(1), 1).id,
      referralId: idOf(1),
      text: `Note 1 on ${idOf(1)}`,
      author: { sub: 'u-ecc', org: 'ecc', role: 'practitioner' },
      createdAt: '2025-03-05T10:01:00.000Z',
    });
    expect(record!.events[0]).toMatchObject({ type: 'referral.submitted', seq: 1, referralId: idOf(1) });
    expect(record!.accessLog[0]).toEqual(accessOf(1));
  });

  it('records the export once, for every referral in it, as subject-export by the caller', async () => {
    // Prepare
    const { repository, service } = setUp();
    for (const n of [1, 2, 3]) repository.hold(referralOf(n));

    // Act
    await service.export(IG_LEAD, PERSON);

    // Assess
    expect(repository.accessRecords).toEqual([
      { ids: [idOf(1), idOf(2), idOf(3)], entry: { at: NOW.toISOString(), actor: IG_ACTOR, what: 'subject-export' } },
    ]);
  });

  it('skips a referral disposed of between the search and its read', async () => {
    // Prepare: the index still lists referral 2, which is gone
    const { repository, service } = setUp();
    for (const n of [1, 2, 3]) repository.hold(referralOf(n));
    repository.current.delete(idOf(2));

    // Act
    const bundle = await service.export(IG_LEAD, PERSON);

    // Assess
    expect(bundle.referrals.map((r) => r.referral.id)).toEqual([idOf(1), idOf(3)]);
    expect(repository.collectionReads.some((r) => r.id === idOf(2))).toBe(false);
    expect(repository.accessRecords[0]!.ids).toEqual([idOf(1), idOf(3)]);
  });

  it('answers an empty bundle for a person it holds nothing about, and records no access', async () => {
    // Prepare
    const { repository, service } = setUp();

    // Act
    const bundle = await service.export(IG_LEAD, PERSON);

    // Assess
    expect(bundle).toEqual({ nhsNumber: PERSON, generatedAt: NOW.toISOString(), referrals: [] });
    expect(repository.accessRecords).toEqual([]);
  });
});

describe('SubjectRightsService.erase', () => {
  it('erases every referral of the person with the erasure cause and the caller as actor', async () => {
    // Prepare
    const { repository, eraser, service } = setUp();
    for (const n of [1, 2, 3]) repository.hold(referralOf(n));
    repository.hold(referralOf(4, { subject: { nhsNumber: SOMEONE_ELSE } }));

    // Act
    const result = await service.erase(IG_LEAD, ERASE);

    // Assess
    expect(result.erased.map((e) => e.referralId).sort()).toEqual([idOf(1), idOf(2), idOf(3)]);
    expect(result.erased.every((e) => e.itemsDeleted === 14)).toBe(true);
    expect(eraser.calls.map((c) => c.referral.id)).not.toContain(idOf(4));
    expect(eraser.calls[0]).toMatchObject({
      cause: { kind: 'erasure', reasonCode: 'erasure-request-upheld', requestReference: 'IG-2026-0042' },
      actor: IG_ACTOR,
    });
    expect(repository.current.has(idOf(4))).toBe(true);
  });

  it('erases only the named referrals of the person', async () => {
    // Prepare
    const { repository, eraser, service } = setUp();
    for (const n of [1, 2, 3]) repository.hold(referralOf(n));

    // Act
    const result = await service.erase(IG_LEAD, { ...ERASE, reasonCode: 'misfiled-record', referralIds: [idOf(2)] });

    // Assess
    expect(result).toEqual({ erased: [{ referralId: idOf(2), itemsDeleted: 14 }] });
    expect(eraser.calls.map((c) => c.referral.id)).toEqual([idOf(2)]);
    expect([...repository.current.keys()].sort()).toEqual([idOf(1), idOf(3)]);
  });

  it('refuses (422 on referralIds) a referral that is not the person’s, before erasing anything', async () => {
    // Prepare
    const { repository, eraser, service } = setUp();
    repository.hold(referralOf(1));
    repository.hold(referralOf(2, { subject: { nhsNumber: SOMEONE_ELSE } }));

    // Act
    const erased = service.erase(IG_LEAD, { ...ERASE, referralIds: [idOf(1), idOf(2)] });

    // Assess
    await expect(erased).rejects.toBeInstanceOf(UnprocessableEntityError);
    await expect(erased).rejects.toMatchObject({ errors: [{ path: 'referralIds', message: expect.stringContaining(idOf(2)) }] });
    expect(eraser.calls).toEqual([]);
    expect(repository.current.size).toBe(2);
  });

  it('answers 404 when it holds nothing for the person', async () => {
    // Prepare
    const { repository, eraser, service } = setUp();
    repository.hold(referralOf(1, { subject: { nhsNumber: SOMEONE_ELSE } }));

    // Act
    const erased = service.erase(IG_LEAD, ERASE);

    // Assess
    await expect(erased).rejects.toBeInstanceOf(NotFoundError);
    expect(eraser.calls).toEqual([]);
  });

  it('reads afresh and tries again when the erasure loses to a concurrent change', async () => {
    // Prepare: a note lands (seq 4 → 5) just as the first erasure is attempted
    const { repository, eraser, service } = setUp();
    repository.hold(referralOf(1));
    eraser.losses.push(() => {
      const held = repository.current.get(idOf(1))!;
      repository.current.set(idOf(1), { ...held, referral: { ...held.referral, seq: 5 } });
    });

    // Act
    const result = await service.erase(IG_LEAD, ERASE);

    // Assess
    expect(eraser.calls.map((c) => c.referral.seq)).toEqual([4, 5]);
    expect(repository.fresh).toEqual([idOf(1), idOf(1)]);
    expect(result).toEqual({ erased: [{ referralId: idOf(1), itemsDeleted: 15 }] });
  });

  it('gives up with 409 when every attempt loses, saying how many were erased before', async () => {
    // Prepare: the oldest referral erases; the newer one keeps changing
    const { repository, eraser, service } = setUp();
    repository.hold(referralOf(1));
    repository.hold(referralOf(2));
    const losses = Array.from({ length: 5 }, () => () => undefined);
    const realErase = eraser.erase.bind(eraser);
    eraser.erase = async (referral, cause, actor) => {
      if (referral.id === idOf(1)) eraser.losses.push(...losses.splice(0));
      return realErase(referral, cause, actor);
    };

    // Act
    const erased = service.erase(IG_LEAD, ERASE);

    // Assess: the index lists newest first, so referral 2 went first and referral 1 never settled
    await expect(erased).rejects.toBeInstanceOf(ConflictError);
    await expect(erased).rejects.toThrow(
      `Referral ${idOf(1)} kept changing while it was being erased; 1 referral(s) were erased before it.`,
    );
    expect(eraser.calls.filter((c) => c.referral.id === idOf(1))).toHaveLength(5);
    expect(repository.current.has(idOf(1))).toBe(true);
    expect(repository.current.has(idOf(2))).toBe(false);
  });

  it('skips a referral disposed of before its turn, and reports only what it erased', async () => {
    // Prepare
    const { repository, eraser, service } = setUp();
    for (const n of [1, 2]) repository.hold(referralOf(n));
    repository.current.delete(idOf(1));

    // Act
    const result = await service.erase(IG_LEAD, ERASE);

    // Assess
    expect(result).toEqual({ erased: [{ referralId: idOf(2), itemsDeleted: 14 }] });
    expect(eraser.calls.map((c) => c.referral.id)).toEqual([idOf(2)]);
  });

  it('never erases a referral rectified to another NHS number after the index was read', async () => {
    // Prepare: the index still lists referral 2 under the person; it now names someone else
    const { repository, eraser, service } = setUp();
    repository.hold(referralOf(1));
    const stale = referralOf(2);
    repository.hold({ ...stale, subject: { nhsNumber: SOMEONE_ELSE }, seq: 5 }, { inIndex: stale });

    // Act
    const result = await service.erase(IG_LEAD, ERASE);

    // Assess
    expect(result).toEqual({ erased: [{ referralId: idOf(1), itemsDeleted: 14 }] });
    expect(eraser.calls.map((c) => c.referral.id)).toEqual([idOf(1)]);
    expect(repository.current.has(idOf(2))).toBe(true);
  });

  it('passes on a failure that is not a concurrent change, without retrying', async () => {
    // Prepare
    const { repository, eraser, service } = setUp();
    repository.hold(referralOf(1));
    eraser.failWith = new Error('DynamoDB is unavailable');

    // Act
    const erased = service.erase(IG_LEAD, ERASE);

    // Assess
    await expect(erased).rejects.toThrow('DynamoDB is unavailable');
    expect(eraser.calls).toHaveLength(1);
  });
});

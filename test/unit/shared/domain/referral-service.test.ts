/**
 * Orchestration rules of the referral service only (check order, retries, access
 * recording), against a small in-memory fake of the repository port. Persistence itself
 * is tested on DynamoDB Local elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError, UnprocessableEntityError } from '#shared/core/errors.ts';
import type { Caller, ReadScope } from '#shared/core/identity.ts';
import {
  ConcurrentChangeError,
  type AccessEntry,
  type FormerPartySnapshot,
  type ListReferralsParams,
  type ListWorkParams,
  type ReferralRepository,
  type WorkItem,
  type StoredEvent,
  type StoredNote,
} from '#shared/referrals/domain/ports.ts';
import type { Page } from '#shared/core/pagination.ts';
import type { ReferralStatus } from '#shared/core/reference-data.ts';
import type { Actor, EventDraft, Referral } from '#shared/referrals/domain/referral.ts';
import { ReferralService } from '#shared/referrals/domain/referral-service.ts';
import { practitioner, storedReferral } from '#test/support/fixtures.ts';

const NOW = new Date('2025-03-03T10:00:00.000Z');
const ORGS = ['provide', 'ecc', 'meht', 'ageuk-essex'];
const ID = '01JNR0000000000000000000AA';
const OTHER_ID = '01JNR0000000000000000000BB';

const SENDER = practitioner('u-sender', 'provide');
const RECEIVER = practitioner('u-receiver', 'ecc');
const NON_PARTY = practitioner('u-stranger', 'ageuk-essex');
const PROGRAMME_MANAGER: Caller = { sub: 'u-pm', org: 'meht', roles: ['programme_manager'] };
const NO_ROLE: Caller = { sub: 'u-nobody', org: 'ecc', roles: [] };

const referral = (overrides: Partial<Referral> = {}): Referral => storedReferral({ id: ID, version: 3, seq: 5, ...overrides });

type CallName = keyof ReferralRepository;

/** An in-memory repository that records every call and can be told to lose commits. */
class FakeRepository implements ReferralRepository {
  readonly referrals = new Map<string, Referral>();
  readonly calls: { name: CallName; args: unknown[] }[] = [];
  readonly accessRecords: { ids: readonly string[]; entry: AccessEntry }[] = [];
  /** Each entry makes one commit throw ConcurrentChangeError, after running the side effect (a concurrent write). */
  readonly commitLosses: ((repo: FakeRepository) => void)[] = [];
  listResult: Page<Referral> = { items: [] };
  searchResult: Page<Referral> = { items: [] };

  constructor(...initial: Referral[]) {
    for (const r of initial) this.referrals.set(r.id, r);
  }

  private record(name: CallName, ...args: unknown[]): void {
    this.calls.push({ name, args });
  }

  callsTo(name: CallName): unknown[][] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args);
  }

  async create(r: Referral, event: EventDraft, actor: Actor): Promise<StoredEvent> {
    this.record('create', r, event, actor);
    this.referrals.set(r.id, r);
    return { id: 'E1', type: event.type, seq: 1, at: r.createdAt, actor, referralId: r.id, data: event.data };
  }

  async get(id: string): Promise<Referral | undefined> {
    this.record('get', id);
    return this.referrals.get(id);
  }

  async getWithHandoffs(id: string) {
    this.record('getWithHandoffs', id);
    const r = this.referrals.get(id);
    return r ? { referral: r, handoffs: [] } : undefined;
  }

  async commitChange(previous: Referral, next: Referral, event: EventDraft, actor: Actor): Promise<StoredEvent> {
    this.record('commitChange', previous, next, event, actor);
    const loss = this.commitLosses.shift();
    if (loss) {
      loss(this);
      throw new ConcurrentChangeError('lost the race');
    }
    const stored = this.referrals.get(previous.id);
    if (!stored || stored.version !== previous.version || stored.seq !== previous.seq) throw new ConcurrentChangeError('moved');
    this.referrals.set(next.id, { ...next, seq: previous.seq + 1 });
    return { id: 'E', type: event.type, seq: previous.seq + 1, at: next.updatedAt, actor, referralId: next.id, data: event.data };
  }

  async addNote(previous: Referral, text: string, actor: Actor): Promise<StoredNote> {
    this.record('addNote', previous, text, actor);
    this.referrals.set(previous.id, { ...previous, seq: previous.seq + 1 });
    return { id: 'N1', referralId: previous.id, text, author: actor, createdAt: NOW.toISOString() };
  }

  async list(params: ListReferralsParams): Promise<Page<Referral>> {
    this.record('list', params);
    return this.listResult;
  }

  workResult: Page<WorkItem> = { items: [] };
  async listWork(params: ListWorkParams): Promise<Page<WorkItem>> {
    this.record('listWork', params);
    return this.workResult;
  }

  async findByPerson(
    identifier: { nhsNumber: string } | { localId: string; issuer: string },
    scope: ReadScope,
    page: { limit: number; after?: string | undefined },
  ) {
    this.record('findByPerson', identifier, scope, page);
    return this.searchResult;
  }

  async history(id: string, options: { limit: number; after?: string | undefined }): Promise<Page<StoredEvent>> {
    this.record('history', id, options);
    return { items: [] };
  }

  async notes(id: string, options: { limit: number; after?: string | undefined }): Promise<Page<StoredNote>> {
    this.record('notes', id, options);
    return { items: [] };
  }

  async accessLog(id: string, options: { limit: number; after?: string | undefined }): Promise<Page<AccessEntry>> {
    this.record('accessLog', id, options);
    return { items: [{ at: NOW.toISOString(), actor: { sub: 'u-sender', org: 'provide', role: 'practitioner' }, what: 'detail' }] };
  }

  /** What former parties saw, by `<referralId>#<org>`. */
  readonly snapshots = new Map<string, FormerPartySnapshot>();

  async formerPartySnapshot(referralId: string, org: string): Promise<FormerPartySnapshot | undefined> {
    this.record('formerPartySnapshot', referralId, org);
    return this.snapshots.get(`${referralId}#${org}`);
  }

  async recordAccess(referralIds: readonly string[], entry: AccessEntry): Promise<void> {
    this.record('recordAccess', referralIds, entry);
    this.accessRecords.push({ ids: [...referralIds], entry });
  }
}

const serviceOver = (repository: FakeRepository) =>
  new ReferralService({
    repository,
    priorityTargetMinutes: { urgent: 120, soon: 1440, routine: 7200 },
    organisations: ORGS,
    newId: () => OTHER_ID,
    clock: () => NOW,
    retryDelayMs: () => 0,
  });

/** Awaits `promise` and returns what it rejected with, failing the test if it resolved. */
const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
};

const PAGE = { limit: 25 };

describe('ReferralService.act: check order', () => {
  it('answers 404 to a non-party practitioner, even for an action their side could never take', async () => {
    // Prepare
    const repository = new FakeRepository(referral({ status: 'completed' }));
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.act(NON_PARTY, ID, { action: 'complete', body: { outcome: 'other' } }, 1));

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect(repository.callsTo('commitChange')).toHaveLength(0);
  });

  it('answers 404 for a referral that does not exist, exactly as for one not visible', async () => {
    // Prepare
    const repository = new FakeRepository();
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.act(RECEIVER, ID, { action: 'accept', body: {} }));

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('answers 403 to a party on the wrong side, even when the status is also wrong', async () => {
    // Prepare: sender tries to accept a completed referral
    const repository = new FakeRepository(referral({ status: 'completed' }));
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.act(SENDER, ID, { action: 'accept', body: {} }));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  it('answers 403 to a programme manager, who can see but not act', async () => {
    // Prepare
    const repository = new FakeRepository(referral());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.act(PROGRAMME_MANAGER, ID, { action: 'accept', body: {} }));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  it('answers 403 to a caller with no known role before reading anything', async () => {
    // Prepare
    const repository = new FakeRepository(referral());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.act(NO_ROLE, ID, { action: 'accept', body: {} }));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(repository.calls).toEqual([]);
  });

  it('answers 403 before 412 to the wrong side with a stale If-Match', async () => {
    // Prepare
    const repository = new FakeRepository(referral({ version: 3 }));
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.act(SENDER, ID, { action: 'accept', body: {} }, 2));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  it('answers 412 for a stale If-Match before 409 for a wrong status', async () => {
    // Prepare: already accepted, at version 4; the client read version 3
    const repository = new FakeRepository(referral({ status: 'accepted', ownerOrg: 'ecc', version: 4 }));
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.act(RECEIVER, ID, { action: 'accept', body: {} }, 3));

    // Assess
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(repository.callsTo('commitChange')).toHaveLength(0);
  });

  it('answers 409 for a wrong status when If-Match is current', async () => {
    // Prepare
    const repository = new FakeRepository(referral({ status: 'accepted', ownerOrg: 'ecc', version: 4 }));
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.act(RECEIVER, ID, { action: 'accept', body: {} }, 4));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
  });

  it('answers 422 for an unknown redirect target before any repository call', async () => {
    // Prepare: the referral does not even exist, and the caller is not a party
    const repository = new FakeRepository();
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.act(NON_PARTY, ID, { action: 'redirect', body: { toOrg: 'nowhere-trust', comment: 'x' } }, 99));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).errors[0]?.path).toBe('toOrg');
    expect(repository.calls).toEqual([]);
  });

  it('applies an allowed action with a matching If-Match, commits once and returns the view', async () => {
    // Prepare
    const current = referral({ version: 3 });
    const repository = new FakeRepository(current);
    const service = serviceOver(repository);

    // Act
    const view = await service.act(RECEIVER, ID, { action: 'accept', body: { comment: 'on it' } }, 3);

    // Assess
    expect(view).toMatchObject({ id: ID, status: 'accepted', ownerOrg: 'ecc', version: 4, updatedAt: NOW.toISOString() });
    expect(view).not.toHaveProperty('seq');
    expect(view).not.toHaveProperty('pausedMs');
    const commits = repository.callsTo('commitChange');
    expect(commits).toHaveLength(1);
    expect(commits[0]?.[0]).toEqual(current);
    expect(commits[0]?.[3]).toEqual({ sub: 'u-receiver', org: 'ecc', role: 'practitioner' });
  });
});

describe('ReferralService.act: retrying a lost commit', () => {
  it('retries when the commit lost to an unrelated change (version unchanged) and succeeds', async () => {
    // Prepare: a note lands between read and commit: seq moves, version does not
    const repository = new FakeRepository(referral({ version: 3, seq: 5 }));
    repository.commitLosses.push((repo) => {
      const stored = repo.referrals.get(ID)!;
      repo.referrals.set(ID, { ...stored, seq: stored.seq + 1 });
    });
    const service = serviceOver(repository);

    // Act
    const view = await service.act(RECEIVER, ID, { action: 'accept', body: {} }, 3);

    // Assess
    expect(view).toMatchObject({ status: 'accepted', version: 4 });
    const commits = repository.callsTo('commitChange');
    expect(commits).toHaveLength(2);
    expect((commits[1]![0] as Referral).seq).toBe(6);
    expect(repository.callsTo('get')).toHaveLength(2);
  });

  it('answers 409 when the re-read shows the referral itself changed', async () => {
    // Prepare: someone else's action wins between read and commit: version moves
    const repository = new FakeRepository(referral({ version: 3, seq: 5 }));
    repository.commitLosses.push((repo) => {
      const stored = repo.referrals.get(ID)!;
      repo.referrals.set(ID, { ...stored, version: stored.version + 1, seq: stored.seq + 1, priority: 'soon' });
    });
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.act(RECEIVER, ID, { action: 'accept', body: {} }));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect(repository.callsTo('commitChange')).toHaveLength(1);
  });

  it('gives up with a 409 after repeated losses to unrelated changes', async () => {
    // Prepare
    const repository = new FakeRepository(referral());
    for (let i = 0; i < 10; i++) repository.commitLosses.push(() => undefined);
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.act(RECEIVER, ID, { action: 'accept', body: {} }));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect(repository.callsTo('commitChange').length).toBeGreaterThan(1);
    expect(repository.callsTo('commitChange').length).toBeLessThan(10);
  });

  it('does not retry errors other than a concurrent change', async () => {
    // Prepare
    const repository = new FakeRepository(referral());
    repository.commitChange = async () => {
      throw new Error('table unavailable');
    };
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.act(RECEIVER, ID, { action: 'accept', body: {} }));

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('table unavailable');
    expect(repository.callsTo('get')).toHaveLength(1);
  });
});

describe('ReferralService.submit', () => {
  it('answers 422 naming toOrg for an unknown receiver before writing', async () => {
    // Prepare
    const repository = new FakeRepository();
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(
      service.submit(SENDER, {
        toOrg: 'nowhere-trust',
        serviceArea: 'rapid-response',
        priority: 'urgent',
        subject: { localId: 'X1' },
        reason: 'r',
      }),
    );

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).errors[0]?.path).toBe('toOrg');
    expect(repository.calls).toEqual([]);
  });

  it('creates a version 1 submitted referral with a new id', async () => {
    // Prepare
    const repository = new FakeRepository();
    const service = serviceOver(repository);

    // Act
    const view = await service.submit(SENDER, {
      toOrg: 'ecc',
      serviceArea: 'rapid-response',
      priority: 'urgent',
      subject: { localId: 'X1' },
      reason: 'r',
    });

    // Assess
    expect(view).toMatchObject({ id: OTHER_ID, status: 'submitted', version: 1, fromOrg: 'provide', dueAt: '2025-03-03T12:00:00.000Z' });
    expect(repository.callsTo('create')).toHaveLength(1);
  });
});

describe('ReferralService.list: who may list which org', () => {
  const query = { box: 'inbox' as const, sort: 'newest' as const, limit: 25 };

  it('forbids a practitioner from listing another org (403)', async () => {
    // Prepare
    const repository = new FakeRepository();
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.list(RECEIVER, { ...query, org: 'provide' }));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(repository.callsTo('list')).toHaveLength(0);
  });

  it('lets a practitioner name their own org', async () => {
    // Prepare
    const repository = new FakeRepository();
    const service = serviceOver(repository);

    // Act
    await service.list(RECEIVER, { ...query, org: 'ecc' });

    // Assess
    expect((repository.callsTo('list')[0]![0] as ListReferralsParams).orgs).toEqual(['ecc']);
  });

  it('answers 422 naming org to a programme manager asking for an unknown org', async () => {
    // Prepare
    const repository = new FakeRepository();
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.list(PROGRAMME_MANAGER, { ...query, org: 'nowhere-trust' }));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).errors[0]?.path).toBe('org');
    expect(repository.callsTo('list')).toHaveLength(0);
  });

  it('lists every known org for a programme manager without org=, and one with it', async () => {
    // Prepare
    const repository = new FakeRepository();
    const service = serviceOver(repository);

    // Act
    await service.list(PROGRAMME_MANAGER, query);
    await service.list(PROGRAMME_MANAGER, { ...query, org: 'ageuk-essex' });

    // Assess
    const [all, one] = repository.callsTo('list').map((args) => args[0] as ListReferralsParams);
    expect([...(all?.orgs ?? [])].sort()).toEqual([...ORGS].sort());
    expect(one?.orgs).toEqual(['ageuk-essex']);
  });

  it('passes a status filter through, and every status without one', async () => {
    // Prepare
    const repository = new FakeRepository();
    const service = serviceOver(repository);

    // Act
    await service.list(RECEIVER, { ...query, status: 'accepted' });
    await service.list(RECEIVER, query);

    // Assess
    const [filtered, unfiltered] = repository.callsTo('list').map((args) => args[0] as ListReferralsParams);
    expect(filtered?.statuses).toEqual(['accepted']);
    expect([...(unfiltered?.statuses ?? [])].sort()).toEqual(
      (['accepted', 'cancelled', 'completed', 'declined', 'info_requested', 'submitted'] satisfies ReferralStatus[]).sort(),
    );
  });

  it('answers 403 to a caller with no known role', async () => {
    // Prepare
    const repository = new FakeRepository();
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.list(NO_ROLE, query));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
  });
});

describe('ReferralService reads: the access log', () => {
  const expectAccess = (repository: FakeRepository, ids: readonly string[], what: string, caller: Caller, role: string) => {
    expect(repository.accessRecords).toEqual([
      { ids, entry: { at: NOW.toISOString(), actor: { sub: caller.sub, org: caller.org, role }, what } },
    ]);
  };

  it("records 'detail' for a referral read, with the caller as actor", async () => {
    // Prepare
    const repository = new FakeRepository(referral());
    const service = serviceOver(repository);

    // Act
    const detail = await service.get(RECEIVER, ID);

    // Assess
    expect(detail.allowedActions).toEqual(['accept', 'decline', 'redirect', 'request-info']);
    expect(detail.handoffs).toEqual([]);
    expect(detail).not.toHaveProperty('seq');
    expectAccess(repository, [ID], 'detail', RECEIVER, 'practitioner');
  });

  it("records a programme manager's read as programme_manager, with no allowed actions", async () => {
    // Prepare
    const repository = new FakeRepository(referral());
    const service = serviceOver(repository);

    // Act
    const detail = await service.get(PROGRAMME_MANAGER, ID);

    // Assess
    expect(detail.allowedActions).toEqual([]);
    expectAccess(repository, [ID], 'detail', PROGRAMME_MANAGER, 'programme_manager');
  });

  it("records 'history' for a history read", async () => {
    // Prepare
    const repository = new FakeRepository(referral());
    const service = serviceOver(repository);

    // Act
    await service.history(SENDER, ID, PAGE);

    // Assess
    expectAccess(repository, [ID], 'history', SENDER, 'practitioner');
  });

  it("records 'notes' for a notes read", async () => {
    // Prepare
    const repository = new FakeRepository(referral());
    const service = serviceOver(repository);

    // Act
    await service.notes(SENDER, ID, PAGE);

    // Assess
    expectAccess(repository, [ID], 'notes', SENDER, 'practitioner');
  });

  it("records 'search' for every referral a search returned", async () => {
    // Prepare
    const repository = new FakeRepository();
    repository.searchResult = { items: [referral(), referral({ id: OTHER_ID })] };
    const service = serviceOver(repository);

    // Act
    const page = await service.search(RECEIVER, { nhsNumber: '9434765919' }, PAGE);

    // Assess
    expect(page.items.map((r) => r.id)).toEqual([ID, OTHER_ID]);
    expect(repository.callsTo('findByPerson')[0]?.slice(1)).toEqual([{ kind: 'org', org: 'ecc' }, PAGE]);
    expectAccess(repository, [ID, OTHER_ID], 'search', RECEIVER, 'practitioner');
  });

  it('searches across all orgs for a programme manager, by the local id of the issuer they name', async () => {
    // Prepare
    const repository = new FakeRepository();
    const service = serviceOver(repository);

    // Act
    await service.search(PROGRAMME_MANAGER, { localId: 'CASE-77', issuer: 'ecc' }, PAGE);

    // Assess
    expect(repository.callsTo('findByPerson')[0]?.[0]).toEqual({ localId: 'CASE-77', issuer: 'ecc' });
    expect(repository.callsTo('findByPerson')[0]?.[1]).toEqual({ kind: 'programme' });
  });

  it('scopes a practitioner’s local-id search to their own organisation’s ids unless they name the issuer', async () => {
    // Prepare
    const repository = new FakeRepository();
    const service = serviceOver(repository);

    // Act
    await service.search(RECEIVER, { localId: 'CASE-77' }, PAGE);
    await service.search(RECEIVER, { localId: 'CASE-77', issuer: 'provide' }, PAGE);

    // Assess
    expect(repository.callsTo('findByPerson').map((call) => call[0])).toEqual([
      { localId: 'CASE-77', issuer: RECEIVER.org },
      { localId: 'CASE-77', issuer: 'provide' },
    ]);
  });

  it("records 'list' for every referral a list returned", async () => {
    // Prepare
    const repository = new FakeRepository();
    repository.listResult = { items: [referral(), referral({ id: OTHER_ID })], after: 'SK#2' };
    const service = serviceOver(repository);

    // Act
    const page = await service.list(RECEIVER, { box: 'inbox', sort: 'newest', limit: 2 });

    // Assess
    expect(page.after).toBe('SK#2');
    expect(page.items.every((item) => !('seq' in item))).toBe(true);
    expectAccess(repository, [ID, OTHER_ID], 'list', RECEIVER, 'practitioner');
  });

  it('records nothing for an empty result', async () => {
    // Prepare
    const repository = new FakeRepository();
    const service = serviceOver(repository);

    // Act
    await service.list(RECEIVER, { box: 'inbox', sort: 'newest', limit: 25 });
    await service.search(RECEIVER, { localId: 'CASE-77' }, PAGE);

    // Assess
    expect(repository.callsTo('recordAccess')).toHaveLength(0);
  });

  it('does not record reading the access log itself', async () => {
    // Prepare
    const repository = new FakeRepository(referral());
    const service = serviceOver(repository);

    // Act
    const log = await service.accessLog(SENDER, ID, PAGE);

    // Assess
    expect(log.items).toHaveLength(1);
    expect(repository.callsTo('recordAccess')).toHaveLength(0);
  });

  it.each([
    { name: 'detail', read: (s: ReferralService) => s.get(NON_PARTY, ID) },
    { name: 'history', read: (s: ReferralService) => s.history(NON_PARTY, ID, PAGE) },
    { name: 'notes', read: (s: ReferralService) => s.notes(NON_PARTY, ID, PAGE) },
    { name: 'access-log', read: (s: ReferralService) => s.accessLog(NON_PARTY, ID, PAGE) },
  ])('answers 404 to a non-party reading $name, and records nothing', async ({ read }) => {
    // Prepare
    const repository = new FakeRepository(referral());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(read(service));

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect(repository.callsTo('recordAccess')).toHaveLength(0);
    expect(repository.callsTo('history')).toHaveLength(0);
    expect(repository.callsTo('notes')).toHaveLength(0);
    expect(repository.callsTo('accessLog')).toHaveLength(0);
  });
});

describe('ReferralService.addNote', () => {
  it('forbids a programme manager from writing notes (403)', async () => {
    // Prepare
    const repository = new FakeRepository(referral());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.addNote(PROGRAMME_MANAGER, ID, 'a note'));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(repository.callsTo('addNote')).toHaveLength(0);
  });

  it('answers 404 to a non-party practitioner', async () => {
    // Prepare
    const repository = new FakeRepository(referral());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.addNote(NON_PARTY, ID, 'a note'));

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('retries after losing to a concurrent change', async () => {
    // Prepare
    const repository = new FakeRepository(referral());
    const realAddNote = repository.addNote.bind(repository);
    let attempts = 0;
    repository.addNote = async (previous, text, actor) => {
      attempts++;
      if (attempts === 1) throw new ConcurrentChangeError('seq moved');
      return realAddNote(previous, text, actor);
    };
    const service = serviceOver(repository);

    // Act
    const note = await service.addNote(SENDER, ID, 'Visited today');

    // Assess
    expect(note).toMatchObject({ text: 'Visited today', author: { sub: 'u-sender', org: 'provide', role: 'practitioner' } });
    expect(attempts).toBe(2);
  });
});

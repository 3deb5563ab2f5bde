/**
 * Orchestration rules of the handoff service only (check order, 422 before any read,
 * retries past unrelated changes, 409 to the loser of a race, access recording), against
 * an in-memory fake of the HandoffRepository port. Persistence itself is DynamoDB Local's.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError, UnprocessableEntityError } from '#shared/core/errors.ts';
import { answerHandoff, type Handoff, type HandoffAnswer } from '#shared/referrals/domain/handoff.ts';
import { HandoffService } from '#shared/referrals/domain/handoff-service.ts';
import type { Caller } from '#shared/core/identity.ts';
import {
  ConcurrentChangeError,
  type AccessEntry,
  type FormerPartySnapshot,
  type HandoffRepository,
  type ListHandoffsParams,
  type StoredEvent,
} from '#shared/referrals/domain/ports.ts';
import type { Page } from '#shared/core/pagination.ts';
import type { Actor, EventDraft, Referral } from '#shared/referrals/domain/referral.ts';
import { practitioner, storedReferral } from '#test/support/fixtures.ts';

const NOW = new Date('2025-03-03T12:00:00.000Z');
const ORGS = ['provide', 'ecc', 'meht', 'ageuk-essex'];
const REFERRAL_ID = '01JNR0000000000000000000AA';
const HANDOFF_ID = '01JNH0000000000000000000HH';
const NEW_HANDOFF_ID = '01JNH0000000000000000000NN';
const TARGETS = { urgent: 120, soon: 1440, routine: 7200 };

/** Provide referred to ECC; ECC accepted and owns it; ECC offers it to MEHT. */
const SENDER = practitioner('u-provide-nurse', 'provide');
const OFFERER = practitioner('u-ecc-social-worker', 'ecc');
const OFFERER_COLLEAGUE = practitioner('u-ecc-duty-manager', 'ecc');
const TARGET = practitioner('u-meht-discharge', 'meht');
const NON_PARTY = practitioner('u-ageuk-coordinator', 'ageuk-essex');
const PROGRAMME_MANAGER: Caller = { sub: 'u-pm', org: 'meht', roles: ['programme_manager'] };
const NO_ROLE: Caller = { sub: 'u-nobody', org: 'ecc', roles: [] };

const actorOf = (caller: Caller): Actor => ({ sub: caller.sub, org: caller.org, role: caller.roles[0] ?? 'practitioner' });

const referral = (overrides: Partial<Referral> = {}): Referral =>
  storedReferral({
    id: REFERRAL_ID,
    ownerOrg: 'ecc',
    status: 'accepted',
    version: 2,
    seq: 2,
    updatedAt: '2025-03-03T09:30:00.000Z',
    ...overrides,
  });

/** ECC's open offer to MEHT, and the referral held by it (referral version 3, handoff version 1). */
const openOffer = (): { referral: Referral; handoff: Handoff } => ({
  referral: referral({ version: 3, seq: 3, parties: ['provide', 'ecc', 'meht'], openHandoffId: HANDOFF_ID }),
  handoff: {
    id: HANDOFF_ID,
    referralId: REFERRAL_ID,
    fromOrg: 'ecc',
    toOrg: 'meht',
    reason: 'Acute team to lead',
    status: 'offered',
    version: 1,
    createdAt: '2025-03-03T11:00:00.000Z',
    updatedAt: '2025-03-03T11:00:00.000Z',
    dueAt: '2025-03-03T13:00:00.000Z',
    offeredBy: actorOf(OFFERER),
  },
});

type CallName = keyof HandoffRepository | 'get';

/**
 * An in-memory HandoffRepository (+ `get`) that records every call, enforces the same
 * conditions as the DynamoDB adapter, and can be told to lose commits to a concurrent write.
 */
class FakeHandoffRepository implements HandoffRepository {
  readonly referrals = new Map<string, Referral>();
  readonly handoffs = new Map<string, Handoff>();
  readonly calls: { name: CallName; args: unknown[] }[] = [];
  readonly accessRecords: { ids: readonly string[]; entry: AccessEntry }[] = [];
  readonly events: { type: string; handoffId: string; seq: number }[] = [];
  /** Each entry makes one commit throw ConcurrentChangeError after running it (the concurrent write). */
  readonly commitLosses: ((repo: FakeHandoffRepository) => void)[] = [];
  listResult: Page<Handoff> = { items: [] };
  /** Thrown by the next commit instead of committing, if set. */
  failure: Error | undefined;

  constructor(state: { referral?: Referral; handoff?: Handoff } = {}) {
    if (state.referral) this.referrals.set(state.referral.id, state.referral);
    if (state.handoff) this.handoffs.set(state.handoff.id, state.handoff);
  }

  private record(name: CallName, ...args: unknown[]): void {
    this.calls.push({ name, args });
  }

  callsTo(name: CallName): unknown[][] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args);
  }

  /** A note added by someone else: seq moves, version does not. */
  addUnrelatedNote(id = REFERRAL_ID): void {
    const r = this.referrals.get(id)!;
    this.referrals.set(id, { ...r, seq: r.seq + 1 });
  }

  private commitOrLose(): void {
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
    const loss = this.commitLosses.shift();
    if (loss) {
      loss(this);
      throw new ConcurrentChangeError('lost the race');
    }
  }

  async get(id: string): Promise<Referral | undefined> {
    this.record('get', id);
    return this.referrals.get(id);
  }

  async offerHandoff(previous: Referral, next: Referral, handoff: Handoff, event: EventDraft, actor: Actor): Promise<StoredEvent> {
    this.record('offerHandoff', previous, next, handoff, event, actor);
    this.commitOrLose();
    const stored = this.referrals.get(previous.id);
    if (!stored || stored.version !== previous.version || stored.seq !== previous.seq || stored.openHandoffId) {
      throw new ConcurrentChangeError('moved');
    }
    const seq = previous.seq + 1;
    this.referrals.set(next.id, { ...next, seq });
    this.handoffs.set(handoff.id, handoff);
    this.events.push({ type: event.type, handoffId: handoff.id, seq });
    return {
      id: `E${seq}`,
      type: event.type,
      seq,
      at: handoff.createdAt,
      actor,
      referralId: next.id,
      handoffId: handoff.id,
      data: event.data,
    };
  }

  async getHandoff(id: string): Promise<{ referral: Referral; handoff: Handoff } | undefined> {
    this.record('getHandoff', id);
    const handoff = this.handoffs.get(id);
    const found = handoff && this.referrals.get(handoff.referralId);
    return handoff && found ? { referral: found, handoff } : undefined;
  }

  async answerHandoff(
    previous: { referral: Referral; handoff: Handoff },
    next: { referral: Referral; handoff: Handoff },
    event: EventDraft,
    actor: Actor,
  ): Promise<StoredEvent> {
    this.record('answerHandoff', previous, next, event, actor);
    this.commitOrLose();
    const storedReferral = this.referrals.get(previous.referral.id);
    const storedHandoff = this.handoffs.get(previous.handoff.id);
    if (
      !storedReferral ||
      storedReferral.version !== previous.referral.version ||
      storedReferral.seq !== previous.referral.seq ||
      storedReferral.openHandoffId !== previous.handoff.id ||
      !storedHandoff ||
      storedHandoff.version !== previous.handoff.version ||
      storedHandoff.status !== 'offered'
    ) {
      throw new ConcurrentChangeError('moved');
    }
    const seq = previous.referral.seq + 1;
    this.referrals.set(next.referral.id, { ...next.referral, seq });
    this.handoffs.set(next.handoff.id, next.handoff);
    this.events.push({ type: event.type, handoffId: next.handoff.id, seq });
    return {
      id: `E${seq}`,
      type: event.type,
      seq,
      at: next.handoff.updatedAt,
      actor,
      referralId: next.referral.id,
      handoffId: next.handoff.id,
      data: event.data,
    };
  }

  async listHandoffs(params: ListHandoffsParams): Promise<Page<Handoff>> {
    this.record('listHandoffs', params);
    return this.listResult;
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

/** What the target's accept, committed by someone else, does to the store. */
const targetAcceptsMeanwhile = (repo: FakeHandoffRepository): void => {
  const handoff = repo.handoffs.get(HANDOFF_ID)!;
  const current = repo.referrals.get(handoff.referralId)!;
  const next = answerHandoff(current, handoff, { action: 'accept', body: {} }, TARGET, actorOf(TARGET), { now: NOW });
  repo.referrals.set(current.id, { ...next.referral, seq: current.seq + 1 });
  repo.handoffs.set(handoff.id, next.handoff);
};

/** What the offerer's withdraw, committed by a colleague, does to the store. */
const offererWithdrawsMeanwhile = (repo: FakeHandoffRepository): void => {
  const handoff = repo.handoffs.get(HANDOFF_ID)!;
  const current = repo.referrals.get(handoff.referralId)!;
  const next = answerHandoff(current, handoff, { action: 'withdraw', body: {} }, OFFERER_COLLEAGUE, actorOf(OFFERER_COLLEAGUE), {
    now: NOW,
  });
  repo.referrals.set(current.id, { ...next.referral, seq: current.seq + 1 });
  repo.handoffs.set(handoff.id, next.handoff);
};

const serviceOver = (repository: FakeHandoffRepository) =>
  new HandoffService({
    repository,
    priorityTargetMinutes: TARGETS,
    organisations: ORGS,
    newId: () => NEW_HANDOFF_ID,
    clock: () => NOW,
    retryDelayMs: () => 0,
  });

const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
};

const OFFER = { toOrg: 'meht', reason: 'Acute team to lead from here' };

describe('HandoffService.offer: check order 422 → 404 → 403 → 412 → 409', () => {
  it('rejects an unknown toOrg with a 422 naming toOrg before any repository call', async () => {
    // Prepare
    const repository = new FakeHandoffRepository({ referral: referral() });
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.offer(OFFERER, REFERRAL_ID, { toOrg: 'nowhere-trust', reason: 'x' }, 1));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).errors.map((e) => e.path)).toEqual(['toOrg']);
    expect(repository.calls).toEqual([]);
  });

  it('rejects an unknown toOrg with 422 even on a referral the caller cannot see (malformed before 404)', async () => {
    // Prepare
    const repository = new FakeHandoffRepository({ referral: referral() });
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.offer(NON_PARTY, REFERRAL_ID, { toOrg: 'nowhere-trust', reason: 'x' }));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(repository.calls).toEqual([]);
  });

  it('answers 404 to a non-party, even with a stale If-Match on a referral in the wrong status', async () => {
    // Prepare
    const repository = new FakeHandoffRepository({ referral: referral({ status: 'completed', ownerOrg: 'ageuk-essex' }) });
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.offer(NON_PARTY, REFERRAL_ID, OFFER, 99));

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect(repository.callsTo('offerHandoff')).toHaveLength(0);
  });

  it('answers 404 for a referral that does not exist, with the same message as one not visible', async () => {
    // Prepare
    const repository = new FakeHandoffRepository({ referral: referral() });
    const service = serviceOver(repository);

    // Act
    const missing = await rejectionOf(service.offer(OFFERER, '01JNR0000000000000000000ZZ', OFFER));
    const hidden = await rejectionOf(service.offer(NON_PARTY, REFERRAL_ID, OFFER));

    // Assess
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toBe((hidden as Error).message);
  });

  it('answers 403 to a party that does not own the referral, before 412 and 409', async () => {
    // Prepare: the sender, a stale If-Match, and an open handoff
    const repository = new FakeHandoffRepository(openOffer());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.offer(SENDER, REFERRAL_ID, { toOrg: 'ageuk-essex', reason: 'x' }, 1));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  it('answers 403 to a programme manager, who reads but never offers', async () => {
    // Prepare
    const repository = new FakeHandoffRepository({ referral: referral() });
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.offer({ ...PROGRAMME_MANAGER, org: 'ecc' }, REFERRAL_ID, OFFER));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(repository.callsTo('offerHandoff')).toHaveLength(0);
  });

  it('answers 403 to a caller with no known role before reading anything', async () => {
    // Prepare
    const repository = new FakeHandoffRepository({ referral: referral() });
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.offer(NO_ROLE, REFERRAL_ID, OFFER));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(repository.calls).toEqual([]);
  });

  it('answers 412 to the owner with a stale If-Match (the referral’s version), before 409', async () => {
    // Prepare: an open handoff would be a 409
    const repository = new FakeHandoffRepository(openOffer());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.offer(OFFERER, REFERRAL_ID, { toOrg: 'ageuk-essex', reason: 'x' }, 2));

    // Assess
    expect(error).toBeInstanceOf(PreconditionFailedError);
  });

  it('answers 409 to the owner with a current If-Match while a handoff is open', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.offer(OFFERER, REFERRAL_ID, { toOrg: 'ageuk-essex', reason: 'x' }, 3));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect(repository.callsTo('offerHandoff')).toHaveLength(0);
  });

  it('answers 409 to the owner of a referral that is not accepted', async () => {
    // Prepare: a submitted referral is owned by its sender
    const repository = new FakeHandoffRepository({ referral: referral({ status: 'submitted', ownerOrg: 'provide', version: 1 }) });
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.offer(SENDER, REFERRAL_ID, OFFER, 1));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
  });

  it('offers with If-Match equal to the referral’s version, and returns the offer with the offerer’s allowed action', async () => {
    // Prepare
    const repository = new FakeHandoffRepository({ referral: referral() });
    const service = serviceOver(repository);

    // Act
    const view = await service.offer(OFFERER, REFERRAL_ID, OFFER, 2);

    // Assess
    expect(view).toMatchObject({
      id: NEW_HANDOFF_ID,
      status: 'offered',
      version: 1,
      fromOrg: 'ecc',
      toOrg: 'meht',
      allowedActions: ['withdraw'],
    });
    expect(repository.referrals.get(REFERRAL_ID)).toMatchObject({
      version: 3,
      seq: 3,
      openHandoffId: NEW_HANDOFF_ID,
      parties: ['provide', 'ecc', 'meht'],
    });
    expect(repository.events).toEqual([{ type: 'handoff.offered', handoffId: NEW_HANDOFF_ID, seq: 3 }]);
  });
});

describe('HandoffService.offer: concurrency', () => {
  it('retries a commit that lost only to an unrelated change (version unchanged) and succeeds', async () => {
    // Prepare
    const repository = new FakeHandoffRepository({ referral: referral() });
    repository.commitLosses.push((repo) => repo.addUnrelatedNote());
    const service = serviceOver(repository);

    // Act
    const view = await service.offer(OFFERER, REFERRAL_ID, OFFER, 2);

    // Assess
    expect(view.status).toBe('offered');
    expect(repository.callsTo('offerHandoff')).toHaveLength(2);
    expect(repository.referrals.get(REFERRAL_ID)).toMatchObject({ version: 3, seq: 4, openHandoffId: NEW_HANDOFF_ID });
  });

  it('answers 409 when a colleague’s offer won the race (the referral’s version moved)', async () => {
    // Prepare
    const repository = new FakeHandoffRepository({ referral: referral() });
    repository.commitLosses.push((repo) => {
      const r = repo.referrals.get(REFERRAL_ID)!;
      repo.referrals.set(REFERRAL_ID, {
        ...r,
        version: r.version + 1,
        seq: r.seq + 1,
        openHandoffId: HANDOFF_ID,
        parties: [...r.parties, 'ageuk-essex'],
      });
    });
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.offer(OFFERER, REFERRAL_ID, OFFER));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect(repository.callsTo('offerHandoff')).toHaveLength(1);
  });

  it('answers 409 after five lost attempts in a row', async () => {
    // Prepare
    const repository = new FakeHandoffRepository({ referral: referral() });
    for (let i = 0; i < 5; i++) repository.commitLosses.push((repo) => repo.addUnrelatedNote());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.offer(OFFERER, REFERRAL_ID, OFFER));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect(repository.callsTo('offerHandoff')).toHaveLength(5);
    expect(repository.handoffs.size).toBe(0);
  });

  it('does not swallow other repository failures', async () => {
    // Prepare
    const repository = new FakeHandoffRepository({ referral: referral() });
    repository.failure = new Error('DynamoDB unavailable');
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.offer(OFFERER, REFERRAL_ID, OFFER));

    // Assess
    expect((error as Error).message).toBe('DynamoDB unavailable');
    expect(repository.callsTo('offerHandoff')).toHaveLength(1);
  });
});

describe('HandoffService.answer: check order 404 → 403 → 412 → 409', () => {
  it('answers 404 for an unknown handoff id', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.answer(TARGET, '01JNH0000000000000000000ZZ', { action: 'accept', body: {} }));

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('answers 404 to a non-party, with the message of an unknown id, for every answer', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    const service = serviceOver(repository);
    const unknown = await rejectionOf(service.answer(NON_PARTY, '01JNH0000000000000000000ZZ', { action: 'accept', body: {} }));

    // Act
    const errors = await Promise.all([
      rejectionOf(service.answer(NON_PARTY, HANDOFF_ID, { action: 'accept', body: {} }, 7)),
      rejectionOf(service.answer(NON_PARTY, HANDOFF_ID, { action: 'decline', body: { reasonCode: 'other' } })),
      rejectionOf(service.answer(NON_PARTY, HANDOFF_ID, { action: 'withdraw', body: {} })),
    ]);

    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toBe((unknown as Error).message);
    }
    expect(repository.callsTo('answerHandoff')).toHaveLength(0);
  });

  it('answers 403 to the offering org accepting its own offer, even already answered and with a stale If-Match', async () => {
    // Prepare
    const { referral: r, handoff } = openOffer();
    const repository = new FakeHandoffRepository({
      referral: { ...r, openHandoffId: undefined },
      handoff: { ...handoff, status: 'declined', version: 2 },
    });
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.answer(OFFERER, HANDOFF_ID, { action: 'accept', body: {} }, 1));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
  });

  it.each([
    { name: 'the referral sender (a third party)', caller: SENDER, action: 'withdraw' as const },
    { name: 'the target withdrawing', caller: TARGET, action: 'withdraw' as const },
    { name: 'the offerer declining', caller: OFFERER, action: 'decline' as const },
    { name: 'a programme manager of the target org', caller: PROGRAMME_MANAGER, action: 'accept' as const },
  ])('answers 403 to $name', async ({ caller, action }) => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    const service = serviceOver(repository);
    const answer: HandoffAnswer =
      action === 'decline' ? { action, body: { reasonCode: 'other' } } : ({ action, body: {} } as HandoffAnswer);

    // Act
    const error = await rejectionOf(service.answer(caller, HANDOFF_ID, answer));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(repository.callsTo('answerHandoff')).toHaveLength(0);
  });

  it('answers 403 to a caller with no known role before reading anything', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.answer(NO_ROLE, HANDOFF_ID, { action: 'withdraw', body: {} }));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(repository.calls).toEqual([]);
  });

  it('answers 412 to the target with a stale If-Match, before the 409 of an answered handoff', async () => {
    // Prepare
    const { referral: r, handoff } = openOffer();
    const repository = new FakeHandoffRepository({
      referral: { ...r, openHandoffId: undefined },
      handoff: { ...handoff, status: 'withdrawn', version: 2 },
    });
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.answer(TARGET, HANDOFF_ID, { action: 'accept', body: {} }, 1));

    // Assess
    expect(error).toBeInstanceOf(PreconditionFailedError);
  });

  it('answers 409 to the target with a current If-Match on an answered handoff', async () => {
    // Prepare
    const { referral: r, handoff } = openOffer();
    const repository = new FakeHandoffRepository({
      referral: { ...r, openHandoffId: undefined },
      handoff: { ...handoff, status: 'withdrawn', version: 2 },
    });
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.answer(TARGET, HANDOFF_ID, { action: 'accept', body: {} }, 2));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect(repository.callsTo('answerHandoff')).toHaveLength(0);
  });

  it('compares If-Match with the handoff’s version, not the referral’s', async () => {
    // Prepare: referral at version 3, handoff at version 1
    const service = (repository: FakeHandoffRepository) => serviceOver(repository);
    const withReferralVersion = new FakeHandoffRepository(openOffer());
    const withHandoffVersion = new FakeHandoffRepository(openOffer());

    // Act
    const stale = await rejectionOf(service(withReferralVersion).answer(TARGET, HANDOFF_ID, { action: 'accept', body: {} }, 3));
    const accepted = await service(withHandoffVersion).answer(TARGET, HANDOFF_ID, { action: 'accept', body: {} }, 1);

    // Assess
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    expect(accepted).toMatchObject({ status: 'accepted', version: 2, allowedActions: [] });
  });

  it('accepts: the referral is released and re-owned, one handoff.accepted event', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    const service = serviceOver(repository);

    // Act
    const view = await service.answer(TARGET, HANDOFF_ID, { action: 'accept', body: { comment: 'We will take it' } });

    // Assess
    expect(view).toMatchObject({ status: 'accepted', version: 2, answeredBy: actorOf(TARGET) });
    const stored = repository.referrals.get(REFERRAL_ID)!;
    expect(stored).toMatchObject({ ownerOrg: 'meht', version: 4, seq: 4 });
    expect(stored.openHandoffId).toBeUndefined();
    expect(repository.events).toEqual([{ type: 'handoff.accepted', handoffId: HANDOFF_ID, seq: 4 }]);
  });
});

describe('HandoffService.answer: concurrency', () => {
  it('retries a commit that lost only to an unrelated change (both versions unchanged) and succeeds', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    repository.commitLosses.push((repo) => repo.addUnrelatedNote());
    const service = serviceOver(repository);

    // Act
    const view = await service.answer(TARGET, HANDOFF_ID, { action: 'decline', body: { reasonCode: 'no-capacity' } }, 1);

    // Assess
    expect(view).toMatchObject({ status: 'declined', reasonCode: 'no-capacity' });
    expect(repository.callsTo('answerHandoff')).toHaveLength(2);
    expect(repository.referrals.get(REFERRAL_ID)).toMatchObject({ ownerOrg: 'ecc', version: 4, seq: 5 });
  });

  it('the offerer who loses a withdraw to the target’s accept gets 409, not 403, though the referral is no longer theirs', async () => {
    // Prepare: the target accepts between the offerer's read and its commit
    const repository = new FakeHandoffRepository(openOffer());
    repository.commitLosses.push(targetAcceptsMeanwhile);
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.answer(OFFERER, HANDOFF_ID, { action: 'withdraw', body: {} }));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/accepted/);
    expect(repository.callsTo('answerHandoff')).toHaveLength(1);
    expect(repository.handoffs.get(HANDOFF_ID)?.status).toBe('accepted');
    expect(repository.referrals.get(REFERRAL_ID)?.ownerOrg).toBe('meht');
  });

  it('an offerer who sent If-Match and lost the race gets 412 on the re-check, as the README documents (the handoff moved on)', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    repository.commitLosses.push(targetAcceptsMeanwhile);
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.answer(OFFERER, HANDOFF_ID, { action: 'withdraw', body: {} }, 1));

    // Assess
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(repository.handoffs.get(HANDOFF_ID)?.status).toBe('accepted');
  });

  it('the target who loses an accept to the offerer’s withdraw gets 409', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    repository.commitLosses.push(offererWithdrawsMeanwhile);
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.answer(TARGET, HANDOFF_ID, { action: 'accept', body: {} }));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect(repository.handoffs.get(HANDOFF_ID)?.status).toBe('withdrawn');
    expect(repository.referrals.get(REFERRAL_ID)?.ownerOrg).toBe('ecc');
  });

  it('answers 409 when the referral’s version moved though the handoff is still offered', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    repository.commitLosses.push((repo) => {
      const r = repo.referrals.get(REFERRAL_ID)!;
      repo.referrals.set(REFERRAL_ID, { ...r, version: r.version + 1, seq: r.seq + 1 });
    });
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.answer(TARGET, HANDOFF_ID, { action: 'accept', body: {} }));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect(repository.handoffs.get(HANDOFF_ID)?.status).toBe('offered');
  });

  it('answers 409 after five lost attempts in a row', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    for (let i = 0; i < 5; i++) repository.commitLosses.push((repo) => repo.addUnrelatedNote());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.answer(TARGET, HANDOFF_ID, { action: 'accept', body: {} }));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect(repository.callsTo('answerHandoff')).toHaveLength(5);
    expect(repository.handoffs.get(HANDOFF_ID)?.status).toBe('offered');
  });
});

describe('HandoffService.get', () => {
  it('returns the handoff with the caller’s allowed answers and records the read as “handoff”', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    const service = serviceOver(repository);

    // Act
    const asTarget = await service.get(TARGET, HANDOFF_ID);
    const asOfferer = await service.get(OFFERER, HANDOFF_ID);
    const asSender = await service.get(SENDER, HANDOFF_ID);

    // Assess
    expect(asTarget.allowedActions).toEqual(['accept', 'decline']);
    expect(asOfferer.allowedActions).toEqual(['withdraw']);
    expect(asSender.allowedActions).toEqual([]);
    expect(repository.accessRecords).toEqual([
      { ids: [REFERRAL_ID], entry: { at: NOW.toISOString(), actor: actorOf(TARGET), what: 'handoff' } },
      { ids: [REFERRAL_ID], entry: { at: NOW.toISOString(), actor: actorOf(OFFERER), what: 'handoff' } },
      { ids: [REFERRAL_ID], entry: { at: NOW.toISOString(), actor: actorOf(SENDER), what: 'handoff' } },
    ]);
  });

  it('lets a programme manager read, with no answers, and records the read', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    const service = serviceOver(repository);

    // Act
    const view = await service.get(PROGRAMME_MANAGER, HANDOFF_ID);

    // Assess
    expect(view).toMatchObject({ id: HANDOFF_ID, allowedActions: [] });
    expect(repository.accessRecords.map((r) => r.entry.actor.role)).toEqual(['programme_manager']);
  });

  it('answers 404 to a non-party and records nothing', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.get(NON_PARTY, HANDOFF_ID));

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect(repository.accessRecords).toEqual([]);
  });

  it('answers 403 to a caller with no known role', async () => {
    // Prepare
    const repository = new FakeHandoffRepository(openOffer());
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.get(NO_ROLE, HANDOFF_ID));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
  });
});

describe('HandoffService.list', () => {
  const PAGE = { box: 'inbox' as const, limit: 25 };

  it('answers 403 to a practitioner asking for another org’s handoffs, without listing', async () => {
    // Prepare
    const repository = new FakeHandoffRepository();
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.list(TARGET, { ...PAGE, org: 'ecc' }));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(repository.callsTo('listHandoffs')).toHaveLength(0);
  });

  it('lists a practitioner’s own org (org= their own is allowed), every status unless one is asked for', async () => {
    // Prepare
    const repository = new FakeHandoffRepository();
    const service = serviceOver(repository);

    // Act
    await service.list(TARGET, { ...PAGE, org: 'meht' });
    await service.list(TARGET, { box: 'outbox', status: 'offered', limit: 2, after: 'SK#1' });

    // Assess
    expect(repository.callsTo('listHandoffs')).toEqual([
      [
        {
          scope: { kind: 'org', org: 'meht' },
          box: 'inbox',
          orgs: ['meht'],
          statuses: ['offered', 'accepted', 'declined', 'withdrawn'],
          limit: 25,
          after: undefined,
        },
      ],
      [{ scope: { kind: 'org', org: 'meht' }, box: 'outbox', orgs: ['meht'], statuses: ['offered'], limit: 2, after: 'SK#1' }],
    ]);
  });

  it('lists every org for a programme manager, or the one named', async () => {
    // Prepare
    const repository = new FakeHandoffRepository();
    const service = serviceOver(repository);

    // Act
    await service.list(PROGRAMME_MANAGER, PAGE);
    await service.list(PROGRAMME_MANAGER, { ...PAGE, org: 'provide' });

    // Assess
    const calls = repository.callsTo('listHandoffs').map(([params]) => params as ListHandoffsParams);
    expect(calls.map((params) => params.orgs)).toEqual([ORGS, ['provide']]);
    expect(calls.map((params) => params.scope)).toEqual([{ kind: 'programme' }, { kind: 'programme' }]);
  });

  it('answers 422 naming org to a programme manager asking for an unknown org', async () => {
    // Prepare
    const repository = new FakeHandoffRepository();
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.list(PROGRAMME_MANAGER, { ...PAGE, org: 'nowhere-trust' }));

    // Assess
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).errors.map((e) => e.path)).toEqual(['org']);
  });

  it('answers 403 to a caller with no known role', async () => {
    // Prepare
    const repository = new FakeHandoffRepository();
    const service = serviceOver(repository);

    // Act
    const error = await rejectionOf(service.list(NO_ROLE, PAGE));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(repository.calls).toEqual([]);
  });

  it('returns items with the caller’s allowed answers, passes the page on, and records each referral read once as “handoff-list”', async () => {
    // Prepare
    const { handoff } = openOffer();
    const second: Handoff = { ...handoff, id: '01JNH0000000000000000000H2', status: 'declined', version: 2 };
    const other: Handoff = { ...handoff, id: '01JNH0000000000000000000H3', referralId: '01JNR0000000000000000000BB' };
    const repository = new FakeHandoffRepository();
    repository.listResult = { items: [handoff, second, other], after: 'SK#next' };
    const service = serviceOver(repository);

    // Act
    const page = await service.list(TARGET, PAGE);

    // Assess
    expect(page.after).toBe('SK#next');
    expect(page.items.map((h) => [h.id, h.allowedActions])).toEqual([
      [HANDOFF_ID, ['accept', 'decline']],
      ['01JNH0000000000000000000H2', []],
      ['01JNH0000000000000000000H3', ['accept', 'decline']],
    ]);
    expect(repository.accessRecords).toEqual([
      { ids: [REFERRAL_ID, '01JNR0000000000000000000BB'], entry: { at: NOW.toISOString(), actor: actorOf(TARGET), what: 'handoff-list' } },
    ]);
  });
});

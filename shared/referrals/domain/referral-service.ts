/**
 * Referral use cases: each HTTP handler calls exactly one of these. They apply the pure
 * rules of `referral.ts` to what the repository port reads, in DESIGN §3's check order,
 * and record reads of personal data in the access log before returning them.
 */
import { ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError, UnprocessableEntityError } from '../../core/errors.ts';
import { assertHasKnownRole, hasRole, readScopeOf, type Caller } from '../../core/identity.ts';
import { withOptimisticRetry, type OptimisticRetryOptions } from '../../core/optimistic-retry.ts';
import type {
  AccessEntry,
  FormerPartySnapshot,
  ReadBounds,
  ReferralRepository,
  StoredEvent,
  StoredNote,
  WorkItem,
  WorkSource,
} from './ports.ts';
import type { Page } from '../../core/pagination.ts';
import { toHandoffView } from './handoff.ts';
import { pickFields } from '../../core/view.ts';
import { REFERRAL_STATUSES, type Box, type Priority, type ReferralStatus, type ServiceArea } from '../../core/reference-data.ts';
import { actorOf, allowedActions, assertCanRead, assertCurrentParty, assertMayTake, listableOrgs, readLimitOf } from './referral-policy.ts';
import { applyAction, createReferral } from './referral-transitions.ts';
import { toReferralView, type ActionInput, type NewReferral, type Referral, type ReferralAction } from './referral.ts';

/** What the service needs besides the repository. */
export interface ReferralServiceDependencies {
  readonly repository: ReferralRepository;
  readonly priorityTargetMinutes: Readonly<Record<Priority, number>>;
  readonly organisations: readonly string[];
  readonly newId: () => string;
  readonly clock?: () => Date;
  /** Pause before retrying a write that lost to an unrelated change (tests make it 0). */
  readonly retryDelayMs?: (attempt: number) => number;
}

/** The 409 when every attempt lost to changes made at the same moment. */
const BUSY = 'The referral is busy with other changes: try again.';

export type ReferralView = ReturnType<typeof toReferralView>;

/** An item of a worklist as the API shows it. */
export type WorkView =
  | { readonly kind: 'referral'; readonly referral: ReferralView }
  | { readonly kind: 'handoff'; readonly handoff: ReturnType<typeof toHandoffView> };

const ACTOR_FIELDS = ['sub', 'org', 'role'] as const;

/** An event as history shows it: the named fields only. */
export const toEventView = (event: StoredEvent) => {
  const view = pickFields(event, ['id', 'type', 'seq', 'at', 'actor', 'referralId', 'handoffId', 'data', 'comment'] as const);
  return { ...view, actor: pickFields(view.actor, ACTOR_FIELDS) };
};

/** A case note as the API shows it: the named fields only (its `seq` is internal). */
export const toNoteView = (note: StoredNote) => {
  const view = pickFields(note, ['id', 'referralId', 'text', 'author', 'createdAt'] as const);
  return { ...view, author: pickFields(view.author, ACTOR_FIELDS) };
};

/** An access-log entry as the API shows it. */
export const toAccessEntryView = (entry: AccessEntry) => {
  const view = pickFields(entry, ['at', 'actor', 'what'] as const);
  return { ...view, actor: pickFields(view.actor, ACTOR_FIELDS) };
};

/** How far a former party reads a referral's collections: up to the event at which it left. */
const boundsOf = (limit: { leftSeq: number; leftAt: string } | undefined): ReadBounds =>
  limit ? { maxSeq: limit.leftSeq, until: limit.leftAt } : {};

const unknownOrg = (path: string) =>
  new UnprocessableEntityError(`${path} is not a known organisation.`, [{ path, message: 'is not a known organisation' }]);

/** The referral use cases. */
export class ReferralService {
  private readonly deps: ReferralServiceDependencies;
  private readonly known: ReadonlySet<string>;

  constructor(deps: ReferralServiceDependencies) {
    this.deps = deps;
    this.known = new Set(deps.organisations);
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  private context() {
    return { now: this.now(), priorityTargetMinutes: this.deps.priorityTargetMinutes, isKnownOrg: (org: string) => this.known.has(org) };
  }

  private audit(caller: Caller, referralIds: readonly string[], what: string): Promise<void> {
    if (referralIds.length === 0) return Promise.resolve();
    return this.deps.repository.recordAccess(referralIds, { at: this.now().toISOString(), actor: actorOf(caller), what });
  }

  /** How a write that lost to a concurrent change is retried, and the 409 when every attempt lost. */
  private retrying(exhausted: string): OptimisticRetryOptions {
    return { retryDelayMs: this.deps.retryDelayMs, exhausted: () => new ConflictError(exhausted) };
  }

  /** `POST /referrals`: a new `submitted` referral from the caller's org. */
  async submit(caller: Caller, input: NewReferral): Promise<ReferralView> {
    assertHasKnownRole(caller);
    if (!this.known.has(input.toOrg)) throw unknownOrg('toOrg');
    const { referral, event } = createReferral(this.deps.newId(), input, caller, this.context());
    return withOptimisticRetry(
      {
        // Nothing to read: a lost create was not applied, so the very same write is safe to repeat.
        read: async () => referral,
        decide: (created) => created,
        write: async (created) => {
          await this.deps.repository.create(created, event, actorOf(caller));
          return toReferralView(created);
        },
      },
      this.retrying('The referral could not be saved while other changes were in progress: try again.'),
    );
  }

  /** `GET /referrals/{id}`: the referral, what the caller may do with it, and its handoffs. */
  async get(caller: Caller, id: string) {
    assertHasKnownRole(caller);
    const found = await this.deps.repository.getWithHandoffs(id);
    assertCanRead(found?.referral, caller);
    const former = readLimitOf(found!.referral, caller);
    // A former party sees the referral and its handoffs as they stood when it left, and may do nothing.
    const { referral, handoffs } = former ? await this.snapshotOf(id, caller.org) : found!;
    await this.audit(caller, [id], 'detail');
    return {
      ...toReferralView(referral),
      allowedActions: former ? [] : allowedActions(referral, caller),
      handoffs: handoffs.map(toHandoffView),
    };
  }

  /** What the caller's org saw when it left; a former party without one is not shown anything. */
  private async snapshotOf(id: string, org: string): Promise<FormerPartySnapshot> {
    const snapshot = await this.deps.repository.formerPartySnapshot(id, org);
    if (!snapshot) throw new NotFoundError('No referral with this id is visible to you.');
    return snapshot;
  }

  /** `POST /referrals/{id}/{action}`: one transition, retried only past unrelated changes. */
  async act(caller: Caller, id: string, input: ActionInput, ifMatch?: number): Promise<ReferralView> {
    assertHasKnownRole(caller);
    if (input.action === 'redirect' && !this.known.has(input.body.toOrg)) throw unknownOrg('toOrg');
    return withOptimisticRetry(
      {
        read: () => this.deps.repository.get(id),
        decide: (current, previous) => {
          assertCanRead(current, caller);
          assertMayTake(current!, caller, input.action);
          if (ifMatch !== undefined && ifMatch !== current!.version) {
            throw new PreconditionFailedError(`If-Match is ${ifMatch} but the referral is at version ${current!.version}: re-read it.`);
          }
          if (previous !== undefined && current!.version !== previous.version) {
            throw new ConflictError('The referral was changed by someone else at the same moment: re-read it and decide again.');
          }
          return applyAction(current!, input, caller, this.context());
        },
        write: async ({ referral, event }, current) => {
          await this.deps.repository.commitChange(current!, referral, event, actorOf(caller));
          return toReferralView({ ...referral, seq: current!.seq + 1 });
        },
      },
      this.retrying(BUSY),
    );
  }

  /** `GET /referrals`: a box of the caller's org (programme managers: any or all orgs). */
  async list(
    caller: Caller,
    query: {
      box: Box;
      status?: ReferralStatus | undefined;
      serviceArea?: ServiceArea | undefined;
      team?: string | undefined;
      sort: 'newest' | 'due';
      org?: string | undefined;
      limit: number;
      after?: string | undefined;
    },
  ): Promise<Page<ReferralView>> {
    assertHasKnownRole(caller);
    const orgs = listableOrgs(caller, query.org, this.known, 'referrals');
    const page = await this.deps.repository.list({
      scope: readScopeOf(caller),
      box: query.box,
      orgs,
      statuses: query.status ? [query.status] : REFERRAL_STATUSES,
      serviceArea: query.serviceArea,
      team: query.team,
      sort: query.sort,
      limit: query.limit,
      after: query.after,
    });
    await this.audit(
      caller,
      page.items.map((r) => r.id),
      'list',
    );
    return { items: page.items.map(toReferralView), after: page.after };
  }

  /**
   * An organisation's work across several boxes (the FHIR face's `Task?owner=` worklist):
   * referrals and handoffs, newest first, optionally only those updated within a range.
   * The same rules as the lists: a practitioner reads their own org's boxes only, a
   * programme manager any org's; what is returned is recorded in the access log.
   */
  async worklist(
    caller: Caller,
    query: {
      org: string;
      sources: readonly WorkSource[];
      updatedFrom?: string | undefined;
      updatedBefore?: string | undefined;
      limit: number;
      after?: string | undefined;
    },
  ): Promise<Page<WorkView>> {
    assertHasKnownRole(caller);
    const [org] = listableOrgs(caller, query.org, this.known, 'work');
    const page: Page<WorkItem> =
      query.sources.length === 0 ? { items: [] } : await this.deps.repository.listWork({ ...query, scope: readScopeOf(caller), org: org! });
    const referralIdsOf = (kind: WorkItem['kind']) => [
      ...new Set(
        page.items
          .filter((item) => item.kind === kind)
          .map((item) => (item.kind === 'referral' ? item.referral.id : item.handoff.referralId)),
      ),
    ];
    await Promise.all([
      this.audit(caller, referralIdsOf('referral'), 'list'),
      this.audit(caller, referralIdsOf('handoff'), 'handoff-list'),
    ]);
    return {
      items: page.items.map(
        (item): WorkView =>
          item.kind === 'referral'
            ? { kind: 'referral', referral: toReferralView(item.referral) }
            : { kind: 'handoff', handoff: toHandoffView(item.handoff) },
      ),
      after: page.after,
    };
  }

  /** `POST /referrals/search`: a person's referrals the caller may see. */
  async search(
    caller: Caller,
    identifier: { nhsNumber: string } | { localId: string; issuer?: string | undefined },
    page: { limit: number; after?: string | undefined },
  ): Promise<Page<ReferralView>> {
    assertHasKnownRole(caller);
    const programmeManager = hasRole(caller, 'programme_manager');
    const found = await this.deps.repository.findByPerson(
      this.scopedIdentifier(caller, identifier, programmeManager),
      readScopeOf(caller),
      page,
    );
    // A former party finds the referral as it stood when its org left, not as it is now.
    const items = await Promise.all(
      found.items.map(async (referral) =>
        readLimitOf(referral, caller) ? (await this.snapshotOf(referral.id, caller.org)).referral : referral,
      ),
    );
    await this.audit(
      caller,
      items.map((r) => r.id),
      'search',
    );
    return { items: items.map(toReferralView), after: found.after };
  }

  /**
   * A local id is only meaningful with the organisation that issued it (the referral's
   * sender). A practitioner's defaults to their own organisation; a programme manager
   * belongs to none of them, so must name it (422 otherwise, rather than mixing different
   * people who share a number).
   */
  private scopedIdentifier(
    caller: Caller,
    identifier: { nhsNumber: string } | { localId: string; issuer?: string | undefined },
    programmeManager: boolean,
  ): { nhsNumber: string } | { localId: string; issuer: string } {
    if ('nhsNumber' in identifier) return { nhsNumber: identifier.nhsNumber };
    const issuer = identifier.issuer ?? (programmeManager ? undefined : caller.org);
    if (!issuer) {
      throw new UnprocessableEntityError('Programme managers searching by localId must name the issuing organisation (issuer).', [
        { path: 'issuer', message: 'is required with localId for programme managers' },
      ]);
    }
    if (!this.known.has(issuer)) throw unknownOrg('issuer');
    return { localId: identifier.localId, issuer };
  }

  private async readable(caller: Caller, id: string): Promise<Referral> {
    assertHasKnownRole(caller);
    const referral = await this.deps.repository.get(id);
    assertCanRead(referral, caller);
    return referral!;
  }

  /** `GET /referrals/{id}/history`: events in `seq` order (a former party's: up to where it left). */
  async history(caller: Caller, id: string, page: { limit: number; after?: string | undefined }) {
    const referral = await this.readable(caller, id);
    const events = await this.deps.repository.history(id, { ...page, ...boundsOf(readLimitOf(referral, caller)) });
    await this.audit(caller, [id], 'history');
    return { items: events.items.map(toEventView), after: events.after };
  }

  /** `GET /referrals/{id}/notes`: newest first (a former party's: those written before it left). */
  async notes(caller: Caller, id: string, page: { limit: number; after?: string | undefined }) {
    const referral = await this.readable(caller, id);
    const notes = await this.deps.repository.notes(id, { ...page, ...boundsOf(readLimitOf(referral, caller)) });
    await this.audit(caller, [id], 'notes');
    return { items: notes.items.map(toNoteView), after: notes.after };
  }

  /** `POST /referrals/{id}/notes`: parties' practitioners only; never changes `version`. */
  async addNote(caller: Caller, id: string, text: string): Promise<ReturnType<typeof toNoteView>> {
    return withOptimisticRetry(
      {
        read: () => this.readable(caller, id),
        decide: (referral) => {
          if (!hasRole(caller, 'practitioner')) throw new ForbiddenError('Programme managers read notes; practitioners write them.');
          // A former party (or a programme manager who is also a practitioner elsewhere) writes nothing here.
          assertCurrentParty(referral, caller);
          return referral;
        },
        write: async (referral) => toNoteView(await this.deps.repository.addNote(referral, text, actorOf(caller))),
      },
      this.retrying(BUSY),
    );
  }

  /** `GET /referrals/{id}/access-log`: who read this record, when, what. */
  async accessLog(caller: Caller, id: string, page: { limit: number; after?: string | undefined }) {
    const referral = await this.readable(caller, id);
    const entries = await this.deps.repository.accessLog(id, { ...page, ...boundsOf(readLimitOf(referral, caller)) });
    return { items: entries.items.map(toAccessEntryView), after: entries.after };
  }
}

export type { ReferralAction };

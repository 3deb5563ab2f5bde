/**
 * Referral use cases: each HTTP handler calls exactly one of these. They apply the pure
 * rules of `referral.ts` to what the repository port reads, in DESIGN §3's check order,
 * and record reads of personal data in the access log before returning them.
 */
import { ConflictError, ForbiddenError, PreconditionFailedError, UnprocessableEntityError } from './errors.ts';
import { hasRole, readScopeOf, type Caller } from './identity.ts';
import { ConcurrentChangeError, type Page, type ReferralRepository, type StoredEvent, type StoredNote, type AccessEntry } from './ports.ts';
import { REFERRAL_STATUSES, type Priority, type ReferralStatus, type ServiceArea } from './reference-data.ts';
import {
  actorOf,
  allowedActions,
  applyAction,
  assertCanRead,
  assertHasKnownRole,
  assertMayTake,
  createReferral,
  listableOrgs,
  retryPause,
  toReferralView,
  type ActionInput,
  type NewReferral,
  type Referral,
  type ReferralAction,
} from './referral.ts';
import type { Box } from '../data/keys.ts';

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

/** How often a write that lost only to an unrelated change (a note) is retried. */
const MAX_ATTEMPTS = 5;

export type ReferralView = ReturnType<typeof toReferralView>;

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

  private pause(attempt: number): Promise<void> {
    return retryPause(attempt, this.deps.retryDelayMs);
  }

  /** `POST /referrals`: a new `submitted` referral from the caller's org. */
  async submit(caller: Caller, input: NewReferral): Promise<ReferralView> {
    assertHasKnownRole(caller);
    if (!this.known.has(input.toOrg)) throw unknownOrg('toOrg');
    const { referral, event } = createReferral(this.deps.newId(), input, caller, this.context());
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        await this.deps.repository.create(referral, event, actorOf(caller));
        return toReferralView(referral);
      } catch (error) {
        // Lost to a concurrent transaction: not applied, so the very same write is safe to repeat.
        if (!(error instanceof ConcurrentChangeError)) throw error;
        await this.pause(attempt);
      }
    }
    throw new ConflictError('The referral could not be saved while other changes were in progress: try again.');
  }

  /** `GET /referrals/{id}`: the referral, what the caller may do with it, and its handoffs. */
  async get(caller: Caller, id: string) {
    assertHasKnownRole(caller);
    const found = await this.deps.repository.getWithHandoffs(id);
    assertCanRead(found?.referral, caller);
    const { referral, handoffs } = found!;
    await this.audit(caller, [id], 'detail');
    return { ...toReferralView(referral), allowedActions: allowedActions(referral, caller), handoffs };
  }

  /** `POST /referrals/{id}/{action}`: one transition, retried only past unrelated changes. */
  async act(caller: Caller, id: string, input: ActionInput, ifMatch?: number): Promise<ReferralView> {
    assertHasKnownRole(caller);
    if (input.action === 'redirect' && !this.known.has(input.body.toOrg)) throw unknownOrg('toOrg');
    let seenVersion: number | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.deps.repository.get(id);
      assertCanRead(current, caller);
      assertMayTake(current!, caller, input.action);
      if (ifMatch !== undefined && ifMatch !== current!.version) {
        throw new PreconditionFailedError(`If-Match is ${ifMatch} but the referral is at version ${current!.version}: re-read it.`);
      }
      if (seenVersion !== undefined && current!.version !== seenVersion) {
        throw new ConflictError('The referral was changed by someone else at the same moment: re-read it and decide again.');
      }
      const { referral, event } = applyAction(current!, input, caller, this.context());
      try {
        await this.deps.repository.commitChange(current!, referral, event, actorOf(caller));
        return toReferralView({ ...referral, seq: current!.seq + 1 });
      } catch (error) {
        if (!(error instanceof ConcurrentChangeError)) throw error;
        seenVersion = current!.version;
        await this.pause(attempt);
      }
    }
    throw new ConflictError('The referral is busy with other changes: try again.');
  }

  /** `GET /referrals`: a box of the caller's org (programme managers: any or all orgs). */
  async list(
    caller: Caller,
    query: { box: Box; status?: ReferralStatus | undefined; serviceArea?: ServiceArea | undefined; team?: string | undefined; sort: 'newest' | 'due'; org?: string | undefined; limit: number; after?: string | undefined },
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
    await this.audit(caller, page.items.map((r) => r.id), 'list');
    return { items: page.items.map(toReferralView), after: page.after };
  }

  /** `POST /referrals/search`: a person's referrals the caller may see. */
  async search(
    caller: Caller,
    identifier: { nhsNumber: string } | { localId: string },
    page: { limit: number; after?: string | undefined },
  ): Promise<Page<ReferralView>> {
    assertHasKnownRole(caller);
    const found = await this.deps.repository.findByPerson(identifier, readScopeOf(caller), page);
    await this.audit(caller, found.items.map((r) => r.id), 'search');
    return { items: found.items.map(toReferralView), after: found.after };
  }

  private async readable(caller: Caller, id: string): Promise<Referral> {
    assertHasKnownRole(caller);
    const referral = await this.deps.repository.get(id);
    assertCanRead(referral, caller);
    return referral!;
  }

  /** `GET /referrals/{id}/history`: events in `seq` order. */
  async history(caller: Caller, id: string, page: { limit: number; after?: string | undefined }): Promise<Page<StoredEvent>> {
    await this.readable(caller, id);
    const events = await this.deps.repository.history(id, page);
    await this.audit(caller, [id], 'history');
    return events;
  }

  /** `GET /referrals/{id}/notes`: newest first. */
  async notes(caller: Caller, id: string, page: { limit: number; after?: string | undefined }): Promise<Page<StoredNote>> {
    await this.readable(caller, id);
    const notes = await this.deps.repository.notes(id, page);
    await this.audit(caller, [id], 'notes');
    return notes;
  }

  /** `POST /referrals/{id}/notes`: parties' practitioners only; never changes `version`. */
  async addNote(caller: Caller, id: string, text: string): Promise<StoredNote> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const referral = await this.readable(caller, id);
      if (!hasRole(caller, 'practitioner')) throw new ForbiddenError('Programme managers read notes; practitioners write them.');
      try {
        return await this.deps.repository.addNote(referral, text, actorOf(caller));
      } catch (error) {
        if (!(error instanceof ConcurrentChangeError)) throw error;
        await this.pause(attempt);
      }
    }
    throw new ConflictError('The referral is busy with other changes: try again.');
  }

  /** `GET /referrals/{id}/access-log`: who read this record, when, what. */
  async accessLog(caller: Caller, id: string, page: { limit: number; after?: string | undefined }): Promise<Page<AccessEntry>> {
    await this.readable(caller, id);
    return this.deps.repository.accessLog(id, page);
  }
}

export type { ReferralAction };

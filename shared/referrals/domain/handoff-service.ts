/**
 * Handoff use cases: each handoff handler calls exactly one of these. The referral is the
 * consistency boundary: offers and answers are single transactions on its partition.
 */
import { ConflictError, NotFoundError, PreconditionFailedError, UnprocessableEntityError } from '../../core/errors.ts';
import {
  allowedHandoffActions,
  answerHandoff,
  assertMayAnswer,
  assertMayOffer,
  offerHandoff,
  toHandoffView,
  type Handoff,
  type HandoffAnswer,
  type NewHandoff,
} from './handoff.ts';
import { assertHasKnownRole, readScopeOf, type Caller } from '../../core/identity.ts';
import { withOptimisticRetry, type OptimisticRetryOptions } from '../../core/optimistic-retry.ts';
import type { HandoffRepository, ReferralRepository } from './ports.ts';
import type { Page } from '../../core/pagination.ts';
import { HANDOFF_STATUSES, type HandoffStatus, type Priority } from '../../core/reference-data.ts';
import { actorOf, assertCanRead, assertCurrentParty, canRead, listableOrgs, readLimitOf } from './referral-policy.ts';
import type { Referral } from './referral.ts';

/** What the service needs. */
export interface HandoffServiceDependencies {
  readonly repository: HandoffRepository & Pick<ReferralRepository, 'get'>;
  readonly priorityTargetMinutes: Readonly<Record<Priority, number>>;
  readonly organisations: readonly string[];
  readonly newId: () => string;
  readonly clock?: () => Date;
  readonly retryDelayMs?: (attempt: number) => number;
}

/** The 409 of a retry that finds the state moved in a way the caller must see before deciding again. */
const CHANGED_MEANWHILE = 'The referral was changed by someone else at the same moment: re-read it and decide again.';

const notVisible = () => new NotFoundError('No handoff with this id is visible to you.');

/** A handoff as returned to a caller: with what they may do with it now. */
export type HandoffView = Handoff & { readonly allowedActions: string[] };

/** The handoff use cases. */
export class HandoffService {
  private readonly deps: HandoffServiceDependencies;
  private readonly known: ReadonlySet<string>;

  constructor(deps: HandoffServiceDependencies) {
    this.deps = deps;
    this.known = new Set(deps.organisations);
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /** How a write that lost to a concurrent change is retried, and the 409 when every attempt lost. */
  private retrying(): OptimisticRetryOptions {
    return {
      retryDelayMs: this.deps.retryDelayMs,
      exhausted: () => new ConflictError('The referral is busy with other changes: try again.'),
    };
  }

  private view(handoff: Handoff, caller: Caller): HandoffView {
    return { ...toHandoffView(handoff), allowedActions: allowedHandoffActions(handoff, caller) };
  }

  /** `POST /referrals/{id}/handoffs`: offer responsibility to another org. */
  async offer(caller: Caller, referralId: string, input: NewHandoff, ifMatch?: number): Promise<HandoffView> {
    assertHasKnownRole(caller);
    if (!this.known.has(input.toOrg)) {
      throw new UnprocessableEntityError('toOrg is not a known organisation.', [{ path: 'toOrg', message: 'is not a known organisation' }]);
    }
    return withOptimisticRetry(
      {
        read: () => this.deps.repository.get(referralId),
        decide: (referral, previous) => {
          assertCanRead(referral, caller);
          assertMayOffer(referral!, caller);
          if (ifMatch !== undefined && ifMatch !== referral!.version) {
            throw new PreconditionFailedError(`If-Match is ${ifMatch} but the referral is at version ${referral!.version}: re-read it.`);
          }
          if (previous !== undefined && referral!.version !== previous.version) throw new ConflictError(CHANGED_MEANWHILE);
          const context = {
            now: this.now(),
            priorityTargetMinutes: this.deps.priorityTargetMinutes,
            isKnownOrg: (org: string) => this.known.has(org),
          };
          return offerHandoff(referral!, this.deps.newId(), input, caller, actorOf(caller), context);
        },
        write: async (offer, referral) => {
          await this.deps.repository.offerHandoff(referral!, offer.referral, offer.handoff, offer.event, actorOf(caller));
          return this.view(offer.handoff, caller);
        },
      },
      this.retrying(),
    );
  }

  /**
   * The handoff as this caller may see it: as it is (programme managers, current parties),
   * as it stood when the caller's org left (a former party, for handoffs it saw), or 404.
   */
  private async visible(caller: Caller, found: { referral: Referral; handoff: Handoff } | undefined): Promise<Handoff> {
    if (!found || !canRead(found.referral, caller)) throw notVisible();
    if (!readLimitOf(found.referral, caller)) return found.handoff;
    const snapshot = await this.deps.repository.formerPartySnapshot(found.referral.id, caller.org);
    const seen = snapshot?.handoffs.find((h) => h.id === found.handoff.id);
    if (!seen) throw notVisible();
    return seen;
  }

  /** `GET /handoffs/{id}`: visible to the referral's parties and programme managers; the read is audited. */
  async get(caller: Caller, id: string): Promise<HandoffView> {
    assertHasKnownRole(caller);
    const found = await this.deps.repository.getHandoff(id);
    const handoff = await this.visible(caller, found);
    await this.deps.repository.recordAccess([found!.referral.id], {
      at: this.now().toISOString(),
      actor: actorOf(caller),
      what: 'handoff',
    });
    return this.view(handoff, caller);
  }

  /** `POST /handoffs/{id}/accept|decline|withdraw`. */
  async answer(caller: Caller, id: string, answer: HandoffAnswer, ifMatch?: number): Promise<HandoffView> {
    assertHasKnownRole(caller);
    return withOptimisticRetry(
      {
        read: async () => {
          const found = await this.deps.repository.getHandoff(id);
          await this.visible(caller, found);
          return found!;
        },
        decide: (current, previous) => {
          assertMayAnswer(current.handoff, caller, answer.action);
          // A former party (a target that declined, or whose offer was withdrawn) acts no more: 403
          // before 409. Not on a retry: whoever lost a race to the answer that made it leave gets 409.
          if (!previous) assertCurrentParty(current.referral, caller);
          if (ifMatch !== undefined && ifMatch !== current.handoff.version) {
            throw new PreconditionFailedError(
              `If-Match is ${ifMatch} but the handoff is at version ${current.handoff.version}: re-read it.`,
            );
          }
          if (
            previous &&
            (previous.referral.version !== current.referral.version || previous.handoff.version !== current.handoff.version)
          ) {
            // Someone else answered, or the referral itself changed: the caller decides again.
            if (current.handoff.status !== 'offered') throw new ConflictError(`This handoff is already ${current.handoff.status}.`);
            throw new ConflictError(CHANGED_MEANWHILE);
          }
          return answerHandoff(current.referral, current.handoff, answer, caller, actorOf(caller), { now: this.now() });
        },
        write: async (next, current) => {
          await this.deps.repository.answerHandoff(current, next, next.event, actorOf(caller));
          return this.view(next.handoff, caller);
        },
      },
      this.retrying(),
    );
  }

  /** `GET /handoffs?box=inbox|outbox&status=`: an org's offers received or made. */
  async list(
    caller: Caller,
    query: {
      box: 'inbox' | 'outbox';
      status?: HandoffStatus | undefined;
      org?: string | undefined;
      limit: number;
      after?: string | undefined;
    },
  ): Promise<Page<HandoffView>> {
    assertHasKnownRole(caller);
    const orgs = listableOrgs(caller, query.org, this.known, 'handoffs');
    const page = await this.deps.repository.listHandoffs({
      scope: readScopeOf(caller),
      box: query.box,
      orgs,
      statuses: query.status ? [query.status] : HANDOFF_STATUSES,
      limit: query.limit,
      after: query.after,
    });
    const referralIds = [...new Set(page.items.map((h) => h.referralId))];
    await this.deps.repository.recordAccess(referralIds, { at: this.now().toISOString(), actor: actorOf(caller), what: 'handoff-list' });
    return { items: page.items.map((h) => this.view(h, caller)), after: page.after };
  }
}

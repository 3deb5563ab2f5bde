/**
 * A person's rights over what Jointly holds about them (docs/records-retention.md): the
 * subject access export (every referral, handoff, event, note and access-log entry for one
 * NHS number, across organisations) and erasure or rectification, where an information
 * governance lead has decided the law allows it. Both are for a programme manager who also
 * holds the `information_governance` role; both are themselves recorded: the export in each
 * referral's access log, the erasure as each referral's `referral.disposed` event (with its
 * reason code and the IG case reference), which the audit archive keeps.
 *
 * Pure: the repository and the disposal are ports.
 */
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableEntityError } from '../../core/errors.ts';
import { withOptimisticRetry } from '../../core/optimistic-retry.ts';
import { type Caller, hasRole } from '../../core/identity.ts';
import type { Page } from '../../core/pagination.ts';
import type { DisposalCause } from './disposal.ts';
import { type Actor, type Referral, toReferralView } from './referral.ts';
import { toHandoffView } from './handoff.ts';
import { actorOf } from './referral-policy.ts';
import { toAccessEntryView, toEventView, toNoteView } from './referral-service.ts';
import type { ReferralRepository } from './ports.ts';
import { mapWithConcurrency } from '../../core/concurrency.ts';

/** Everything held about one referral of the person, as the API shows each record. */
export interface SubjectReferralRecord {
  readonly referral: ReturnType<typeof toReferralView>;
  readonly handoffs: readonly ReturnType<typeof toHandoffView>[];
  readonly events: readonly ReturnType<typeof toEventView>[];
  readonly notes: readonly ReturnType<typeof toNoteView>[];
  readonly accessLog: readonly ReturnType<typeof toAccessEntryView>[];
}

/** The subject access export of one NHS number. */
export interface SubjectExport {
  readonly nhsNumber: string;
  readonly generatedAt: string;
  readonly referrals: readonly SubjectReferralRecord[];
}

/** An erasure as the IG lead asked for it. */
export interface ErasureRequest {
  readonly nhsNumber: string;
  readonly reasonCode: Extract<DisposalCause, { kind: 'erasure' }>['reasonCode'];
  /** The IG case reference (no personal data: letters, digits and `-_./`). */
  readonly requestReference: string;
  /** Only these of the person's referrals (rectification of misfiled ones); all of them when absent. */
  readonly referralIds?: readonly string[] | undefined;
}

/** What an erasure did. */
export interface ErasureResult {
  readonly erased: readonly { readonly referralId: string; readonly itemsDeleted: number }[];
}

/** Deletes a referral with everything it owns now (shared/referrals/data/referral-disposal.ts). */
export interface ReferralEraser {
  erase(referral: Referral, cause: Extract<DisposalCause, { kind: 'erasure' }>, actor: Actor): Promise<{ itemsDeleted: number }>;
}

/** What the service needs. */
export interface SubjectRightsDeps {
  readonly repository: Pick<ReferralRepository, 'findByPerson' | 'getWithHandoffs' | 'history' | 'notes' | 'accessLog' | 'recordAccess'>;
  readonly eraser: ReferralEraser;
  readonly now: () => Date;
  /** Pause before retrying an erasure that lost to a concurrent change (tests make it 0). */
  readonly retryDelayMs?: (attempt: number) => number;
}

/** Referrals whose records an export reads at once (each is a GetItem-sized Query and three paged Queries). */
const EXPORT_READ_CONCURRENCY = 4;

/** Rows a repository page is asked for: its largest. */
const PAGE = 100;

/** Every item of a paged read. */
const allPages = async <T>(read: (after: string | undefined) => Promise<Page<T>>): Promise<T[]> => {
  const items: T[] = [];
  let after: string | undefined;
  do {
    const page = await read(after);
    items.push(...page.items);
    after = page.after;
  } while (after);
  return items;
};

/** Whether `referral` is about the person with this NHS number, as the referral itself says. */
const isTheirs = (referral: Referral, nhsNumber: string): boolean => referral.subject.nhsNumber === nhsNumber;

/** The person's rights: export and erasure. */
export class SubjectRightsService {
  private readonly deps: SubjectRightsDeps;

  constructor(deps: SubjectRightsDeps) {
    this.deps = deps;
  }

  /** Only a programme manager who is also an information governance lead acts on a person's rights. */
  private authorise(caller: Caller): void {
    if (!hasRole(caller, 'programme_manager') || !hasRole(caller, 'information_governance')) {
      throw new ForbiddenError('Acting on a person’s rights needs both the programme_manager and the information_governance role.');
    }
  }

  /** The person's referrals, every organisation's; the index is a keyed hash, so each is checked against the number. */
  private async referralsOf(nhsNumber: string): Promise<Referral[]> {
    const found = await allPages((after) =>
      this.deps.repository.findByPerson({ nhsNumber }, { kind: 'programme' }, { limit: PAGE, ...(after ? { after } : {}) }),
    );
    return found.filter((referral) => isTheirs(referral, nhsNumber));
  }

  /**
   * Everything held about the person, oldest referral first. The export is recorded in each
   * referral's access log (`subject-export`) before it is returned, and is not in it itself.
   */
  async export(caller: Caller, nhsNumber: string): Promise<SubjectExport> {
    this.authorise(caller);
    const { repository } = this.deps;
    const generatedAt = this.deps.now().toISOString();
    const referrals = (await this.referralsOf(nhsNumber)).reverse();
    // A few referrals at once: each is four reads, and a person with many must fit the function's time.
    const held = await mapWithConcurrency(referrals, EXPORT_READ_CONCURRENCY, async (found): Promise<SubjectReferralRecord | undefined> => {
      const withHandoffs = await repository.getWithHandoffs(found.id);
      // Disposed of or erased between the search and this read: nothing is held any more. Or
      // rectified to another NHS number since the index (eventually consistent) saw it: not the person's.
      if (!withHandoffs || !isTheirs(withHandoffs.referral, nhsNumber)) return undefined;
      const bounds = { until: generatedAt };
      const [events, notes, accessLog] = await Promise.all([
        allPages((after) => repository.history(found.id, { limit: PAGE, after, ...bounds })),
        allPages((after) => repository.notes(found.id, { limit: PAGE, after, ...bounds })),
        allPages((after) => repository.accessLog(found.id, { limit: PAGE, after, ...bounds })),
      ]);
      return {
        referral: toReferralView(withHandoffs.referral),
        handoffs: withHandoffs.handoffs.map(toHandoffView),
        events: events.map(toEventView),
        notes: notes.map(toNoteView),
        accessLog: accessLog.map(toAccessEntryView),
      };
    });
    const records = held.filter((record): record is SubjectReferralRecord => record !== undefined);
    if (records.length > 0) {
      await repository.recordAccess(
        records.map((r) => r.referral.id),
        { at: generatedAt, actor: actorOf(caller), what: 'subject-export' },
      );
    }
    return { nhsNumber, generatedAt, referrals: records };
  }

  /**
   * Erases the person's referrals (or the named ones of them) with everything they own.
   * 404 when the person has none (or none of those named); 422 naming a referral id that is
   * not this person's, before anything is erased.
   */
  async erase(caller: Caller, request: ErasureRequest): Promise<ErasureResult> {
    this.authorise(caller);
    const referrals = await this.referralsOf(request.nhsNumber);
    let chosen = referrals;
    if (request.referralIds) {
      const ids = new Set(referrals.map((r) => r.id));
      const stranger = request.referralIds.find((id) => !ids.has(id));
      if (stranger) {
        throw new UnprocessableEntityError(`Referral ${stranger} is not one of this person’s referrals.`, [
          { path: 'referralIds', message: `${stranger} is not one of this person’s referrals` },
        ]);
      }
      chosen = referrals.filter((r) => request.referralIds!.includes(r.id));
    }
    if (chosen.length === 0) throw new NotFoundError('Jointly holds no referral for this person.');
    const cause = { kind: 'erasure', reasonCode: request.reasonCode, requestReference: request.requestReference } as const;
    const actor = actorOf(caller);
    const erased: { referralId: string; itemsDeleted: number }[] = [];
    for (const listed of chosen) {
      // The person index is read eventually consistent: each referral is read afresh, and an
      // erasure that lost to a concurrent change (a note, an acceptance) reads and tries again.
      const result = await withOptimisticRetry(
        {
          read: () => this.deps.repository.getWithHandoffs(listed.id),
          // Gone meanwhile, or rectified to another NHS number since the index saw it: not to erase.
          decide: (current) => (current && isTheirs(current.referral, request.nhsNumber) ? current.referral : undefined),
          write: (referral) => (referral ? this.deps.eraser.erase(referral, cause, actor) : Promise.resolve(undefined)),
        },
        {
          ...(this.deps.retryDelayMs ? { retryDelayMs: this.deps.retryDelayMs } : {}),
          exhausted: () =>
            new ConflictError(
              `Referral ${listed.id} kept changing while it was being erased; ${erased.length} referral(s) were erased before it. Try again.`,
            ),
        },
      );
      // Disposed of, erased or rectified away meanwhile: nothing of the person's is left to erase.
      if (result) erased.push({ referralId: listed.id, itemsDeleted: result.itemsDeleted });
    }
    return { erased };
  }
}

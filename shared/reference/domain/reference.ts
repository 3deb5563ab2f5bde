import type { Caller } from '../../core/identity.ts';
import { ORGANISATIONS } from '../../core/organisations.ts';
import {
  CANCEL_REASON_CODES,
  DECLINE_REASON_CODES,
  HANDOFF_STATUSES,
  OUTCOME_CODES,
  PRIORITIES,
  REFERRAL_STATUSES,
  SERVICE_AREAS,
  labelFor,
  type Priority,
} from '../../core/reference-data.ts';
import { assertHasKnownRole } from '../../core/identity.ts';
import type { Reference } from './reference-schemas.ts';

const codes = (list: readonly string[]) => list.map((code) => ({ code, label: labelFor(code) }));

/** The reference document for the configured priority targets. */
export const buildReference = (priorityTargetMinutes: Readonly<Record<Priority, number>>): Reference => ({
  organisations: ORGANISATIONS.map(({ id, name, kind }) => ({ id, name, kind })),
  serviceAreas: codes(SERVICE_AREAS),
  priorities: PRIORITIES.map((code) => ({ code, label: labelFor(code), targetMinutes: priorityTargetMinutes[code] })),
  referralStatuses: [...REFERRAL_STATUSES],
  handoffStatuses: [...HANDOFF_STATUSES],
  declineReasonCodes: codes(DECLINE_REASON_CODES),
  cancelReasonCodes: codes(CANCEL_REASON_CODES),
  outcomeCodes: codes(OUTCOME_CODES),
});

/** The reference use case: one document per cold start (it changes only with a deploy). */
export class ReferenceService {
  private readonly reference: Reference;

  constructor(deps: { readonly priorityTargetMinutes: Readonly<Record<Priority, number>> }) {
    this.reference = buildReference(deps.priorityTargetMinutes);
  }

  /** The document, for any Jointly role; a caller with none gets 403, as on every route. */
  read(caller: Caller): Reference {
    assertHasKnownRole(caller);
    return this.reference;
  }
}

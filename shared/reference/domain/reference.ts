
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


/**
 * `Task?owner=&status=&_lastUpdated=&_count=`: the worklist of polling systems that take no
 * webhooks. Which list partitions answer it comes from the published state mapping (each
 * Task status of each kind is one box of the owner at one of our statuses), so the search
 * and the mapping cannot disagree about who owns what.
 */
import { BadRequestError } from '../../core/errors.ts';
import type { HandoffStatus, ReferralStatus } from '../../core/reference-data.ts';
import type { WorkSource } from '../../referrals/domain/ports.ts';
import { HANDOFF_STATE_MAPPING, OWNER_BOX, REFERRAL_STATE_MAPPING, type TaskStatus } from './state-mapping.ts';

/** FHIR's Task statuses (required binding `task-status`), the values `status=` takes. */
export const TASK_STATUSES = [
  'draft',
  'requested',
  'received',
  'accepted',
  'rejected',
  'ready',
  'cancelled',
  'in-progress',
  'on-hold',
  'failed',
  'completed',
  'entered-in-error',
] as const satisfies readonly TaskStatus[];

/**
 * The list partitions holding the owner's Tasks in `statuses` (all of them when none is
 * asked for): referral fulfilment Tasks from the box the owner rule names, handoff Tasks
 * from the owner's handoff inbox (a handoff's Task belongs to its target throughout).
 */
export const workSourcesFor = (statuses: readonly TaskStatus[] | undefined): WorkSource[] => {
  const wanted = (status: TaskStatus) => statuses === undefined || statuses.includes(status);
  const referrals = (Object.entries(REFERRAL_STATE_MAPPING) as [ReferralStatus, (typeof REFERRAL_STATE_MAPPING)[ReferralStatus]][])
    .filter(([, row]) => wanted(row.taskStatus))
    .map(([status, row]): WorkSource => ({ kind: 'referral', box: OWNER_BOX[row.owner], status }));
  const handoffs = (Object.entries(HANDOFF_STATE_MAPPING) as [HandoffStatus, (typeof HANDOFF_STATE_MAPPING)[HandoffStatus]][])
    .filter(([, row]) => wanted(row.taskStatus))
    .map(([status]): WorkSource => ({ kind: 'handoff', box: 'inbox', status }));
  return [...referrals, ...handoffs];
};

/** An organisation reference as `owner=` takes it: `Organization/<id>` or the bare id. */
export const ownerOrgOf = (owner: string): string => owner.replace(/^Organization\//, '');

/** What `_lastUpdated=` bounds: updated at or after `from`, and before `before` (ISO 8601 instants). */
export interface UpdatedRange {
  readonly from?: string | undefined;
  readonly before?: string | undefined;
}

const DATE_OR_DATE_TIME = /^(ge|gt|le|lt)(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** One `_lastUpdated` value as the interval it names: a whole day for a date, one millisecond for an instant. */
const intervalOf = (date: string, time: string | undefined): { start: number; end: number } | undefined => {
  const start = Date.parse(time ? `${date}${time}` : `${date}T00:00:00Z`);
  if (Number.isNaN(start) || new Date(Date.parse(`${date}T00:00:00Z`)).toISOString().slice(0, 10) !== date) return undefined;
  return { start, end: time ? start + 1 : start + 86_400_000 };
};

/**
 * Parses `_lastUpdated` values (`ge`, `gt`, `le` or `lt`, then a date or an instant with its
 * zone; repeated values all apply) into one range, with FHIR's precision rules: `le2026-12-01`
 * includes all of that day, `gt2026-12-01` starts after it. 400 naming the parameter otherwise.
 */
export const updatedRangeOf = (values: readonly string[]): UpdatedRange => {
  let from: number | undefined;
  let before: number | undefined;
  for (const value of values) {
    const match = DATE_OR_DATE_TIME.exec(value);
    const interval = match ? intervalOf(match[2]!, match[3]) : undefined;
    if (!match || !interval) {
      throw new BadRequestError('_lastUpdated must be ge, gt, le or lt followed by a date (2026-12-01) or an instant with its zone.', [
        { path: '_lastUpdated', message: 'must be ge, gt, le or lt and a date or instant, e.g. ge2026-12-01' },
      ]);
    }
    const prefix = match[1]!;
    if (prefix === 'ge' || prefix === 'gt') {
      const bound = prefix === 'ge' ? interval.start : interval.end;
      from = from === undefined ? bound : Math.max(from, bound);
    } else {
      const bound = prefix === 'lt' ? interval.start : interval.end;
      before = before === undefined ? bound : Math.min(before, bound);
    }
  }
  return {
    ...(from !== undefined ? { from: new Date(from).toISOString() } : {}),
    ...(before !== undefined ? { before: new Date(before).toISOString() } : {}),
  };
};

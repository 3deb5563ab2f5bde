/**
 * `GET /metrics/summary`: the programme's evaluation figures for programme managers. Reads
 * the cells of the period (a bounded number of Queries: service areas × months × shards,
 * see the repository) and sums them into groups with the pure rules of `summary.ts`.
 */
import { BadRequestError, ForbiddenError } from '../../core/errors.ts';
import { assertHasKnownRole, hasRole, type Caller } from '../../core/identity.ts';
import { reportingDayOf } from './counters.ts';
import type { MetricsReader } from './ports.ts';
import { summarise, type MetricGroup, type GroupBy } from './summary.ts';
import type { MetricFigures } from './figures.ts';
import { SERVICE_AREAS, type ServiceArea } from '../../core/reference-data.ts';

/** Longest period one summary may cover, in days (a leap year). */
export const MAX_SUMMARY_DAYS = 366;

/** Days in the default period (today and the six before it). */
export const DEFAULT_SUMMARY_DAYS = 7;

/** How figures are attributed to days: stated in every answer, so a board reads them right. */
export const ATTRIBUTION = {
  referrals:
    'Each referral counts on the day it was submitted (UK time), with everything that has happened to it since; by its sender, current receiver and current priority.',
  handoffs: 'Each handoff counts on the day it was offered (UK time), by offering and receiving organisation.',
} as const;

/** What the service needs. */
export interface MetricsServiceDependencies {
  readonly reader: MetricsReader;
  readonly organisations: readonly string[];
  readonly clock?: () => Date;
}

/** A validated request for a summary. */
export interface SummaryRequest {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly serviceArea?: ServiceArea | undefined;
  readonly org?: string | undefined;
  readonly groupBy: GroupBy;
}

/** The JSON answer. */
export interface Summary {
  readonly from: string;
  readonly to: string;
  readonly groupBy: GroupBy;
  readonly serviceArea?: ServiceArea;
  readonly org?: string;
  readonly attribution: typeof ATTRIBUTION;
  readonly groups: MetricGroup[];
  readonly total: MetricFigures;
}

const DAY_MS = 86_400_000;
const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);
const timeOf = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** The evaluation figures. */
export class MetricsService {
  private readonly deps: MetricsServiceDependencies;
  private readonly known: ReadonlySet<string>;

  constructor(deps: MetricsServiceDependencies) {
    this.deps = deps;
    this.known = new Set(deps.organisations);
  }

  /** The period asked for, defaults filled in; 400 naming the field when it is unusable. */
  period(request: Pick<SummaryRequest, 'from' | 'to'>): { from: string; to: string } {
    const today = reportingDayOf(this.deps.clock?.() ?? new Date());
    const to = request.to ?? (request.from ? maxDay(today, request.from) : today);
    const from = request.from ?? dayOf(timeOf(to) - (DEFAULT_SUMMARY_DAYS - 1) * DAY_MS);
    if (to < from)
      throw new BadRequestError('The query string is invalid: check to.', [{ path: 'to', message: 'must be on or after from' }]);
    const days = (timeOf(to) - timeOf(from)) / DAY_MS + 1;
    if (days > MAX_SUMMARY_DAYS) {
      throw new BadRequestError(`The query string is invalid: check from, to.`, [
        { path: 'from', message: `the period from–to may cover at most ${MAX_SUMMARY_DAYS} days` },
        { path: 'to', message: `the period from–to may cover at most ${MAX_SUMMARY_DAYS} days` },
      ]);
    }
    return { from, to };
  }

  /** The summary: 400 (bad period or unknown org) → 403 (not a programme manager). */
  async summary(caller: Caller, request: SummaryRequest): Promise<Summary> {
    const { from, to } = this.period(request);
    if (request.org !== undefined && !this.known.has(request.org)) {
      throw new BadRequestError('The query string is invalid: check org.', [{ path: 'org', message: 'is not a known organisation' }]);
    }
    assertHasKnownRole(caller);
    if (!hasRole(caller, 'programme_manager')) throw new ForbiddenError('Programme metrics are for programme managers.');
    const serviceAreas = request.serviceArea ? [request.serviceArea] : [...SERVICE_AREAS];
    const rows = await this.deps.reader.readCells({ serviceAreas, from, to });
    const { groups, total } = summarise(rows, {
      from,
      to,
      serviceAreas,
      org: request.org,
      organisations: this.deps.organisations,
      groupBy: request.groupBy,
    });
    return {
      from,
      to,
      groupBy: request.groupBy,
      ...(request.serviceArea ? { serviceArea: request.serviceArea } : {}),
      ...(request.org ? { org: request.org } : {}),
      attribution: ATTRIBUTION,
      groups,
      total,
    };
  }
}

const maxDay = (a: string, b: string): string => (a > b ? a : b);

/**
 * The business metrics published as CloudWatch EMF by the metrics consumer, and what the
 * stage dashboard graphs: one source for the adapter and the CDK dashboard. Pure data.
 *
 * Namespace `Jointly/<stage>` (the stage's namespace, shared with the log-derived counts);
 * dimensions `service` (Powertools' own, always `jointly`) and `serviceArea` — three values,
 * never ids. Counts are one datapoint per event; durations one datapoint per acceptance or
 * completion, in minutes, so CloudWatch percentiles apply to them directly.
 */

/** The stage's metrics namespace. */
export const businessMetricsNamespaceOf = (stage: string): string => `Jointly/${stage}`;

/** The dimension besides `service`. */
export const BUSINESS_METRIC_DIMENSION = 'serviceArea';

/** Every EMF metric name and what it counts. */
export const BUSINESS_METRICS = {
  ReferralsSubmitted: 'referral.submitted events',
  ReferralsAccepted: 'referral.accepted events',
  ReferralsAcceptedWithinTarget: '1 per acceptance at or before dueAt, 0 per late one (its Average is the within-target rate)',
  TimeToAcceptMinutes: 'submission → acceptance, per acceptance',
  ReferralsDeclined: 'referral.declined events',
  ReferralsRedirected: 'referral.redirected events',
  InfoRequests: 'referral.info_requested events',
  ReferralsAmended: 'referral.amended events',
  ReferralsCancelled: 'referral.cancelled events',
  ReferralsCompleted: 'referral.completed events',
  AdmissionsAvoided: 'completions with outcome admission-avoided',
  TimeToCompleteMinutes: 'submission → completion, per completion',
  ReferralsOverdue: 'referral.overdue breaches',
  HandoffsOffered: 'handoff.offered events',
  HandoffsAccepted: 'handoff.accepted events',
  HandoffTimeToAcceptMinutes: 'offer → acceptance, per accepted handoff',
  HandoffsDeclined: 'handoff.declined events',
  HandoffsWithdrawn: 'handoff.withdrawn events',
  HandoffsOverdue: 'handoff.overdue breaches',
} as const;
export type BusinessMetricName = keyof typeof BUSINESS_METRICS;

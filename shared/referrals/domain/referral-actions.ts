/** The actions on a referral: the path segments of `POST /referrals/{id}/{action}` (its own module so the schemas and the rules can both use it). */
export const REFERRAL_ACTIONS = ['accept', 'decline', 'redirect', 'request-info', 'provide-info', 'amend', 'cancel', 'complete'] as const;
export type ReferralAction = (typeof REFERRAL_ACTIONS)[number];

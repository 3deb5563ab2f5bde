/**
 * The organisation's region-deny service control policy (docs/deployment-pipeline.md
 * "Account layout"), attached to the organisational unit holding Jointly's accounts: every
 * stage account, the pipeline account and the backup account (infra/config/accounts.ts).
 *
 *   npm run execution-policy -- --scp > region-deny-scp.json
 *
 * Nothing in those accounts may act outside London, whoever asks (a person, the pipeline,
 * CloudFormation, a function), so no copy of a record, log or backup can be made in another
 * region by mistake or on purpose. The exceptions are the global services, whose calls AWS
 * serves from us-east-1 whatever the caller's region: without them nobody could manage IAM,
 * see the bill, open a support case or deploy the console's CloudFront distribution.
 *
 * Pure data: no CDK imports.
 */
import type { PolicyDocument } from './execution-policy.ts';

/** The one region Jointly's accounts work in: the records stay in the UK. */
export const ALLOWED_REGION = 'eu-west-2';

/**
 * The global services exempt from the region deny, as IAM actions. Only what Jointly and its
 * operators use: identity (IAM, STS, the organisation and account settings), billing and
 * budgets, support and health, and CloudFront (the console's distribution).
 */
export const REGION_DENY_EXEMPT_ACTIONS = [
  'iam:*',
  'sts:*',
  'organizations:*',
  'account:*',
  'budgets:*',
  'ce:*',
  'cur:*',
  'billing:*',
  'aws-portal:*',
  'payments:*',
  'tax:*',
  'support:*',
  'health:*',
  'trustedadvisor:*',
  'cloudfront:*',
] as const;

/** The service control policy denying every non-global call outside `ALLOWED_REGION`. */
export const regionDenyScpOf = (region: string = ALLOWED_REGION): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyOutsideLondon',
      Effect: 'Deny',
      NotAction: [...REGION_DENY_EXEMPT_ACTIONS],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': region } },
    },
  ],
});

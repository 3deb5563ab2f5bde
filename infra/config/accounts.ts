/**
 * The organisation's accounts beside the three stage accounts (whose ids live in each stage's
 * config): where the delivery pipeline runs and where every stage's backups are copied to.
 * docs/deployment-pipeline.md "Account layout" explains why each is its own account.
 *
 * Pure data: no CDK imports, no imports at all (the stage config reads it).
 */

/** London: the records stay in the UK (the stages' region too). */
const LONDON = 'eu-west-2';

/** An AWS account and the region Jointly uses in it. */
export interface AccountAndRegion {
  /** The 12-digit account id. */
  readonly account: string;
  readonly region: string;
}

/**
 * The tooling account: CodePipeline, CodeBuild and the pipeline's artifact bucket. It holds
 * the code and the synthesized templates, never a record about a person; each stage account
 * trusts it (`cdk bootstrap --trust`) to deploy, and nothing else.
 */
export const PIPELINE_ACCOUNT: AccountAndRegion = { account: '290417385526', region: LONDON };

/**
 * The backup account: a locked AWS Backup vault that every stage copies its table backups
 * into. Nobody who can deploy or operate a stage can sign in to it, so a compromised or
 * closed stage account cannot take its backups with it. London, like the stages: the copies
 * are personal health and social-care records and stay in the UK.
 */
export const BACKUP_ACCOUNT: AccountAndRegion = { account: '613058274190', region: LONDON };

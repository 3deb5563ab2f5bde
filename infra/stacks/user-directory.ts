/**
 * The stage's user directory: the Cognito user pool (users, the `custom:org` attribute, one
 * group per role), the app client whose ID tokens the HTTP API's JWT authorizer accepts, and
 * the console's sign-in: managed login on a Cognito domain and a second, public app client
 * that signs in with the authorization code grant and PKCE only.
 * Also the directory's daily export (addUserDirectoryExport): a scheduled function writing every
 * user and group to an encrypted, versioned bucket (docs/user-directory-export.md).
 * Built in the API stack's own scope, so its construct ids are the stack's.
 */
import { createHash } from 'node:crypto';
import { Duration, RemovalPolicy, type Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ROLES, type Role } from '../../shared/core/reference-data.ts';
import { DIRECTORY_EXPORT_ENV } from '../../shared/directory/data/export-environment.ts';
import { USER_EXPORT_PREFIX } from '../../shared/directory/domain/user-export.ts';
import type { StageConfig } from '../config/stage-config.ts';
import { CONSOLE_BASE_PATH } from '../console/console-site.ts';
import { JointlyFunction } from '../constructs/jointly-function.ts';
import { pascal } from '../construct-ids.ts';
import { EVENT_FUNCTIONS, type EventFunctionName } from '../function-entries.ts';
import { EVENT_FUNCTION_SETTINGS } from '../function-settings.ts';
import { statefulRemovalPolicyOf } from '../stateful-resources.ts';

/** The name of the custom attribute carrying the user's organisation (`custom:org` in tokens). */
export const ORG_ATTRIBUTE = 'org';

const ROLE_DESCRIPTIONS: Record<Role, string> = {
  practitioner: 'Acts for their own organisation: referrals, handoffs, notes',
  programme_manager: 'Boundary-spanning role: reads across organisations, subscribes, reads metrics; never writes records',
  information_governance: 'With programme_manager: exports a person’s records (subject access) and erases them where the law allows',
};

const THREAT_PROTECTION: Record<StageConfig['threatProtection'], cognito.StandardThreatProtectionMode | undefined> = {
  off: undefined,
  audit: cognito.StandardThreatProtectionMode.AUDIT_ONLY,
  enforced: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
};

/**
 * The prefix of the stage's managed login domain: the configured one, else `jointly-<stage>-`
 * and eight hex digits of the account id's SHA-256. Prefixes are unique across every AWS
 * account in a region, so a bare `jointly-<stage>` could be someone else's; the hash keeps the
 * account id itself out of a public address.
 */
export const loginDomainPrefixOf = (stageConfig: StageConfig): string =>
  stageConfig.console.loginDomainPrefix ??
  `jointly-${stageConfig.stage}-${createHash('sha256').update(stageConfig.account).digest('hex').slice(0, 8)}`;

/** Managed login's origin: `https://<prefix>.auth.<region>.amazoncognito.com` (known at synth, so the CSP can name it). */
export const loginOriginOf = (stageConfig: StageConfig): string =>
  `https://${loginDomainPrefixOf(stageConfig)}.auth.${stageConfig.region}.amazoncognito.com`;

/** The user directory of a stage. */
export interface UserDirectory {
  readonly userPool: cognito.UserPool;
  /** The SRP client of API clients (the JWT audience since the start). */
  readonly userPoolClient: cognito.UserPoolClient;
  /** Managed login's Cognito domain. */
  readonly loginDomain: cognito.UserPoolDomain;
  /** `https://<prefix>.auth.<region>.amazoncognito.com` */
  readonly loginOrigin: string;
}

/**
 * Adds the user pool, its app client, the role groups and managed login's domain to `stack`.
 * The pool is stateful: it takes the stage's stateful removal policy (`statefulRemovalPolicyOf`).
 */
export const addUserDirectory = (stack: Stack, stageConfig: StageConfig): UserDirectory => {
  const threatProtection = THREAT_PROTECTION[stageConfig.threatProtection];
  const userPool = new cognito.UserPool(stack, 'UserPool', {
    userPoolName: `jointly-${stageConfig.stage}`,
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    signInCaseSensitive: false,
    autoVerify: { email: true },
    standardAttributes: { email: { required: true, mutable: true } },
    customAttributes: {
      [ORG_ATTRIBUTE]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
    },
    passwordPolicy: {
      minLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
    mfa: cognito.Mfa.OPTIONAL,
    mfaSecondFactor: { sms: false, otp: true },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
    ...(threatProtection ? { standardThreatProtectionMode: threatProtection } : {}),
    deletionProtection: stageConfig.deletionProtection,
    // The pool is stateful (every user's `sub`): the stage's stateful policy, not the stack's.
    removalPolicy: statefulRemovalPolicyOf(stageConfig),
  });

  Validations.of(userPool).acknowledge({
    id: 'AwsSolutions-COG2',
    reason:
      'TOTP MFA is offered to every user (MFA optional) per the Foundation brief; making it required is an organisation-by-organisation onboarding decision taken with the partner IG leads.',
  });
  if (!threatProtection) {
    Validations.of(userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason: `Stage ${stageConfig.stage} holds synthetic users only; the Plus plan (threat protection) is billed per active user and is enabled in staging (audit) and prod (enforced).`,
    });
  }

  const userPoolClient = userPool.addClient('Client', {
    userPoolClientName: `jointly-${stageConfig.stage}`,
    generateSecret: false,
    authFlows: { userSrp: true },
    // Clients sign in with SRP and send the id token; no hosted UI / OAuth flows.
    disableOAuth: true,
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    idTokenValidity: Duration.hours(1),
    accessTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.days(1),
    readAttributes: new cognito.ClientAttributes()
      .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
      .withCustomAttributes(ORG_ATTRIBUTE),
    // Never `custom:org`: users must not move themselves between organisations.
    writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
  });

  for (const role of ROLES) {
    new cognito.UserPoolGroup(stack, `${pascal(role)}Group`, {
      userPool: userPool,
      groupName: role,
      description: ROLE_DESCRIPTIONS[role],
    });
  }

  // Managed login (version 2) on a Cognito prefix domain: the console's sign-in page.
  const loginDomain = userPool.addDomain('Domain', {
    cognitoDomain: { domainPrefix: loginDomainPrefixOf(stageConfig) },
    managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
  });

  return { userPool, userPoolClient, loginDomain, loginOrigin: loginOriginOf(stageConfig) };
};

/** How long the console's tokens last: the ID token is the API's bearer, kept in the page's memory. */
export const CONSOLE_TOKEN_VALIDITY = {
  idToken: Duration.minutes(30),
  accessToken: Duration.minutes(30),
  // Cognito's minimum; the console keeps no refresh token (it signs in again on managed login).
  refreshToken: Duration.minutes(60),
  // The sign-in itself (managed login's session between its pages).
  authSession: Duration.minutes(3),
} as const;

/**
 * Adds the console's app client: public (no secret: a browser cannot keep one), the
 * authorization code grant only, `openid email profile`, and managed login's default branding
 * (version 2 shows an error page to a client without a style). `consoleOrigins` are the
 * origins the console is served from: each `<origin>/console/` is a callback and a sign-out URL.
 *
 * PKCE: Cognito has no setting that makes a client use it; it holds a code to the challenge
 * its authorize request carried, and the console always sends one (console/src/pkce.ts). The
 * callback URLs are exact, so a code is only ever sent back to the console's own page.
 */
export const addConsoleClient = (
  stack: Stack,
  directory: UserDirectory,
  stageConfig: StageConfig,
  consoleOrigins: readonly string[],
): cognito.UserPoolClient => {
  const urls = consoleOrigins.map((origin) => `${origin}${CONSOLE_BASE_PATH}`);
  const consoleClient = directory.userPool.addClient('ConsoleClient', {
    userPoolClientName: `jointly-${stageConfig.stage}-console`,
    generateSecret: false,
    // No SRP, no password: the console signs in through managed login only.
    authFlows: { userSrp: false },
    oAuth: {
      flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
      scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
      callbackUrls: urls,
      logoutUrls: urls,
    },
    supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    idTokenValidity: CONSOLE_TOKEN_VALIDITY.idToken,
    accessTokenValidity: CONSOLE_TOKEN_VALIDITY.accessToken,
    refreshTokenValidity: CONSOLE_TOKEN_VALIDITY.refreshToken,
    authSessionValidity: CONSOLE_TOKEN_VALIDITY.authSession,
    // The ID token carries what the client may read: the API needs `custom:org`.
    readAttributes: new cognito.ClientAttributes()
      .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
      .withCustomAttributes(ORG_ATTRIBUTE),
    writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
  });
  new cognito.CfnManagedLoginBranding(stack, 'ConsoleLoginBranding', {
    userPoolId: directory.userPool.userPoolId,
    clientId: consoleClient.userPoolClientId,
    useCognitoProvidedValues: true,
  });
  return consoleClient;
};

/** The export function's id in infra/function-entries.ts and infra/function-settings.ts. */
export const EXPORT_USERS_FUNCTION = 'exportUsers' satisfies EventFunctionName;

/** The prefix of the export bucket's server access logs in the stack's access-log bucket. */
export const USER_EXPORT_ACCESS_LOG_PREFIX = 'user-export-bucket/';

/** Properties of {@link addUserDirectoryExport}. */
export interface UserDirectoryExportProps {
  /** The pool to export. */
  readonly directory: UserDirectory;
  /** The stage: the function's settings and the exports' retention (`recovery.backupRetentionDays`). */
  readonly stageConfig: StageConfig;
  /** The stage key: encrypts the exports (and the function's log group). Used through IAM only, by ARN. */
  readonly key: kms.IKey;
  /** Where the export bucket's server access logs go (the stack's access-log bucket). */
  readonly accessLogs: s3.IBucket;
}

/** The directory's daily export. */
export interface UserDirectoryExport {
  /** Holds the exports, `user-directory/YYYY/MM/DD/users-<instant>.json`. */
  readonly bucket: s3.Bucket;
  /** The export function (`exportUsers`). */
  readonly fn: JointlyFunction;
  /** The daily schedule invoking `fn`. */
  readonly schedule: events.Rule;
}

/**
 * Adds the daily export of the user directory to `stack`: the bucket (SSE-KMS with the stage
 * key, versioned, private, TLS only, access-logged, each export kept `recovery.backupRetentionDays`),
 * the function (`exportUsers`) and its schedule (`rate(1 day)`). The function may list the
 * pool's users, groups and members, write exports, and have S3 encrypt them, and nothing else:
 * not read an export back, not delete one, not change a user.
 */
export const addUserDirectoryExport = (stack: Stack, props: UserDirectoryExportProps): UserDirectoryExport => {
  const { stageConfig, directory } = props;
  const retention = Duration.days(stageConfig.recovery.backupRetentionDays);
  // Imported by ARN: the key's policy (data stack) leaves use to IAM, and a grant on the key
  // itself would make the data stack depend on this one.
  const key = kms.Key.fromKeyArn(stack, 'UserExportKey', props.key.keyArn);

  const bucket = new s3.Bucket(stack, 'UserExportBucket', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // An overwritten or deleted export keeps its previous version for the retention period.
    versioned: true,
    serverAccessLogsBucket: props.accessLogs,
    serverAccessLogsPrefix: USER_EXPORT_ACCESS_LOG_PREFIX,
    lifecycleRules: [
      {
        id: 'expire-exports',
        expiration: retention,
        noncurrentVersionExpiration: retention,
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      },
      // What expiring leaves behind once the last version is gone.
      { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
    ],
    // Kept in every stage: the exports are a backup, and CloudFormation cannot delete a bucket
    // that holds objects (emptying it on delete would need a function able to delete every export).
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(bucket).acknowledge({
    id: 'HIPAA.Security-S3BucketReplicationEnabled',
    reason:
      'The exports are a copy of the user pool kept beside it in the stage account, versioned, for the stage backup retention; a replica needs a bucket, key and role in the backup account, which no stack of this app owns (docs/user-directory-export.md says how to copy an export out).',
  });

  const fn = new JointlyFunction(stack, pascal(EXPORT_USERS_FUNCTION), {
    entry: EVENT_FUNCTIONS.exportUsers.entry,
    functionId: EXPORT_USERS_FUNCTION,
    stageConfig,
    description: 'Exports the user pool (users, their groups and subs) to the user-export bucket once a day',
    logEncryptionKey: props.key,
    environment: {
      [DIRECTORY_EXPORT_ENV.userPoolId]: directory.userPool.userPoolId,
      [DIRECTORY_EXPORT_ENV.bucketName]: bucket.bucketName,
    },
  });
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['cognito-idp:ListUsers', 'cognito-idp:ListGroups', 'cognito-idp:ListUsersInGroup'],
      resources: [directory.userPool.userPoolArn],
    }),
  );
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${USER_EXPORT_PREFIX}*`)] }));
  const bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  Validations.of(fn.executionRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${USER_EXPORT_PREFIX}*]`,
    reason: `s3:PutObject only, on the ${USER_EXPORT_PREFIX} prefix of the export bucket: each export's key carries the day and instant it was taken (user-directory/YYYY/MM/DD/users-<instant>.json), so no fixed object ARN can name it.`,
  });
  // S3 asks KMS for each object's data key with the caller's rights: only through S3.
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey'],
      resources: [props.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
    }),
  );
  for (const id of ['HIPAA.Security-LambdaDLQ', 'Serverless-LambdaDLQ']) {
    Validations.of(fn).acknowledge({
      id,
      reason:
        'Invoked once a day by its schedule with an event that carries nothing: a dead-letter queue would hold only that empty event. A failed run raises fn-exportUsers-errors, Lambda retries it twice, and the next day exports the whole pool again.',
    });
  }

  const schedule = new events.Rule(stack, 'ExportUsersSchedule', {
    schedule: events.Schedule.rate(Duration.minutes(EVENT_FUNCTION_SETTINGS.exportUsers.eventSource.rateMinutes)),
    description: 'Exports the user directory to the user-export bucket once a day',
    targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
  });
  Validations.of(schedule).acknowledge({
    id: 'Serverless-EventBusDLQ',
    reason:
      'A schedule tick carries no data: a dead-letter queue would hold only empty events. rule-user-export-failed-invocations alarms when EventBridge gives up, and the next day invokes the export again.',
  });
  return { bucket, fn, schedule };
};

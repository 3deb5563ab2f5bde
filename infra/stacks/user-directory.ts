/**
 * The stage's user directory: the Cognito user pool (users, the `custom:org` attribute, one
 * group per role) and the app client whose ID tokens the HTTP API's JWT authorizer accepts.
 * Built in the API stack's own scope, so its construct ids are the stack's.
 */
import { Duration, type RemovalPolicy, type Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { ROLES, type Role } from '../../shared/core/reference-data.ts';
import type { StageConfig } from '../config/stage-config.ts';
import { pascal } from '../construct-ids.ts';

/** The name of the custom attribute carrying the user's organisation (`custom:org` in tokens). */
export const ORG_ATTRIBUTE = 'org';

const ROLE_DESCRIPTIONS: Record<Role, string> = {
  practitioner: 'Acts for their own organisation: referrals, handoffs, notes',
  programme_manager: 'Boundary-spanning role: reads across organisations, subscribes, reads metrics; never writes records',
};

const THREAT_PROTECTION: Record<StageConfig['threatProtection'], cognito.StandardThreatProtectionMode | undefined> = {
  off: undefined,
  audit: cognito.StandardThreatProtectionMode.AUDIT_ONLY,
  enforced: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
};

/** Adds the user pool, its app client and the role groups to `stack`. */
export const addUserDirectory = (
  stack: Stack,
  stageConfig: StageConfig,
  removalPolicy: RemovalPolicy,
): { userPool: cognito.UserPool; userPoolClient: cognito.UserPoolClient } => {
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
    removalPolicy,
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

  return { userPool, userPoolClient };
};

/**
 * Composition root of the referral handlers: configuration read and validated once per
 * cold start, the DynamoDB adapter plugged into the referral service.
 */
import { newUlid } from '../core/ids.ts';
import { ORGANISATIONS } from '../core/organisations.ts';
import { pagingWith } from '../core/pagination.ts';
import { loadRuntimeConfig, requireTableName } from '../platform/config/runtime-config.ts';
import { loadApiSecrets } from '../platform/config/secrets.ts';
import { createDocumentClient } from '../platform/dynamodb/dynamo-client.ts';
import { REFERRAL_SECRETS } from '../referrals/api/routes.ts';
import { DynamoReferralRepository } from '../referrals/data/referral-repository.ts';
import { parseSubjectHashKeys } from '../referrals/data/subject-hash.ts';
import { HandoffService } from '../referrals/domain/handoff-service.ts';
import { ReferralService } from '../referrals/domain/referral-service.ts';

const config = loadRuntimeConfig();

/** The DynamoDB client of this function instance (the local runtime adds its middleware to it). */
export const referralDocumentClient = createDocumentClient({ endpoint: config.dynamodbEndpoint });

// Exactly the keys the referral routes declare, so exactly what CDK grants their functions;
// read once per cold start.
const secrets = await loadApiSecrets(config, REFERRAL_SECRETS);

/** The DynamoDB repository of this function instance. */
export const referralRepository = new DynamoReferralRepository({
  client: referralDocumentClient,
  tableName: requireTableName(config),
  // One key (v1) or a versioned set during a rotation.
  subjectHashKey: parseSubjectHashKeys(secrets.subjectHashKey),
  // Closed referrals past their retention are gone from every read, before TTL removes them.
  retention: config.retention,
});

/** The referral use cases of this function instance. */
export const referralService = new ReferralService({
  repository: referralRepository,
  priorityTargetMinutes: config.priorityTargetMinutes,
  organisations: ORGANISATIONS.map((org) => org.id),
  newId: newUlid,
});

/** A list's paging, its cursors signed with this function's cursor key. */
export const paging = pagingWith(secrets.cursorKey);

/** The handoff use cases of this function instance. */
export const handoffService = new HandoffService({
  repository: referralRepository,
  priorityTargetMinutes: config.priorityTargetMinutes,
  organisations: ORGANISATIONS.map((org) => org.id),
  newId: newUlid,
});

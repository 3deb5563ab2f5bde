/**
 * Composition root of the person's-rights routes: configuration read and validated once per
 * cold start, the referral repository (reading the person index with the subject-hash key)
 * and the disposal adapter plugged into the subject rights service.
 */
import { loadRuntimeConfig, requireTableName } from '../platform/config/runtime-config.ts';
import { loadApiSecrets } from '../platform/config/secrets.ts';
import { createDocumentClient } from '../platform/dynamodb/dynamo-client.ts';
import { SUBJECT_SECRETS } from '../referrals/api/subject-routes.ts';
import { DynamoReferralDisposal } from '../referrals/data/referral-disposal.ts';
import { DynamoReferralRepository } from '../referrals/data/referral-repository.ts';
import { parseSubjectHashKeys } from '../referrals/data/subject-hash.ts';
import { SubjectRightsService } from '../referrals/domain/subject-rights.ts';

const config = loadRuntimeConfig();

/** The DynamoDB client of this function instance (the local runtime adds its middleware to it). */
export const subjectsDocumentClient = createDocumentClient({ endpoint: config.dynamodbEndpoint });

const secrets = await loadApiSecrets(config, SUBJECT_SECRETS);
const tableName = requireTableName(config);

/** The person's-rights use cases of this function instance. */
export const subjectRightsService = new SubjectRightsService({
  repository: new DynamoReferralRepository({
    client: subjectsDocumentClient,
    tableName,
    subjectHashKey: parseSubjectHashKeys(secrets.subjectHashKey),
    retention: config.retention,
  }),
  eraser: new DynamoReferralDisposal({ client: subjectsDocumentClient, tableName }),
  now: () => new Date(),
});

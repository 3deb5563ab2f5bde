/**
 * A person's referrals by NHS number or local id: the person indexes hold only keyed hashes
 * of the identifiers, one partition per live key version (one, outside a rotation), merged
 * newest first. Referrals the caller may not see are filtered out in DynamoDB.
 */
import { unreachable, type ReadScope } from '../../core/identity.ts';
import type { Page } from '../../core/pagination.ts';
import type { Referral } from '../domain/referral.ts';
import { personKeys } from '../../platform/dynamodb/keys.ts';
import type { TableAccess } from '../../platform/dynamodb/table-access.ts';
import { INDEX } from '../../platform/dynamodb/table-definition.ts';
import { referralFromItem } from './referral-items.ts';
import { NOT_EXPIRED, readPartition } from './referral-listing.ts';
import type { SubjectHasher } from './subject-hash.ts';

/**
 * The filter a scoped person search needs: an org sees only referrals it is party to; the
 * programme sees all. Built from the scope's kind, never from whether an org is truthy.
 */
const visibilityFilter = (scope: ReadScope): { expression?: string; values: Record<string, unknown> } => {
  switch (scope.kind) {
    case 'org':
      // A former party still finds the referral; the service replaces it by what the org saw.
      return { expression: 'contains(parties, :org) OR contains(formerPartyOrgs, :org)', values: { ':org': scope.org } };
    case 'programme':
      return { values: {} };
    default:
      return unreachable(scope);
  }
};

/** One page of a person's referrals within `scope`, newest first. */
export const findByPerson = async (
  table: TableAccess,
  hasher: SubjectHasher,
  identifier: { nhsNumber: string } | { localId: string; issuer: string },
  scope: ReadScope,
  page: { limit: number; after?: string | undefined },
  now: Date,
): Promise<Page<Referral>> => {
  const [index, attribute, partitions] =
    'nhsNumber' in identifier
      ? [INDEX.personByNhsNumber, 'nhsNumberHash', hasher.hashesForLookup('nhs', identifier.nhsNumber).map(personKeys.nhsNumber)]
      : [
          INDEX.personByLocalId,
          'localIdHash',
          hasher.hashesForLookup('local', identifier.localId, identifier.issuer).map(personKeys.localId),
        ];
  const visibility = visibilityFilter(scope);
  const results = await Promise.all(
    partitions.map((partition) =>
      readPartition(
        table,
        {
          IndexName: index,
          KeyConditionExpression: page.after ? '#pk = :pk AND createdSk < :after' : '#pk = :pk',
          ExpressionAttributeNames: { '#pk': attribute, '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':pk': partition,
            ':now': Math.floor(now.getTime() / 1000),
            ...(page.after ? { ':after': page.after } : {}),
            ...visibility.values,
          },
          // Referrals the caller may not see, or past their retention, never leave DynamoDB.
          FilterExpression: visibility.expression ? `${NOT_EXPIRED} AND (${visibility.expression})` : NOT_EXPIRED,
          ScanIndexForward: false,
        },
        page.limit,
      ),
    ),
  );
  const merged = results.flatMap((r) => r.items).sort((a, b) => (String(a.createdSk) < String(b.createdSk) ? 1 : -1));
  const found = merged.slice(0, page.limit);
  const more = merged.length > page.limit || results.some((r) => r.more);
  const last = found.at(-1);
  return { items: found.map(referralFromItem), after: more && last ? String(last.createdSk) : undefined };
};

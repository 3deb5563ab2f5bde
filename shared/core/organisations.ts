import type { Organisation } from './reference-data.ts';

/**
 * The organisation registry (DESIGN §3). Extending the programme to a new partner is a
 * one-line change here; ids are what tokens carry in `custom:org`.
 */
export const ORGANISATIONS = [
  { id: 'provide', name: 'Provide Community Interest Company', kind: 'nhs-community', emailDomains: ['provide.org.uk'] },
  { id: 'ecc', name: 'Essex County Council Adult Social Care', kind: 'local-authority', emailDomains: ['essex.gov.uk'] },
  // Not nhs.net: every NHS body shares it, so it cannot show a mailbox is this trust's (docs/subscriptions.md).
  { id: 'meht', name: 'Mid Essex Hospital Services NHS Trust', kind: 'nhs-acute', emailDomains: ['mse.nhs.uk'] },
  { id: 'ageuk-essex', name: 'Age UK Essex', kind: 'voluntary', emailDomains: ['ageukessex.org.uk'] },
] as const satisfies readonly Organisation[];

/**
 * The id of a registered organisation. Derived from the registry so that a caller's org
 * (see `Caller.org`) cannot be an empty or unknown string by type, only by a cast.
 */
export type OrgId = (typeof ORGANISATIONS)[number]['id'];

const byId = new Map<string, Organisation>(ORGANISATIONS.map((org) => [org.id, org]));

/** The organisation with this id, or `undefined` when it is not in the registry. */
export const findOrganisation = (id: string): Organisation | undefined => byId.get(id);

/** Whether `id` names a known organisation (and so is an {@link OrgId}). */
export const isKnownOrganisation = (id: string): id is OrgId => byId.has(id);

/**
 * The e-mail domains of each organisation: the registry's, with a deployment's overrides
 * (runtime config, from stage config) replacing whole lists per org.
 */
export const emailDomainsByOrg = (overrides: Readonly<Record<string, readonly string[]>> = {}): ReadonlyMap<string, readonly string[]> =>
  new Map(ORGANISATIONS.map((org) => [org.id, overrides[org.id] ?? org.emailDomains]));

import type { Organisation } from '../domain/reference-data.ts';

/**
 * The organisation registry (DESIGN §3). Extending the programme to a new partner is a
 * one-line change here; ids are what tokens carry in `custom:org`.
 */
export const ORGANISATIONS = [
  { id: 'provide', name: 'Provide Community Interest Company', kind: 'nhs-community' },
  { id: 'ecc', name: 'Essex County Council Adult Social Care', kind: 'local-authority' },
  { id: 'meht', name: 'Mid Essex Hospital Services NHS Trust', kind: 'nhs-acute' },
  { id: 'ageuk-essex', name: 'Age UK Essex', kind: 'voluntary' },
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

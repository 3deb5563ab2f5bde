import type { Organisation } from '../domain/reference-data.ts';

/**
 * The organisation registry (DESIGN §3). Extending the programme to a new partner is a
 * one-line change here; ids are what tokens carry in `custom:org`.
 */
export const ORGANISATIONS: readonly Organisation[] = [
  { id: 'provide', name: 'Provide Community Interest Company', kind: 'nhs-community' },
  { id: 'ecc', name: 'Essex County Council Adult Social Care', kind: 'local-authority' },
  { id: 'meht', name: 'Mid Essex Hospital Services NHS Trust', kind: 'nhs-acute' },
  { id: 'ageuk-essex', name: 'Age UK Essex', kind: 'voluntary' },
];

const byId = new Map(ORGANISATIONS.map((org) => [org.id, org]));

/** The organisation with this id, or `undefined` when it is not in the registry. */
export const findOrganisation = (id: string): Organisation | undefined => byId.get(id);

/** Whether `id` names a known organisation. */
export const isKnownOrganisation = (id: string): boolean => byId.has(id);

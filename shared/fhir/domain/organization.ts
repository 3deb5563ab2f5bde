/**
 * Organisations as FHIR `Organization` resources and references. Jointly's organisation id
 * is the resource id and always an identifier; the ODS code, where a deployment knows one,
 * is added so NHS systems can match the organisation by the code they already hold.
 */
import type { Organization, Reference } from '@medplum/fhirtypes';
import { findOrganisation } from '../../core/organisations.ts';
import type { Organisation } from '../../core/reference-data.ts';
import { conceptOf } from './code-systems.ts';
import { ODS_CODE_SYSTEM, ORGANISATION_ID_SYSTEM } from './fhir-systems.ts';

/** A registered organisation as an `Organization` (no telecom: Jointly holds no contact details). */
export const toOrganization = (org: Organisation & { readonly odsCode?: string }): Organization => ({
  resourceType: 'Organization',
  id: org.id,
  identifier: [
    { system: ORGANISATION_ID_SYSTEM, value: org.id },
    ...(org.odsCode ? [{ system: ODS_CODE_SYSTEM, value: org.odsCode }] : []),
  ],
  active: true,
  type: [conceptOf('organisation-kind', org.kind)],
  name: org.name,
});

/**
 * A reference to `Organization/<orgId>`, shown by the registry's name. A team is not a
 * resource Jointly serves, so it goes into the display text only, for people reading it.
 */
export const organizationReference = (orgId: string, team?: string): Reference<Organization> => {
  const name = findOrganisation(orgId)?.name;
  const display = team ? `${name ?? orgId} (team ${team})` : name;
  return { reference: `Organization/${orgId}`, ...(display ? { display } : {}) };
};

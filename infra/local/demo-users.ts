/**
 * The people one may sign in as on the local runtime: the console's "sign in as" form
 * (`GET /_local/users`) and the demo seed both use this list. A practitioner in each
 * organisation, a programme manager and an information governance lead. Local only: a deployed stage signs people in
 * through Cognito.
 */
import type { OrgId } from '../../shared/core/organisations.ts';
import type { Role } from '../../shared/core/reference-data.ts';

/** Someone to sign in as (`POST /_local/token` with `sub`, `org`, `roles`). */
export interface DemoUser {
  readonly sub: string;
  readonly org: OrgId;
  readonly roles: readonly Role[];
  readonly name: string;
  readonly email: string;
  /** What signing in as them shows. */
  readonly usedFor: string;
}

/** The demo's users: one practitioner per organisation, the programme manager and an IG lead. */
export const DEMO_USERS = [
  {
    sub: 'nurse.sam',
    org: 'provide',
    roles: ['practitioner'],
    name: 'Sam (community nurse, demo)',
    email: 'nurse.sam.demo@provide.org.uk',
    usedFor: "Provide's community nursing: its inbox, an open handoff to accept, referrals to ECC and MEHT",
  },
  {
    sub: 'sw.alex',
    org: 'ecc',
    roles: ['practitioner'],
    name: 'Alex (social worker, demo)',
    email: 'sw.alex.demo@essex.gov.uk',
    usedFor: 'ECC adult social care: the triage queue (with the overdue urgent referral), info requests, and an inbox subscription',
  },
  {
    sub: 'discharge.kim',
    org: 'meht',
    roles: ['practitioner'],
    name: 'Kim (discharge coordinator, demo)',
    email: 'discharge.kim.demo@mse.nhs.uk',
    usedFor: "MEHT's discharge hub: discharges referred out, an information request to answer",
  },
  {
    sub: 'coordinator.ria',
    org: 'ageuk-essex',
    roles: ['practitioner'],
    name: 'Ria (Home from Hospital coordinator, demo)',
    email: 'coordinator.ria.demo@ageukessex.org.uk',
    usedFor: 'Age UK Essex: voluntary-sector referrals, a handoff offered to it, a redirect sent on',
  },
  {
    sub: 'pm.jo',
    org: 'ecc',
    roles: ['programme_manager'],
    name: 'Jo (programme manager, demo)',
    email: 'pm.jo.demo@essex.gov.uk',
    usedFor:
      "the programme manager: every org's boxes, handoff and overdue alerts in the inbox, a daily e-mail digest, GET /metrics/summary",
  },
  {
    sub: 'ig.lee',
    org: 'provide',
    roles: ['programme_manager', 'information_governance'],
    name: 'Lee (information governance lead, demo)',
    email: 'ig.lee.demo@provide.org.uk',
    usedFor: "a person's rights: POST /subjects/export (subject access) and POST /subjects/erase",
  },
] as const satisfies readonly DemoUser[];

/**
 * The people one may sign in as on the local runtime (the console's "sign in as" form, the
 * demo seed): a practitioner in each organisation and a programme manager. Local only: a
 * deployed stage signs people in through Cognito.
 */

/** A local user: the claims of the token `/_local/token` mints, and what they are for. */
export interface DemoUser {
  readonly sub: string;
  readonly org: 'provide' | 'ecc' | 'meht' | 'ageuk-essex';
  readonly roles: readonly ('practitioner' | 'programme_manager')[];
  /** Who they are, as the sign-in form lists them. */
  readonly label: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { sub: 'pm.jo', org: 'ecc', roles: ['programme_manager'], label: 'Jo, programme manager (ECC, jointly funded)' },
  { sub: 'sw.alex', org: 'ecc', roles: ['practitioner'], label: 'Alex, social worker (ECC adult social care)' },
  { sub: 'nurse.sam', org: 'provide', roles: ['practitioner'], label: 'Sam, community nurse (Provide)' },
  { sub: 'discharge.kim', org: 'meht', roles: ['practitioner'], label: 'Kim, discharge coordinator (MEHT)' },
  { sub: 'coordinator.ria', org: 'ageuk-essex', roles: ['practitioner'], label: 'Ria, support coordinator (Age UK Essex)' },
];

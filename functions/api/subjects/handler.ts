/**
 * The person's-rights Lambda (subject access export, erasure): each route to its handler
 * module beside this one.
 */
import { subjectsFunction } from '../../../shared/referrals/api/subject-routes.ts';
import { handler as eraseSubject } from './erase-subject.ts';
import { handler as exportSubject } from './export-subject.ts';

export const handler = subjectsFunction.serve({ exportSubject, eraseSubject });

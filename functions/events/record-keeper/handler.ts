/**
 * The record keeper (the table stream's second reader, decision 61): the audit archiver
 * (shared/audit/api/audit-archiver.ts) and the disposer (shared/referrals/api/referral-disposer.ts)
 * on one stream batch, on the AWS adapters of its composition root (shared/wiring/record-keeper.ts).
 */
import { recordKeeperHandler } from '../../../shared/wiring/record-keeper.ts';

export const handler = recordKeeperHandler();

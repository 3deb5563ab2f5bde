/**
 * Composition root of the record keeper, the table stream's second reader (decision 61): the
 * audit archiver and the disposer, each on its own adapters, on every batch of one mapping
 * whose filters are `JOINTLY_TABLE.auditStreamFilter` and `JOINTLY_TABLE.expiryStreamFilter`.
 * The Lambda entry takes the defaults; the local runtime passes its file archive and client.
 */
import { allOnOneBatch } from '../platform/dynamodb/stream-batch.ts';
import { type AuditArchiverAdapters, auditArchiverHandler } from './audit-archiver.ts';
import { type DisposerAdapters, disposerHandler } from './disposer.ts';

/** What the record keeper can be given instead of its defaults. */
export type RecordKeeperAdapters = AuditArchiverAdapters & DisposerAdapters;

/** The record keeper's handler on `adapters`. Configuration is read now. */
export const recordKeeperHandler = (adapters: RecordKeeperAdapters = {}) =>
  allOnOneBatch(auditArchiverHandler(adapters), disposerHandler(adapters));

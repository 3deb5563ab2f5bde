/**
 * The audit archive through the local runtime started as `npm start` starts it (docs/audit-archive.md):
 * a read of a referral writes an access-log entry, which the stream poller hands to the audit
 * archiver, which appends its line to the archive's files (`JOINTLY_LOCAL_AUDIT_DIR`, the local
 * stand-in for the Object Lock bucket); the referral's events land beside them. Nothing that
 * identifies the person, and no note's or comment's words, is in any archive file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ArchiveLine, ArchiveLineSchema } from '#shared/audit/domain/archive-line.ts';
import { startRuntimeProcess, type RuntimeProcess } from '#test/support/local-runtime-process.ts';
import {
  randomNhsNumber,
  referralApi,
  referralBody,
  type ApiResponse,
  type CallerClaims,
  type ReferralApi,
} from '#test/support/referral-api.ts';

let runtime: RuntimeProcess;
let api: ReferralApi;
let auditDir: string;

const PROVIDE: CallerClaims = { sub: 'aa-provide-nurse', org: 'provide', roles: ['practitioner'] };
const ECC: CallerClaims = { sub: 'aa-ecc-social-worker', org: 'ecc', roles: ['practitioner'] };

const PERSON = { nhsNumber: randomNhsNumber(), name: 'Archibald Lockfile', dateOfBirth: '1936-07-21', postcode: 'CM2 9XY' };
const REASON = 'AUDIT-REASON: fell on the stairs, daughter worried';
const NOTE = 'AUDIT-NOTE: key safe code is with the neighbour';
const COMMENT = 'AUDIT-COMMENT: accepted after a call with the GP';

beforeAll(async () => {
  auditDir = mkdtempSync(join(tmpdir(), 'jointly-e2e-audit-'));
  runtime = await startRuntimeProcess({ DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'), JOINTLY_LOCAL_AUDIT_DIR: auditDir });
  api = referralApi(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
  if (auditDir) rmSync(auditDir, { recursive: true, force: true });
});

const must = async (reply: Promise<ApiResponse>, status: number): Promise<Record<string, unknown>> => {
  const response = await reply;
  expect(response.status, `${response.status} ${response.text}`).toBe(status);
  return (response.body ?? {}) as Record<string, unknown>;
};

/** Every file of the archive, relative to its folder, with its text. */
const archiveFiles = (): { path: string; text: string }[] =>
  (readdirSync(auditDir, { recursive: true, withFileTypes: true }) as { name: string; parentPath: string; isFile(): boolean }[])
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const full = join(entry.parentPath, entry.name);
      return { path: full.slice(auditDir.length + 1), text: readFileSync(full, 'utf8') };
    });

const linesOf = (files: { text: string }[]): ArchiveLine[] =>
  files.flatMap(({ text }) =>
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => ArchiveLineSchema.parse(JSON.parse(line))),
  );

describe('the local audit archive', () => {
  let referralId: string;

  beforeAll(async () => {
    const referral = await must(api.post(PROVIDE, '/referrals', referralBody({ subject: PERSON, reason: REASON })), 201);
    referralId = referral.id as string;
    await must(api.post(ECC, `/referrals/${referralId}/accept`, { comment: COMMENT }), 200);
    await must(api.post(ECC, `/referrals/${referralId}/notes`, { text: NOTE }), 201);
    await must(api.get(ECC, `/referrals/${referralId}`), 200);
    await must(api.post(undefined, '/_local/drain'), 200);
  });

  it('holds the access-log entry of a read, as the runtime wrote it, under access-log/day=<today>', () => {
    // Prepare
    const today = new Date().toISOString().slice(0, 10);

    // Act
    const files = archiveFiles();
    const reads = linesOf(files.filter((file) => file.path.startsWith('access-log'))).filter(
      (line) => line.kind === 'access' && line.item.referralId === referralId,
    );

    // Assess
    expect(files.map((file) => file.path)).toEqual(expect.arrayContaining([join('access-log', `day=${today}.jsonl`)]));
    expect(reads).toContainEqual(
      expect.objectContaining({
        kind: 'access',
        item: expect.objectContaining({ referralId, what: 'detail', actor: { sub: ECC.sub, org: 'ecc', role: 'practitioner' } }),
      }),
    );
  });

  it('holds the referral’s events, each once, with the comment as a hash and the note as its id', () => {
    // Act
    const events = linesOf(archiveFiles().filter((file) => file.path.startsWith('events'))).filter(
      (line) => line.kind === 'event' && line.item.referralId === referralId,
    );
    const types = events.map((line) => (line.item as { type: string }).type);

    // Assess
    expect(types).toEqual(['referral.submitted', 'referral.accepted', 'note.added']);
    expect(new Set(events.map((line) => line.sequenceNumber)).size).toBe(events.length);
    expect(events[1]!.item).toMatchObject({ commentSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(events[1]!.omittedFields).toEqual(['comment']);
    expect(events[2]!.item).toMatchObject({ data: { noteId: expect.any(String) } });
  });

  it('holds nothing that identifies the person, and no words of a note or comment', () => {
    // Act
    const everything = archiveFiles()
      .map((file) => file.text)
      .join('');

    // Assess
    expect(everything.length).toBeGreaterThan(0);
    for (const words of [PERSON.nhsNumber, PERSON.name, 'Archibald', PERSON.dateOfBirth, PERSON.postcode, REASON, NOTE, COMMENT]) {
      expect(everything).not.toContain(words);
    }
  });
});

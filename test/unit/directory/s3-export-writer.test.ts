/**
 * The S3 export writer is an adapter over the platform's S3 writer: one PutObject of the
 * document's UTF-8 bytes, as JSON, to its bucket, under the key it is given.
 */
import { describe, expect, it } from 'vitest';
import { S3ExportWriter, USER_EXPORT_CONTENT_TYPE } from '#shared/directory/data/s3-export-writer.ts';
import type { ObjectWriter, PutObjectInput } from '#shared/platform/aws/s3-object-writer.ts';

/** Records each object it is asked to store; fails when told to. */
class RecordingObjectWriter implements ObjectWriter {
  readonly puts: PutObjectInput[] = [];
  private readonly failure: Error | undefined;
  constructor(failure?: Error) {
    this.failure = failure;
  }
  async putObject(input: PutObjectInput): Promise<void> {
    this.puts.push(input);
    if (this.failure) throw this.failure;
  }
}

describe('S3ExportWriter', () => {
  it('puts the document to its bucket under the key, as UTF-8 JSON', async () => {
    // Prepare
    const objects = new RecordingObjectWriter();
    const writer = new S3ExportWriter({ bucket: 'jointly-prod-user-export', objects });
    const body = '{"name":"Zoë Ó Briain"}\n';

    // Act
    await writer.write('user-directory/2026/12/03/users-20261203T021507Z.json', body);

    // Assess
    expect(objects.puts).toHaveLength(1);
    const [put] = objects.puts;
    expect(put).toMatchObject({
      bucket: 'jointly-prod-user-export',
      key: 'user-directory/2026/12/03/users-20261203T021507Z.json',
      contentType: USER_EXPORT_CONTENT_TYPE,
    });
    expect(put!.contentEncoding).toBeUndefined();
    expect(new TextDecoder().decode(put!.body)).toBe(body);
    expect(put!.body.byteLength).toBe(Buffer.byteLength(body));
  });

  it('fails as the S3 writer failed, so the run fails and its alarm fires', async () => {
    // Prepare
    const writer = new S3ExportWriter({ bucket: 'b', objects: new RecordingObjectWriter(new Error('AccessDenied')) });

    // Act / Assess
    await expect(writer.write('user-directory/k.json', '{}')).rejects.toThrow('AccessDenied');
  });
});

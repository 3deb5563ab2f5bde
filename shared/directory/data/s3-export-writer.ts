/**
 * The export writer on S3: one `PutObject` of the document per export, through the platform's
 * S3 writer (shared/platform/aws/s3-object-writer.ts), which signs, retries and shapes errors
 * as the SDK would. This adapter only says which bucket, and that the body is JSON.
 *
 * The bucket encrypts with its default key (SSE-KMS, the stage key): the request names none.
 */
import { type ObjectWriter, S3ObjectWriter } from '../../platform/aws/s3-object-writer.ts';
import type { ExportWriter } from '../domain/ports.ts';

/** The content type every export is stored with. */
export const USER_EXPORT_CONTENT_TYPE = 'application/json';

/** Options of an {@link S3ExportWriter}. */
export interface S3ExportWriterOptions {
  /** The export bucket. */
  readonly bucket: string;
  /** What stores the objects. @default a {@link S3ObjectWriter} on the default region, endpoint and credentials */
  readonly objects?: ObjectWriter | undefined;
}

/** Writes exports to one S3 bucket. */
export class S3ExportWriter implements ExportWriter {
  private readonly bucket: string;
  private readonly objects: ObjectWriter;

  constructor(options: S3ExportWriterOptions) {
    this.bucket = options.bucket;
    this.objects = options.objects ?? new S3ObjectWriter();
  }

  async write(key: string, body: string): Promise<void> {
    await this.objects.putObject({
      bucket: this.bucket,
      key,
      body: new TextEncoder().encode(body),
      contentType: USER_EXPORT_CONTENT_TYPE,
    });
  }
}

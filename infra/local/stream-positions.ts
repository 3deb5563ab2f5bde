/**
 * Where the local stream poller is in each shard, kept in a JSON file when the data is
 * persisted (so a restart neither loses nor re-publishes events) and in memory otherwise.
 * The file names its stream: positions of a re-created table's old stream are ignored.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { logger } from '../../shared/platform/http/logger.ts';

/** A shard's saved position: the last sequence number handled, and whether it is read to its end. */
export interface ShardPosition {
  readonly sequenceNumber?: string;
  readonly finished?: boolean;
}

/** The position file's content. */
export interface SavedPositions {
  readonly streamArn: string;
  readonly shards: Readonly<Record<string, ShardPosition>>;
}

/** The positions saved for `streamArn` in `file`: none without a file, or when it is unreadable or of another stream. */
export const loadShardPositions = (file: string | undefined, streamArn: string | undefined): Record<string, ShardPosition> => {
  if (!streamArn || !file || !existsSync(file)) return {};
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedPositions;
    // Another stream (the table was re-created): its positions mean nothing here.
    return saved.streamArn === streamArn ? { ...saved.shards } : {};
  } catch {
    logger.warn('Stream position file unreadable: reading the stream from its start', { file });
    return {};
  }
};

/** Replaces the file's content (through a temporary file, so a crash leaves the old or the new one); a failure is logged. */
export const saveShardPositions = async (file: string, content: SavedPositions): Promise<void> => {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.tmp`, JSON.stringify(content, null, 1));
    await rename(`${file}.tmp`, file);
  } catch (error) {
    logger.error('Stream position could not be saved', { error: (error as Error)?.name });
  }
};

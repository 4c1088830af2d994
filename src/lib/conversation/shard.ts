/**
 * `--shard INDEX/TOTAL`: a stable, disjoint part of a suite, so that a CI matrix of TOTAL
 * machines (each with its own IP, so its own share of Cognigy's rate limit) runs the
 * whole suite once. A conversation's shard comes from a hash of its file (relative to the
 * `--script` root, `/`-separated) and its name: not from its position, so the order of
 * files on disk, a file added elsewhere or another machine's checkout path changes
 * nothing, and the conversations of one file (YAML suites, expanded utterances) spread
 * over the shards. A script that cannot be read goes to its file's shard, so it is
 * reported exactly once too.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { UsageError } from '../errors';
import type { Conversation, ScriptError } from './types';
import { isScriptError } from './types';

export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

export const MAX_SHARDS = 1000;

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || total > MAX_SHARDS || index < 1 || index > total) {
    throw new UsageError(`--shard ${text} is not a shard.`, `Give INDEX/TOTAL with 1 ≤ INDEX ≤ TOTAL ≤ ${MAX_SHARDS}, e.g. --shard 2/4 (GitHub Actions: --shard \${{ matrix.shard }}/4).`);
  }
  return { index, total };
}

/** 1-based shard of a conversation (or of a script error, by its file). */
export function shardOf(root: string, item: Conversation | ScriptError, total: number): number {
  const relative = path.relative(root, item.file).split(path.sep).join('/') || path.basename(item.file);
  const key = isScriptError(item) ? `${relative}\0` : `${relative}\0${item.name}`;
  return (createHash('sha1').update(key).digest().readUInt32BE(0) % total) + 1;
}

/** The items of `source` that belong to `shard`. */
export async function* inShard<T extends Conversation | ScriptError>(source: AsyncIterable<T>, root: string, shard: Shard): AsyncGenerator<T> {
  // A file given as --script is its own root: its conversations hash by file name and name.
  for await (const item of source) if (shardOf(root, item, shard.total) === shard.index) yield item;
}

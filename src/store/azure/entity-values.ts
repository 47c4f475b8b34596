// A document's JSON in a table entity, within Table Storage's limits: 64 KiB per property (a string holds at most
// 32K UTF-16 units) and 1 MiB per entity. Up to ~900 KB it is split across string properties v0..vN of at most
// 30,000 units; beyond that it goes to a block blob in `<prefix>-documents`, uploaded BEFORE the entity is written
// (the entity then holds only the blob's name), so an entity never points at a blob that isn't there yet.
import { randomUUID } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { blobCallLimit } from './clients';
import { statusOf } from './errors';

export const PART_UNITS = 30_000;
/** Strings count 2 bytes per UTF-16 unit toward the 1 MiB entity limit; keep well below it. */
export const INLINE_BYTES = 900_000;

export type ValueProperties = Record<string, string | number>;

export interface EncodedValue {
  properties: ValueProperties;
  /** The blob now holding the value, when it was too large for the entity. */
  blob?: string;
}

/** Cuts at most PART_UNITS units, never between the two halves of a surrogate pair. */
export function splitParts(json: string): string[] {
  const parts: string[] = [];
  for (let start = 0; start < json.length; ) {
    let end = Math.min(start + PART_UNITS, json.length);
    const last = json.charCodeAt(end - 1);
    if (end < json.length && last >= 0xd800 && last <= 0xdbff) {
      end -= 1;
    }
    parts.push(json.slice(start, end));
    start = end;
  }
  return parts;
}

/**
 * The same JSON with every non-ASCII character as a \\u escape (JSON.parse reads it back unchanged). Azurite
 * corrupts a multi-byte character that straddles a 64 KiB chunk of a request body; ASCII can't straddle.
 */
export function asciiJson(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export class EntityValues {
  constructor(private readonly blobs: ContainerClient) {}

  async encode(json: string): Promise<EncodedValue> {
    const ascii = asciiJson(json);
    if (ascii.length * 2 <= INLINE_BYTES) {
      const parts = splitParts(ascii);
      const properties: ValueProperties = { parts: parts.length };
      parts.forEach((part, i) => (properties[`v${i}`] = part));
      return { properties };
    }
    const blob = `${randomUUID()}.json`;
    const body = Buffer.from(json, 'utf8');
    await this.blobs.getBlockBlobClient(blob).upload(body, body.length, { blobHTTPHeaders: { blobContentType: 'application/json' }, ...blobCallLimit() });
    return { properties: { blob }, blob };
  }

  /** The JSON an entity holds; undefined when its blob is gone (replaced meanwhile: read the entity again). */
  async decode(entity: Record<string, unknown>): Promise<string | undefined> {
    if (typeof entity.blob === 'string') {
      try {
        return (await this.blobs.getBlockBlobClient(entity.blob).downloadToBuffer(0, undefined, blobCallLimit())).toString('utf8');
      } catch (err) {
        if (statusOf(err) === 404) {
          return undefined;
        }
        throw err;
      }
    }
    const count = Number(entity.parts);
    let json = '';
    for (let i = 0; i < count; i++) {
      json += String(entity[`v${i}`]);
    }
    return json;
  }

  /** Best effort: an orphaned blob costs storage, never correctness. */
  async remove(blob: string | undefined): Promise<void> {
    if (blob !== undefined) {
      await this.blobs.getBlockBlobClient(blob).deleteIfExists(blobCallLimit()).catch(() => undefined);
    }
  }
}

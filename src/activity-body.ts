// The body of POST /api/messages, before botbuilder sees it: read with a byte limit counted as it streams (chunked
// bodies too; a declared Content-Length over the limit is refused without reading), parsed as JSON, and checked for
// the shape of an activity. Anything else gets a 4xx here instead of a 500 from inside botbuilder.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';

export type BodyResult = { ok: true; activity: Record<string, unknown> } | { ok: false; status: 400 | 413 | 415; message: string };

/** Reads the whole body, or stops at the first byte over `maxBytes` (the rest is never read). */
export function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<{ ok: true; body: Buffer } | { ok: false; status: 400 | 413 | 415; message: string }> {
  const tooLarge = { ok: false as const, status: 413 as const, message: `The activity is larger than ${maxBytes} bytes.` };
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    // A compressed body would be counted compressed: refused rather than inflated without bound.
    return Promise.resolve({ ok: false, status: 415, message: `Content-Encoding ${encoding} is not supported.` });
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.resolve(tooLarge);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (result: { ok: true; body: Buffer } | { ok: false; status: 400 | 413 | 415; message: string }) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        req.pause();
        chunks.length = 0;
        finish(tooLarge);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks, received) });
    const onError = () => finish({ ok: false, status: 400, message: 'The request body could not be read.' });
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('aborted', onError);
  });
}

const account = z
  .object({ id: z.string({ required_error: 'is missing', invalid_type_error: 'must be a string' }).min(1, 'is empty') }, { required_error: 'is missing', invalid_type_error: 'must be an object' })
  .passthrough();
const optionalString = z.string({ invalid_type_error: 'must be a string' }).optional();

/** What botbuilder and this bot rely on in every activity; everything else passes through untouched. */
export const activityShape = z
  .object({
    type: z.string({ required_error: 'is missing', invalid_type_error: 'must be a string' }).min(1, 'is empty'),
    text: optionalString,
    id: optionalString,
    name: optionalString,
    replyToId: optionalString,
    channelId: optionalString,
    serviceUrl: optionalString,
    from: account,
    recipient: account,
    conversation: account,
  })
  .passthrough();

/** The body as an activity, or why it isn't one. */
export function parseActivity(body: Buffer): BodyResult {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, status: 400, message: 'The body is not valid JSON.' };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, status: 400, message: 'The body is not an activity (a JSON object).' };
  }
  const parsed = activityShape.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, status: 400, message: `Malformed activity: ${issue.path.join('.') || 'body'} ${issue.message}.` };
  }
  return { ok: true, activity: parsed.data };
}

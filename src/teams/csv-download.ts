// Downloading a leavers CSV sent to the bot in its 1:1 chat (issue 15, *Bulk*).
//
// Teams' file support for bots (Microsoft Learn, "Send and receive files using bot", bots/how-to/bots-filesv4, section
// "Receive files in personal chat"): with `"supportsFiles": true` in the manifest's bot entry, a file a user sends the
// bot in a personal chat is uploaded to their OneDrive first, and the bot receives a message activity with an attachment
// of contentType `application/vnd.microsoft.teams.file.download.info`, whose content has `downloadUrl` (pre-authenticated
// and short-lived: read it directly, no token), `uniqueId` and `fileType` (the extension, e.g. "csv"). Files are not
// delivered this way in channels or group chats (those need Graph): the bot takes them only in personal scope.
//
// The bytes are untrusted and so is the URL: only https (http to a loopback host when the bot runs on the simulated
// tenant), no credentials sent, at most MAX_CSV_BYTES (Content-Length checked, and the bytes counted while reading),
// a 10-second timeout for the whole download, redirects followed only to URLs passing the same checks.
import { z } from 'zod';
import { MAX_CSV_BYTES } from '../offboarding/batch/csv';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';
export const CSV_DOWNLOAD_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;

const fileInfo = z.object({
  contentType: z.literal(FILE_DOWNLOAD_INFO),
  name: z.string().max(500).optional(),
  content: z.object({
    downloadUrl: z.string().max(8000),
    uniqueId: z.string().max(500).optional(),
    fileType: z.string().max(50).optional(),
  }),
});

export interface FileDownloadInfo {
  name: string;
  downloadUrl: string;
  uniqueId?: string;
  fileType: string;
}

/** The files of a message: its attachments of Teams' file download type, well-formed. */
export function filesOf(attachments: unknown): FileDownloadInfo[] {
  if (!Array.isArray(attachments)) {
    return [];
  }
  return attachments.flatMap((a) => {
    const parsed = fileInfo.safeParse(a);
    if (!parsed.success) {
      return [];
    }
    const { name = '', content } = parsed.data;
    const extension = /\.([^.]+)$/.exec(name)?.[1] ?? '';
    return [{ name, downloadUrl: content.downloadUrl, ...(content.uniqueId ? { uniqueId: content.uniqueId } : {}), fileType: (content.fileType ?? extension).toLowerCase() }];
  });
}

/** True when the activity carries a file sent through Teams' file support (whatever its type). */
export function hasFile(attachments: unknown): boolean {
  return Array.isArray(attachments) && attachments.some((a) => (a as { contentType?: unknown } | null)?.contentType === FILE_DOWNLOAD_INFO);
}

export interface DownloadOptions {
  /** The bot runs on the simulated tenant: http to a loopback host is allowed too. */
  allowLoopbackHttp?: boolean;
  maxBytes?: number;
  timeoutMs?: number;
}

export type Downloaded = { ok: true; bytes: Buffer } | { ok: false; reason: string };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why this URL may not be fetched, or undefined. */
export function urlRefusal(raw: string, allowLoopbackHttp = false): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'its download link is not a valid URL';
  }
  if (url.username || url.password) {
    return 'its download link carries credentials';
  }
  if (url.protocol === 'https:') {
    return undefined;
  }
  if (url.protocol === 'http:' && allowLoopbackHttp && LOOPBACK.has(url.hostname)) {
    return undefined;
  }
  return 'its download link is not https';
}

/** The file's bytes, or why not. Never throws. */
export async function downloadCsv(file: FileDownloadInfo, options: DownloadOptions = {}): Promise<Downloaded> {
  const maxBytes = options.maxBytes ?? MAX_CSV_BYTES;
  const tooBig = `The file is larger than ${Math.round(maxBytes / 1024)} KB: split it into smaller files.`;
  if (file.fileType !== 'csv') {
    return { ok: false, reason: `“${file.name || 'The file'}” is not a CSV file: send a .csv file (columns: leaver, inheritor, effective date).` };
  }
  const signal = AbortSignal.timeout(options.timeoutMs ?? CSV_DOWNLOAD_TIMEOUT_MS);
  let url = file.downloadUrl;
  try {
    for (let redirects = 0; ; redirects++) {
      const refusal = urlRefusal(url, options.allowLoopbackHttp);
      if (refusal) {
        return { ok: false, reason: `I can't download the file: ${refusal}.` };
      }
      // No Authorization header: the link is pre-authenticated, and a token must never go to a URL from a message.
      const res = await fetch(url, { signal, redirect: 'manual', credentials: 'omit' });
      if (res.status >= 300 && res.status < 400 && res.headers.get('location') && redirects < MAX_REDIRECTS) {
        await res.body?.cancel();
        url = new URL(res.headers.get('location')!, url).toString();
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        return { ok: false, reason: `I can't download the file: the download answered HTTP ${res.status}. Send it again.` };
      }
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (Number.isFinite(declared) && declared > maxBytes) {
        await res.body?.cancel();
        return { ok: false, reason: tooBig };
      }
      const chunks: Uint8Array[] = [];
      let total = 0;
      const reader = res.body?.getReader();
      for (;;) {
        const chunk = (reader ? await reader.read() : { done: true, value: undefined }) as { done: boolean; value?: Uint8Array };
        if (chunk.done || !chunk.value) {
          break;
        }
        total += chunk.value.byteLength;
        if (total > maxBytes) {
          await reader!.cancel();
          return { ok: false, reason: tooBig };
        }
        chunks.push(chunk.value);
      }
      return { ok: true, bytes: Buffer.concat(chunks) };
    }
  } catch (err) {
    if (signal.aborted) {
      return { ok: false, reason: `I can't download the file: it took longer than ${Math.round((options.timeoutMs ?? CSV_DOWNLOAD_TIMEOUT_MS) / 1000)} seconds. Send it again.` };
    }
    return { ok: false, reason: `I can't download the file: ${err instanceof Error ? err.message : String(err)}. Send it again.` };
  }
}

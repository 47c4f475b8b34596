// The preflight's read plumbing: many GETs in one $batch, collections completed page by page, and the rule that a
// read which fails becomes a ReadWarning (DOMAIN.md "Pitfalls": a warning on the plan, never a crash).
import { M365Error, type M365ErrorInfo } from '../../m365/errors';
import type { GraphPort, GraphResult } from '../../m365/ports';
import type { ReadWarning } from '../snapshot';

export type Outcome = GraphResult | M365Error;

/** A read that failed for a reason other than M365 (an unexpected body, say) still becomes a warning. */
export function errorInfo(err: unknown): M365ErrorInfo {
  if (err instanceof M365Error) {
    return err.info;
  }
  const message = err instanceof Error ? err.message : String(err);
  return { service: 'graph', status: 0, code: err instanceof Error ? err.name : 'Error', message };
}

export class ReadWarnings {
  readonly list: ReadWarning[] = [];

  add(what: string, err: unknown): undefined {
    this.list.push({ what, error: errorInfo(err) });
    return undefined;
  }

  /** Runs a read; its failure becomes a warning and the part stays undefined. */
  async attempt<T>(what: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (err) {
      return this.add(what, err);
    }
  }
}

/**
 * GETs many URLs through $batch (JSON batching: ≤ 20 a batch, the gateway splits) and answers each by its key. The
 * batch as a whole failing (a 401, the network) answers every key with that error.
 */
export async function getAll<K extends string>(graph: GraphPort, urls: Record<K, string>): Promise<Record<K, Outcome>> {
  const keys = Object.keys(urls) as K[];
  let results: Outcome[];
  try {
    results = await graph.batch(keys.map((k) => ({ method: 'GET' as const, url: urls[k] })));
  } catch (err) {
    const failure = err instanceof M365Error ? err : new M365Error(errorInfo(err));
    results = keys.map(() => failure);
  }
  return Object.fromEntries(keys.map((k, i) => [k, results[i]!])) as Record<K, Outcome>;
}

/** Path and query under the version ("/users/…?$skiptoken=…") of an absolute @odata.nextLink, as graph.list takes it. */
export function underVersion(link: string): string {
  const url = new URL(link, 'https://graph.invalid');
  const at = url.pathname.search(/\/v1\.0\//i);
  return `${at === -1 ? url.pathname : url.pathname.slice(at + '/v1.0'.length)}${url.search}`;
}

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/** Every item of a collection whose first page came in a batch: the rest of the pages are followed (Paging doc). */
export async function collection<T>(graph: GraphPort, first: Outcome): Promise<T[]> {
  if (first instanceof M365Error) {
    throw first;
  }
  const page = first.body as Page<T> | undefined;
  if (!Array.isArray(page?.value)) {
    throw new TypeError('Graph answered a collection without a value array');
  }
  const next = page['@odata.nextLink'];
  return next ? [...page.value, ...(await graph.list<T>(underVersion(next)))] : page.value;
}

/** The body of a single-object GET; throws its error. */
export function entity<T>(outcome: Outcome): T {
  if (outcome instanceof M365Error) {
    throw outcome;
  }
  if (outcome.body === null || typeof outcome.body !== 'object') {
    throw new TypeError('Graph answered without an object body');
  }
  return outcome.body as T;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof M365Error && err.status === 404;
}

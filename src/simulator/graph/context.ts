// What a Graph handler receives and returns. The same shape serves a top-level HTTP request and a request inside
// $batch, so both go through exactly the same code.
import { graphErrors } from '../errors';
import type { TenantState } from '../state';

export interface GraphRequest {
  method: string;
  /** The path after /v1.0, e.g. `/users/jane@contoso.com/manager`, percent-decoded per segment. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
  /** `http://127.0.0.1:PORT`: absolute links (@odata.nextLink, @odata.context) are built from it. */
  origin: string;
  requestId: string;
  state: TenantState;
  /** Filled by the router. */
  params: Record<string, string>;
}

export interface GraphResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Applied, but the client gets no answer: the server destroys the connection (a lost-answer fault). */
  noResponse?: boolean;
}

export type GraphHandler = (req: GraphRequest) => GraphResult;

export const ok = (body: unknown): GraphResult => ({ status: 200, body });
export const noContent = (): GraphResult => ({ status: 204 });

export function contextUrl(req: GraphRequest, fragment: string): string {
  return `${req.origin}/v1.0/$metadata#${fragment}`;
}

/** A JSON object body, or an empty object when there is none. */
export function bodyObject(req: GraphRequest): Record<string, unknown> {
  return req.body !== null && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
}

/** The item whose id is the route parameter `param`, or Graph's 404 for that id. */
export function byParam<T extends { id: string }>(req: GraphRequest, items: T[], param = 'id', notFound: (id: string) => Error = graphErrors.notFound): T {
  const id = req.params[param] ?? '';
  const item = items.find((x) => x.id === id);
  if (!item) {
    throw notFound(id);
  }
  return item;
}

/** Percent-decodes each path segment (`jane%40contoso.com` → `jane@contoso.com`), keeping the separators. */
export function decodePath(pathname: string): string {
  return pathname
    .split('/')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    })
    .join('/');
}

export function isEventual(req: GraphRequest): boolean {
  return (req.headers.consistencylevel ?? '').toLowerCase() === 'eventual';
}

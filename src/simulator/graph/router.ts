// A small path router for the Graph routes: `/users/:user/memberOf/microsoft.graph.group` style patterns, matched
// segment by segment (case-insensitive for literals, as Graph is). Every route it holds is a documented v1.0 request.
import { GraphError } from '../errors';
import type { GraphHandler, GraphRequest, GraphResult } from './context';

interface Route {
  method: string;
  segments: string[];
  handler: GraphHandler;
}

export class GraphRouter {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: GraphHandler): this {
    this.routes.push({ method: method.toUpperCase(), segments: pattern.split('/').filter((s) => s !== ''), handler });
    return this;
  }

  private match(route: Route, segments: string[]): Record<string, string> | undefined {
    if (route.segments.length !== segments.length) {
      return undefined;
    }
    const params: Record<string, string> = {};
    for (let i = 0; i < segments.length; i++) {
      const pattern = route.segments[i]!;
      const actual = segments[i]!;
      if (pattern.startsWith(':')) {
        params[pattern.slice(1)] = actual;
      } else if (pattern.toLowerCase() !== actual.toLowerCase()) {
        return undefined;
      }
    }
    return params;
  }

  dispatch(req: GraphRequest): GraphResult {
    const segments = req.path.split('/').filter((s) => s !== '');
    let methodMismatch = false;
    for (const route of this.routes) {
      const params = this.match(route, segments);
      if (params === undefined) {
        continue;
      }
      if (route.method !== req.method) {
        methodMismatch = true;
        continue;
      }
      return route.handler({ ...req, params });
    }
    if (methodMismatch) {
      throw new GraphError(405, 'Request_BadRequest', `The HTTP method '${req.method}' is not allowed for the requested resource.`);
    }
    const last = segments.find((_, i) => !this.routes.some((r) => r.segments.length > i && (r.segments[i]!.startsWith(':') || r.segments[i]!.toLowerCase() === segments[i]!.toLowerCase()))) ?? segments.at(-1) ?? '';
    throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${last}'.`);
  }
}

// Collection and single-entity responses with Graph's query options and paging: 100 items a page unless $top says
// otherwise (1..999 for directory objects), an absolute @odata.nextLink carrying the original options plus
// $skiptoken (https://learn.microsoft.com/graph/paging).
import { GraphError, graphErrors } from '../errors';
import {
  decodeSkipToken,
  encodeSkipToken,
  evaluateFilter,
  filterProperties,
  matchesSearch,
  needsAdvancedQuery,
  orderBy,
  parseFilter,
  parseSearch,
  parseSelect,
  project,
} from '../odata';
import { contextUrl, isEventual, type GraphRequest, type GraphResult } from './context';

export interface EntityType {
  /** `user`, `group`... as in `microsoft.graph.user`; used in error texts. */
  name: string;
  /** Every property $select and $filter may name. */
  properties: readonly string[];
  /** What Graph returns without $select; undefined: every property. */
  defaults?: readonly string[];
  /** Directory objects obey the advanced-query rules for $search, $count, ne, not, endswith. */
  directory: boolean;
}

export interface ListOptions {
  type: EntityType;
  /** The @odata.context fragment, e.g. `users` or `directoryObjects`. */
  context: string;
  pageSize?: number;
  /**
   * A directory relationship (memberOf, transitiveMemberOf, ownedObjects, members, owners): $filter on it is an
   * advanced query ("Advanced query capabilities on Microsoft Entra ID objects").
   */
  relationship?: boolean;
  /**
   * The OData cast of a directory relationship whose reference page requires the advanced query parameters for it,
   * e.g. `microsoft.graph.group` (user-list-memberof, user-list-transitivememberof, group-list-transitivemembers:
   * "This header and $count are required when using the $search, $filter, $orderby, or OData cast query parameters";
   * the advanced-queries page lists "Use of OData cast with transitive members list"). Without both: 400.
   */
  cast?: string;
  /** Adds expanded navigation properties to a shaped item, given the full entity. */
  decorate?: (full: Entity, shaped: Entity) => Entity;
}

type Entity = Record<string, unknown>;

function checkProperty(type: EntityType, name: string): void {
  if (!type.properties.some((p) => p.toLowerCase() === name.toLowerCase())) {
    throw graphErrors.noProperty(name, type.name);
  }
}

export function selectFields(req: GraphRequest, type: EntityType): string[] | null {
  const fields = parseSelect(req.query.get('$select'));
  if (fields === null) {
    return type.defaults ? [...type.defaults] : null;
  }
  for (const f of fields) {
    checkProperty(type, f);
  }
  return fields;
}

export function shape(entity: Entity, fields: string[] | null): Entity {
  return fields === null ? entity : project(entity, fields);
}

export function entityResponse(req: GraphRequest, entity: Entity, type: EntityType, context: string, decorate?: ListOptions['decorate']): GraphResult {
  const shaped = shape(entity, selectFields(req, type));
  const body = decorate ? decorate(entity, shaped) : shaped;
  return { status: 200, body: { '@odata.context': contextUrl(req, `${context}/$entity`), ...body } };
}

function encodePath(path: string): string {
  return path.split('/').map((s) => encodeURIComponent(s).replace(/%40/g, '@').replace(/%24/g, '$')).join('/');
}

export function listResponse(req: GraphRequest, all: Entity[], options: ListOptions): GraphResult {
  const { type } = options;
  const q = req.query;
  const eventual = isEventual(req);
  const wantCount = (q.get('$count') ?? '').toLowerCase() === 'true';
  let items = all;

  if (options.cast !== undefined && !(eventual && wantCount)) {
    // Modelled on the text the advanced-queries page documents for endsWith; Graph's own text for a cast is not documented.
    throw graphErrors.unsupportedQuery(
      `OData cast '${options.cast}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
    );
  }

  const search = q.get('$search');
  if (search !== null) {
    if (type.directory && !eventual) {
      // The text Graph gives when the header is missing (advanced queries doc, "Error handling").
      throw graphErrors.badRequest("Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
    }
    const parsed = parseSearch(search);
    for (const c of parsed.clauses) {
      checkProperty(type, c.property);
    }
    items = items.filter((e) => matchesSearch(parsed, e));
  }

  const filter = q.get('$filter');
  if (filter !== null) {
    const node = parseFilter(filter);
    for (const p of filterProperties(node)) {
      checkProperty(type, p);
    }
    if (type.directory && (needsAdvancedQuery(node) || options.relationship === true) && !(eventual && wantCount)) {
      throw graphErrors.unsupportedQuery();
    }
    items = items.filter((e) => evaluateFilter(node, e));
  }

  // "If the ConsistencyLevel=eventual header is not specified, the request [...] silently ignores the $count query
  // parameter (?$count=true)" (advanced queries doc, "Error handling"): no @odata.count then.
  const counted = wantCount && (eventual || !type.directory);

  items = orderBy(items, q.get('$orderby'));

  let pageSize = options.pageSize ?? 100;
  const top = q.get('$top');
  if (top !== null) {
    const n = Number(top);
    const max = type.directory ? 999 : 1000;
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new GraphError(400, 'Request_BadRequest', `Invalid page size specified: '${top}'. Must be between 1 and ${max} inclusive.`);
    }
    pageSize = n;
  }
  const skipToken = q.get('$skiptoken');
  const offset = skipToken === null ? 0 : decodeSkipToken(skipToken);
  const page = items.slice(offset, offset + pageSize);
  const fields = selectFields(req, type);

  const body: Record<string, unknown> = { '@odata.context': contextUrl(req, options.context) };
  if (counted) {
    body['@odata.count'] = items.length;
  }
  if (offset + pageSize < items.length) {
    // Graph keeps the $ of option names literal and percent-encodes values.
    const next = [...q.entries()].filter(([k]) => k !== '$skiptoken').map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    next.push(`$skiptoken=${encodeSkipToken(offset + pageSize)}`);
    body['@odata.nextLink'] = `${req.origin}/v1.0${encodePath(req.path)}?${next.join('&')}`;
  }
  body.value = page.map((e) => (options.decorate ? options.decorate(e, shape(e, fields)) : shape(e, fields)));
  return { status: 200, body };
}

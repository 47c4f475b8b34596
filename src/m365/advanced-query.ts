// Advanced queries on directory objects ("Advanced query capabilities on Microsoft Entra ID objects"): an OData cast on
// a directory-object relationship — `/users/{id}/transitiveMemberOf/microsoft.graph.directoryRole`,
// `/groups/{id}/transitiveMembers/microsoft.graph.user` ("Use of OData cast with transitive members list") and, per
// their reference pages, casts on memberOf (user-list-memberof, user-list-transitivememberof,
// group-list-transitivemembers: "This header and $count are required when using the $search, $filter, $orderby, or
// OData cast query parameters") — needs the header `ConsistencyLevel: eventual` and `$count=true`. Queries that work
// without them also work with them ("Queries that are supported by default will also work with advanced query
// parameters"), so every cast on a directory-object list gets both, whether its page asks or not (ownedObjects,
// registeredDevices): one rule, applied by the gateway to every request (graph.ts), so no call site can forget it.
// Inside $batch the header goes on the inner request ("specify the ConsistencyLevel header in the JSON body").
import type { GraphRequest } from './ports';

export const CONSISTENCY_LEVEL_HEADER = 'ConsistencyLevel';

/** Directory-object relationships (the advanced-queries page's table) followed by an OData cast, e.g. `/memberOf/microsoft.graph.group`. */
const DIRECTORY_CAST =
  /\/(?:memberOf|transitiveMemberOf|ownedObjects|ownedDevices|registeredDevices|directReports|transitiveReports|members|transitiveMembers|owners|registeredOwners|registeredUsers)\/microsoft\.graph\.[A-Za-z]+(?:\/\$count)?\/?$/i;

function split(url: string): { path: string; query: string } {
  const at = url.indexOf('?');
  return at === -1 ? { path: url, query: '' } : { path: url.slice(0, at), query: url.slice(at + 1) };
}

/** A GET of a directory-object list through an OData cast (the path, without its query, decides). */
export function isDirectoryCast(request: Pick<GraphRequest, 'method' | 'url'>): boolean {
  return request.method === 'GET' && DIRECTORY_CAST.test(split(request.url).path);
}

/**
 * The request with the advanced query parameters when it is a directory cast: `ConsistencyLevel: eventual` (whatever
 * case the caller wrote the name in) and `$count=true` (not on a `/$count` segment, which counts already). Idempotent;
 * any other request comes back as it is.
 */
export function withAdvancedQuery(request: GraphRequest): GraphRequest {
  if (!isDirectoryCast(request)) {
    return request;
  }
  const { path, query } = split(request.url);
  const params = query.split('&').filter((p) => p !== '');
  const counted = /\/\$count\/?$/.test(path) || params.some((p) => /^(?:\$|%24)count=true$/i.test(p));
  const url = counted ? request.url : `${path}?${[...params.filter((p) => !/^(?:\$|%24)count=/i.test(p)), '$count=true'].join('&')}`;
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).filter(([k]) => k.toLowerCase() !== 'consistencylevel'));
  return { ...request, url, headers: { ...headers, [CONSISTENCY_LEVEL_HEADER]: 'eventual' } };
}

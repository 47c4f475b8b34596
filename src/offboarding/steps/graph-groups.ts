// Reading the leaver's groups again when the preflight couldn't (readAtRun), shared by the group steps.
import type { GraphPort } from '../../m365/ports';
import type { Target } from '../plan';
import { enc } from './context';

export interface GraphGroup {
  id: string;
  displayName: string;
  groupTypes?: string[];
  mailEnabled?: boolean;
  securityEnabled?: boolean;
  onPremisesSyncEnabled?: boolean | null;
  mail?: string | null;
}

const SELECT = '$select=id,displayName,groupTypes,mailEnabled,securityEnabled,onPremisesSyncEnabled,mail';

export type Removal = 'graph' | 'exchange' | 'none';

/** Dynamic and on-premises groups can't be changed here; mail-enabled groups only through Exchange. */
export function removalRoute(g: GraphGroup): Removal {
  if (g.groupTypes?.includes('DynamicMembership') || g.onPremisesSyncEnabled === true) {
    return 'none';
  }
  if (g.mailEnabled && !g.groupTypes?.includes('Unified')) {
    return 'exchange';
  }
  return 'graph';
}

export async function readMemberships(graph: GraphPort, userId: string, route: Removal, exclude: Set<string> = new Set()): Promise<Target[]> {
  const groups = await graph.list<GraphGroup>(`/users/${enc(userId)}/memberOf/microsoft.graph.group?${SELECT}`);
  return groups.filter((g) => removalRoute(g) === route && !exclude.has(g.id)).map((g) => ({ id: g.id, label: g.displayName, data: { mail: g.mail ?? null } }));
}

export async function readOwnerships(graph: GraphPort, userId: string): Promise<Target[]> {
  const groups = await graph.list<GraphGroup>(`/users/${enc(userId)}/ownedObjects/microsoft.graph.group?${SELECT}`);
  return groups.filter((g) => removalRoute(g) === 'graph').map((g) => ({ id: g.id, label: g.displayName }));
}

// Every Graph v1.0 route the simulator serves, in one router.
import { registerAdminUnits } from './adminUnits';
import { registerAuthMethods } from './authMethods';
import { registerDevices } from './devices';
import { registerGrants } from './grants';
import { registerGroups } from './groups';
import { registerLicences } from './licences';
import { registerMailAndDrive } from './mailAndDrive';
import { registerMembership } from './membership';
import { GraphRouter } from './router';
import { registerTeamsApps } from './teamsApps';
import { registerUsers } from './users';

export function createGraphRouter(): GraphRouter {
  const router = new GraphRouter();
  registerUsers(router);
  registerMembership(router);
  registerGroups(router);
  registerLicences(router);
  registerDevices(router);
  registerGrants(router);
  registerAuthMethods(router);
  registerMailAndDrive(router);
  registerTeamsApps(router);
  registerAdminUnits(router);
  return router;
}

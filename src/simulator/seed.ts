// Loads the demo organisation: the bundled src/simulator/seed/tenant.json (imported, so the build copies it next to
// the compiled code) or another file of the same shape.
import { readFileSync } from 'node:fs';
import bundled from './seed/tenant.json';
import type { SeedTenant } from './types';

const REQUIRED: (keyof SeedTenant)[] = ['tenant', 'personas', 'groupSettings', 'users', 'groups', 'directoryRoles', 'subscribedSkus', 'mailboxes', 'teamsApps'];

export function loadSeed(file?: string): SeedTenant {
  const data: unknown = file === undefined ? bundled : JSON.parse(readFileSync(file, 'utf8'));
  const missing = REQUIRED.filter((k) => data === null || typeof data !== 'object' || !(k in data));
  if (missing.length > 0) {
    throw new Error(`Seed file ${file ?? '(bundled)'} lacks: ${missing.join(', ')}`);
  }
  return data as SeedTenant;
}

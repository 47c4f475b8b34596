// The Microsoft 365 gateways for one tenant, sharing one credential (config.ts M365Settings).
import type { TokenCredential } from '@azure/identity';
import type { M365Settings } from '../config';
import { createCredential } from './credentials';
import { ExchangeGateway } from './exchange';
import { GraphGateway } from './graph';
import type { Governor } from './governor';
import type { GatewayOptions } from './transport';

export interface M365Gateways {
  graph: GraphGateway;
  exchange: ExchangeGateway;
  /** The credential both use (undefined with M365_CREDENTIAL=none); the doctor reads its tokens' roles. */
  credential: TokenCredential | undefined;
}

/**
 * Options apply to each gateway on its own: each has its own limiter, so `maxConcurrency` bounds Graph and Exchange
 * requests separately (they are throttled separately too). The governor, when given, is shared by both (and by the
 * Bot Connector sender): one per process.
 */
export function createM365(settings: M365Settings & { tenantDomain?: string }, options: GatewayOptions & { exchangeMaxConcurrency?: number; credential?: TokenCredential; governor?: Governor } = {}): M365Gateways {
  // An explicit credential (tests: tokens the simulated tenant receives, for the secret scan) wins over the settings.
  const credential = options.credential ?? createCredential(settings);
  return {
    graph: new GraphGateway({ ...options, baseUrl: settings.graphBaseUrl, credential }),
    exchange: new ExchangeGateway({ ...options, maxConcurrency: options.exchangeMaxConcurrency ?? options.maxConcurrency, baseUrl: settings.exchangeBaseUrl, tenantId: settings.tenantId, tenantDomain: settings.tenantDomain, credential }),
    credential,
  };
}

export { M365Error } from './errors';
export type { CallRecord, ExchangePort, ExchangeResult, GraphPort, GraphRequest, GraphResult } from './ports';
export type { GatewayOptions } from './transport';
export { Governor } from './governor';
export { ExchangeGateway, GraphGateway };

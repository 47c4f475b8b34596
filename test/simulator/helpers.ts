// Shared test plumbing: the real Graph client the bot uses, pointed at a simulated tenant, and a plain-fetch
// InvokeCommand caller.
import { Client, GraphError, RetryHandlerOptions, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { startSimulatedTenant, type SimulatedTenant, type SimulatorOptions } from '../../src/simulator';

const dummyAuth: AuthenticationProvider = { getAccessToken: () => Promise.resolve('dummy-token') };

export function graphClient(tenant: SimulatedTenant): Client {
  return Client.initWithMiddleware({ authProvider: dummyAuth, baseUrl: `${tenant.graphBaseUrl}/`, defaultVersion: 'v1.0' });
}

/** No retries: for asserting a 429/503 the RetryHandler would otherwise absorb. */
export const noRetry = [new RetryHandlerOptions(0, 0)];

/** What the bot does with an absolute nextLink: keep the path and query relative to the base URL. */
export function relativeToBase(tenant: SimulatedTenant, link: string): string {
  const prefix = `${tenant.graphBaseUrl}/v1.0`;
  if (!link.startsWith(prefix)) {
    throw new Error(`nextLink ${link} is not under ${prefix}`);
  }
  return link.slice(prefix.length);
}

export async function graphFailure(p: Promise<unknown>): Promise<GraphError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GraphError) {
      return e;
    }
    throw e;
  }
  throw new Error('expected the Graph request to fail');
}

export interface ExchangeAnswer {
  status: number;
  body: {
    value?: Record<string, unknown>[];
    '@adminapi.warnings'?: string[];
    error?: { code: string; message: string; details?: { code: string; message: string }[]; innererror?: { type: string; internalexception?: { message: string; type: string } } };
  };
}

export async function invoke(tenant: SimulatedTenant, cmdlet: string, parameters: Record<string, unknown> = {}, anchor?: string): Promise<ExchangeAnswer> {
  const res = await fetch(`${tenant.exchangeBaseUrl}/adminapi/beta/${tenant.tenantId}/InvokeCommand`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-AnchorMailbox': anchor ?? `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${tenant.tenantId}`,
    },
    body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } }),
  });
  return { status: res.status, body: (await res.json()) as ExchangeAnswer['body'] };
}

export const JANE_UPN = 'jane.doe@contoso.com';

export interface TenantFixture {
  tenant: SimulatedTenant;
  client: Client;
  /** tenant.personas */
  P: Record<string, string>;
}

/** Starts one tenant for the enclosing describe, resets it before each test, closes it after. */
export function useTenant(options: SimulatorOptions = {}): TenantFixture {
  const fixture = {} as TenantFixture;
  before(async () => {
    fixture.tenant = await startSimulatedTenant(options);
    fixture.client = graphClient(fixture.tenant);
    fixture.P = fixture.tenant.personas;
  });
  after(() => fixture.tenant.close());
  beforeEach(() => fixture.tenant.reset());
  return fixture;
}

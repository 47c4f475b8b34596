// The Exchange gateway: runs one cmdlet through InvokeCommand, the REST transport of the ExchangeOnlineManagement
// module and of CIPP's New-ExoRequest (undocumented as a public API; DOMAIN.md "What Graph cannot do"):
//   POST {base}/adminapi/beta/{tenantId}/InvokeCommand  {"CmdletInput":{"CmdletName","Parameters"}}
// Success: {"value":[…], "@adminapi.warnings":[…], "@odata.nextLink"?}; failures: errors.ts exchangeError.
import type { TokenCredential } from '@azure/identity';
import { clientError, exchangeError, networkError, type M365Error } from './errors';
import type { Governor } from './governor';
import { retryAfterMs } from './graphChain';
import { Limiter } from './limiter';
import type { ExchangePort, ExchangeResult } from './ports';
import { currentSendGuard } from './send-guard';
import { metered, parseBody, resolvePolicy, withRetries, type GatewayOptions, type GatewayPolicy } from './transport';

export const EXCHANGE_SCOPE = 'https://outlook.office365.com/.default';

/**
 * The arbitration mailbox that anchors tenant-wide cmdlets. CIPP's New-ExoRequest sends
 * `APP:SystemMailbox{bb558c35-…}@<tenant id>` when no mailbox is given; the tenant's initial domain works as well.
 */
export function systemMailboxAnchor(tenant: string): string {
  return `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${tenant}`;
}

export interface ExchangeGatewayOptions extends GatewayOptions {
  /** e.g. https://outlook.office365.com (config EXCHANGE_BASE_URL). */
  baseUrl: string;
  tenantId: string;
  /** The tenant's initial (*.onmicrosoft.com) domain for the system-mailbox anchor; the tenant id otherwise. */
  tenantDomain?: string;
  credential?: TokenCredential;
  /** The process's governor (governor.ts): every cmdlet draws on the Exchange budget. None: no pacing. */
  governor?: Governor;
}

interface InvokeBody<T> {
  value?: T[] | T;
  '@adminapi.warnings'?: string[];
  '@odata.nextLink'?: string;
}

interface Page<T> {
  status: number;
  requestId?: string;
  body: InvokeBody<T> | undefined;
}

export class ExchangeGateway implements ExchangePort {
  private readonly policy: GatewayPolicy;
  private readonly endpoint: URL;
  /** Shared by every cmdlet of this gateway: bounds the HTTP requests in flight. */
  readonly limiter: Limiter;

  constructor(private readonly options: ExchangeGatewayOptions) {
    this.policy = resolvePolicy(options);
    this.limiter = new Limiter(this.policy.maxConcurrency);
    this.endpoint = new URL(`${options.baseUrl.replace(/\/+$/, '')}/adminapi/beta/${encodeURIComponent(options.tenantId)}/InvokeCommand`);
  }

  async invoke<T = Record<string, unknown>>(cmdlet: string, parameters: Record<string, unknown>, anchorMailbox?: string, options: { once?: boolean } = {}): Promise<ExchangeResult<T>> {
    const body = JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } });
    const anchor = anchorMailbox ? `UPN:${anchorMailbox}` : systemMailboxAnchor(this.options.tenantDomain ?? this.options.tenantId);
    const value: T[] = [];
    const warnings: string[] = [];
    let requestId: string | undefined;
    // Large outputs come in pages (CIPP asks for 1000 a page and follows @odata.nextLink with the same POST).
    let url: URL | undefined = this.endpoint;
    while (url !== undefined) {
      const target: URL = url;
      const retryable = options.once ? (e: M365Error) => e.status === 429 : (e: M365Error) => e.transient;
      const page = await withRetries(this.policy, retryable, (attempt) => this.post<T>(target, body, anchor, cmdlet, attempt));
      requestId ??= page.requestId;
      const out = page.body?.value;
      value.push(...(out === undefined || out === null ? [] : Array.isArray(out) ? out : [out]));
      warnings.push(...(page.body?.['@adminapi.warnings'] ?? []));
      url = this.nextPage(page.body?.['@odata.nextLink']);
    }
    return { value, warnings, requestId };
  }

  /** A next link on the same origin as the endpoint; anywhere else would receive the token. */
  private nextPage(link: string | undefined): URL | undefined {
    if (link === undefined || link === null) {
      return undefined;
    }
    const next = new URL(link, this.endpoint);
    if (next.origin !== this.endpoint.origin) {
      throw new Error(`InvokeCommand nextLink ${next.origin}${next.pathname} is outside ${this.endpoint.origin}`);
    }
    return next;
  }

  private async headers(anchor: string, cmdlet: string): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      Accept: 'application/json',
      'X-AnchorMailbox': anchor,
      Prefer: 'odata.maxpagesize=1000',
    };
    if (this.options.credential) {
      let token;
      try {
        token = await this.options.credential.getToken(EXCHANGE_SCOPE);
      } catch (e) {
        throw clientError('exchange', e, { cmdlet });
      }
      if (!token) {
        throw clientError('exchange', new Error(`The credential returned no token for ${EXCHANGE_SCOPE}`), { cmdlet });
      }
      headers.Authorization = `Bearer ${token.token}`;
    }
    return headers;
  }

  private async post<T>(url: URL, body: string, anchor: string, cmdlet: string, attempt: number): Promise<Page<T>> {
    const record = { service: 'exchange' as const, method: 'POST', url: `InvokeCommand ${cmdlet}`, attempt };
    const governor = this.options.governor;
    // The permit first, then the token (cached by the credential): a cmdlet that waited for its budget never leaves
    // with a token that expired while it waited.
    const guard = currentSendGuard();
    const permit = await governor?.acquire('exchange');
    let answer;
    try {
      const headers = await this.headers(anchor, cmdlet);
      answer = await this.limiter.run(() => {
      guard?.(); // refused before it leaves (send-guard.ts)
      return metered(this.policy.onCall, record, async () => {
        try {
          permit?.sent(); // counted in the governor's window from now: it may have waited for this slot since its grant
          const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.policy.requestTimeoutMs) });
          const text = await res.text();
          return { status: res.status, requestId: res.headers.get('request-id') ?? res.headers.get('x-requestid') ?? undefined, headers: res.headers, parsed: parseBody(text) };
        } catch (e) {
          throw networkError('exchange', e, { cmdlet });
        }
      });
      });
    } finally {
      permit?.release();
    }
    governor?.observe('exchange', answer.status, retryAfterMs(answer.headers.get('retry-after')));
    if (answer.status < 200 || answer.status >= 300) {
      throw exchangeError(answer.status, answer.parsed, answer.headers, cmdlet);
    }
    return { status: answer.status, requestId: answer.requestId, body: answer.parsed as InvokeBody<T> | undefined };
  }
}

// errors.ts on bodies shaped like the services' own: Graph errors quoted from public reports, and InvokeCommand
// errors in the shapes captured from live tenants (with and without `details`).
import assert from 'node:assert/strict';
import { clientError, exchangeError, graphError, M365Error, networkError, parseRetryAfter } from '../../src/m365/errors';

// Graph's 404 for a missing object, as reported in microsoftgraph/microsoft-graph-docs#6059.
const GRAPH_404 = {
  error: {
    code: 'Request_ResourceNotFound',
    message: "Resource '8c14a998-3c8d-4c52-ad09-c9032671ea31' does not exist or one of its queried reference-property objects are not present.",
    innerError: { date: '2019-10-23T09:28:27', 'request-id': '5f20c0fe-279c-4c59-bdd2-1ea5a9613d81' },
  },
};

// Graph's 429 with its headers, as posted on Microsoft Q&A (questions/1138873).
const GRAPH_429 = {
  error: {
    code: 'TooManyRequests',
    message: 'Too many requests from Identifier:West Europe under category:throttle.aad.ags.subscriptionservice.dc.list. Please try again later.',
    innerError: { date: '2022-12-22T08:00:18', 'request-id': 'a15c7ea4-d7e4-4d57-9cf0-d5b8fd22aad0', 'client-request-id': 'a15c7ea4-d7e4-4d57-9cf0-d5b8fd22aad0' },
  },
};
const GRAPH_429_HEADERS = new Headers({ 'Retry-After': '5', 'request-id': 'a15c7ea4-d7e4-4d57-9cf0-d5b8fd22aad0', Date: 'Thu, 22 Dec 2022 08:00:18 GMT' });

/**
 * An InvokeCommand error body in the shape captured from live tenants: the .NET exception in
 * innererror.internalexception and, for most errors, again in details[] as "<error id>|<type>|<text>".
 */
function invokeCommandError(code: string, message: string, type: string, text: string, errorId?: string): unknown {
  return {
    error: {
      code,
      message,
      ...(errorId === undefined ? {} : { details: [{ code: 'Client', target: '', message: `${errorId}|${type}|${text}` }] }),
      innererror: { message, type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException', stacktrace: '', internalexception: { message: text, type, stacktrace: '' } },
    },
  };
}

// A task error: the text is in details (error id Ex…) and internalexception.
const EXO_NOT_FOUND = invokeCommandError(
  'NotFound',
  'Error executing cmdlet',
  'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
  "The operation couldn't be performed because object 'leo@contoso.com' couldn't be found on 'AM6PR01A03DC001.EURPR01A003.prod.outlook.com'.",
  'Ex6F9304',
);

// Parameter transformation: no details at all, only innererror.internalexception.
const EXO_BAD_ENUM = invokeCommandError(
  'BadRequest',
  'Invalid Operation',
  'Microsoft.Exchange.AdminApi.CommandInvocation.ParameterTransformationException',
  'Cannot process argument transformation on parameter \'Type\'. Cannot convert value "Shred" to type "Microsoft.Exchange.Management.RecipientTasks.ConvertibleMailboxSubType".',
);

// Unknown parameter: details with an empty error id, and innererror.
const EXO_UNKNOWN_PARAMETER = invokeCommandError(
  'BadRequest',
  'Invalid Operation',
  'Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException',
  'Parameter set cannot be resolved using the specified named parameters. Invalid cmdlet parameters specified. Shared',
  '',
);

describe('m365 errors: graphError', () => {
  it('reads code, message, request id and date from a Graph error body', () => {
    const e = graphError(404, GRAPH_404, undefined, { method: 'GET', url: '/users/8c14a998-3c8d-4c52-ad09-c9032671ea31' });
    assert.ok(e instanceof M365Error);
    assert.deepEqual([e.service, e.status, e.code, e.requestId, e.info.date, e.transient], ['graph', 404, 'Request_ResourceNotFound', '5f20c0fe-279c-4c59-bdd2-1ea5a9613d81', '2019-10-23T09:28:27', false]);
    assert.match(e.message, /^Resource '8c14a998-.*' does not exist/);
    assert.equal(e.summary(), `404 Request_ResourceNotFound: ${e.message} (request id 5f20c0fe-279c-4c59-bdd2-1ea5a9613d81)`);
    assert.equal((JSON.parse(JSON.stringify(e)) as { requestId: string }).requestId, '5f20c0fe-279c-4c59-bdd2-1ea5a9613d81');
  });

  it('takes Retry-After from fetch Headers and marks 429 transient', () => {
    const e = graphError(429, GRAPH_429, GRAPH_429_HEADERS);
    assert.deepEqual([e.code, e.retryAfterMs, e.transient, e.requestId], ['TooManyRequests', 5000, true, 'a15c7ea4-d7e4-4d57-9cf0-d5b8fd22aad0']);
  });

  it('falls back to the request-id header and a status code when the body is not Graph-shaped', () => {
    const e = graphError(502, '<html>Bad Gateway</html>', { 'Request-Id': 'hdr-1' });
    assert.deepEqual([e.code, e.message, e.requestId, e.transient], ['HTTP502', '<html>Bad Gateway</html>', 'hdr-1', false]);
    const empty = graphError(503, undefined);
    assert.deepEqual([empty.code, empty.message, empty.transient], ['HTTP503', 'Graph answered 503', true]);
  });

  it("treats Entra's 409 Directory_ConcurrencyViolation as transient, other 409s not", () => {
    assert.equal(graphError(409, { error: { code: 'Directory_ConcurrencyViolation', message: 'Another update is in progress.' } }).transient, true);
    assert.equal(graphError(409, { error: { code: 'Conflict', message: 'App already installed.' } }).transient, false);
  });
});

describe('m365 errors: exchangeError', () => {
  it('takes the exception type and text from details', () => {
    const e = exchangeError(404, EXO_NOT_FOUND, new Headers({ 'request-id': 'exo-1' }), 'Get-Mailbox');
    assert.deepEqual([e.service, e.status, e.code, e.requestId, e.info.cmdlet, e.transient], ['exchange', 404, 'ManagementObjectNotFoundException', 'exo-1', 'Get-Mailbox', false]);
    assert.match(e.message, /^The operation couldn't be performed because object 'leo@contoso.com'/);
  });

  it('reads innererror.internalexception when there are no details (never just "Invalid Operation")', () => {
    const e = exchangeError(400, EXO_BAD_ENUM, undefined, 'Set-Mailbox');
    assert.equal(e.code, 'ParameterTransformationException');
    assert.match(e.message, /^Cannot process argument transformation on parameter 'Type'/);
  });

  it('strips the "|Type|" prefix of a details message that has an empty error id', () => {
    const e = exchangeError(400, EXO_UNKNOWN_PARAMETER);
    assert.equal(e.code, 'AmbiguousParameterSetException');
    assert.equal(e.message, 'Parameter set cannot be resolved using the specified named parameters. Invalid cmdlet parameters specified. Shared');
  });

  it('falls back to error.code and error.message, then to the status', () => {
    const bare = exchangeError(400, { error: { code: 'BadRequest', message: 'Invalid Operation' } });
    assert.deepEqual([bare.code, bare.message], ['BadRequest', 'Invalid Operation']);
    const throttled = exchangeError(429, { error: { code: 'TooManyRequests', message: 'Too many requests.' } }, { 'Retry-After': '2' });
    assert.deepEqual([throttled.retryAfterMs, throttled.transient], [2000, true]);
    const empty = exchangeError(403, undefined, { 'X-RequestId': 'x-1' });
    assert.deepEqual([empty.code, empty.message, empty.requestId], ['HTTP403', 'Exchange answered 403', 'x-1']);
  });
});

describe('m365 errors: parseRetryAfter, networkError, clientError', () => {
  it('parses seconds and HTTP dates; ignores blanks and nonsense', () => {
    assert.equal(parseRetryAfter('5'), 5000);
    assert.equal(parseRetryAfter('0'), 0);
    assert.equal(parseRetryAfter('1.5'), 1500);
    const now = Date.parse('Thu, 22 Dec 2022 08:00:18 GMT');
    assert.equal(parseRetryAfter('Thu, 22 Dec 2022 08:00:48 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Thu, 22 Dec 2022 07:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter(''), undefined);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });

  it('networkError is transient, status 0, and names the cause fetch keeps apart', () => {
    const e = networkError('graph', new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') }), { method: 'GET', url: '/users' });
    assert.deepEqual([e.status, e.code, e.transient, e.message, e.info.url], [0, 'NetworkError', true, 'fetch failed (connect ECONNREFUSED 127.0.0.1:9)', '/users']);
    assert.equal(e.summary(), 'no answer NetworkError: fetch failed (connect ECONNREFUSED 127.0.0.1:9)');
  });

  it('clientError keeps the error name as code and is not transient', () => {
    const auth = clientError('exchange', Object.assign(new Error('AADSTS700016: Application not found.'), { name: 'AuthenticationError' }), { cmdlet: 'Get-Mailbox' });
    assert.deepEqual([auth.status, auth.code, auth.transient, auth.info.cmdlet], [0, 'AuthenticationError', false, 'Get-Mailbox']);
    assert.equal(clientError('graph', 'odd').code, 'ClientError');
  });
});

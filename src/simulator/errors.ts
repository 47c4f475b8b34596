// Error bodies in the services' own shapes.
//
// Graph: {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}
// (https://learn.microsoft.com/graph/errors). The codes and texts used by the simulator are the ones Graph returns
// for the same situation, as quoted in Microsoft's docs and in issues filed against microsoftgraph/microsoft-graph-docs.
//
// Exchange InvokeCommand (the REST transport of the ExchangeOnlineManagement module, not publicly documented):
// {"error":{"code","message","details":[{"code":"Client","target":"","message":"<id>|<.NET type>|<text>"}],
//  "innererror":{"message","type":"Microsoft.Exchange.Admin.OData.Core.ODataServiceException","stacktrace":"",
//  "internalexception":{"message","type","stacktrace":""}}}} — the shape of bodies captured from live tenants.

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export function graphErrorBody(code: string, message: string, requestId: string, date = new Date()): unknown {
  return {
    error: {
      code,
      message,
      innerError: {
        date: date.toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': requestId,
      },
    },
  };
}

/** Well-known Graph failures, one place for their exact texts. */
export const graphErrors = {
  notFound: (id: string): GraphError =>
    new GraphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`),
  badRequest: (message: string): GraphError => new GraphError(400, 'Request_BadRequest', message),
  unsupportedQuery: (message = 'Unsupported Query.'): GraphError => new GraphError(400, 'Request_UnsupportedQuery', message),
  noProperty: (name: string, type: string): GraphError =>
    new GraphError(400, 'Request_BadRequest', `Could not find a property named '${name}' on type 'microsoft.graph.${type}'.`),
  // "Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently
  // undergoing migration." — Graph's answer to cloud writes on synced users and groups (user-update / group docs).
  onPremisesMastered: (): GraphError =>
    new GraphError(
      400,
      'Request_BadRequest',
      'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
    ),
  insufficientPrivileges: (): GraphError => new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
};

export class ExchangeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly topMessage: string,
    readonly exceptionType: string,
    message: string,
    /** The "Ex..." prefix of a task error; empty for parameter-binding errors. */
    readonly errorId = '',
    readonly withDetails = true,
  ) {
    super(message);
    this.name = 'ExchangeError';
  }
}

export function exchangeErrorBody(e: ExchangeError): unknown {
  const internal = { message: e.message, type: e.exceptionType, stacktrace: '' };
  return {
    error: {
      code: e.code,
      message: e.topMessage,
      ...(e.withDetails ? { details: [{ code: 'Client', target: '', message: `${e.errorId}|${e.exceptionType}|${e.message}` }] } : {}),
      innererror: {
        message: e.topMessage,
        type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
        stacktrace: '',
        internalexception: internal,
      },
    },
  };
}

export const exchangeErrors = {
  objectNotFound: (identity: string, server: string): ExchangeError =>
    new ExchangeError(
      404,
      'NotFound',
      'Error executing cmdlet',
      'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
      `The operation couldn't be performed because object '${identity}' couldn't be found on '${server}'.`,
      'Ex6F9304',
    ),
  unknownCmdlet: (name: string): ExchangeError =>
    new ExchangeError(
      400,
      'BadRequest',
      'Invalid Operation',
      'System.Management.Automation.CommandNotFoundException',
      `The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
      '',
      false,
    ),
  unknownParameters: (names: string[]): ExchangeError =>
    new ExchangeError(
      400,
      'BadRequest',
      'Invalid Operation',
      'Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException',
      `Parameter set cannot be resolved using the specified named parameters. Invalid cmdlet parameters specified. ${names.join(',')}`,
    ),
  missingParameter: (cmdlet: string, name: string): ExchangeError =>
    new ExchangeError(
      400,
      'BadRequest',
      'Invalid Operation',
      'System.Management.Automation.ParameterBindingException',
      `Cannot process command because of one or more missing mandatory parameters: ${name}. (${cmdlet})`,
    ),
  badValue: (parameter: string, value: unknown, type: string, allowed?: string[]): ExchangeError =>
    new ExchangeError(
      400,
      'BadRequest',
      'Invalid Operation',
      'Microsoft.Exchange.AdminApi.CommandInvocation.ParameterTransformationException',
      `Cannot process argument transformation on parameter '${parameter}'. Cannot convert value "${String(value)}" to type "${type}".` +
        (allowed ? ` Error: "Unable to match the identifier name ${String(value)} to a valid enumerator name. Specify one of the following enumerator names and try again: ${allowed.join(', ')}"` : ''),
      '',
      false,
    ),
  task: (exceptionType: string, message: string, errorId = 'Ex0F2A6B'): ExchangeError =>
    new ExchangeError(400, 'BadRequest', 'Error executing cmdlet', exceptionType, message, errorId),
};

// The Azure Storage clients of one store: tables and containers named from the prefix, created when missing.
// A connection string (Azurite, or keys in development) or an account name with a token credential (production: the
// app's managed identity through DefaultAzureCredential, which honours AZURE_CLIENT_ID for a user-assigned one).
// Every request has a time limit: without one, a connection that never answers would hold a run's drive or the
// housekeeping tick forever, and a dead instance's runs would never be taken over. Tables: each try, through the
// HTTP client (timedHttpClient). Blobs: the blob SDK takes no such client, so each call passes blobCallLimit().
import { TableClient } from '@azure/data-tables';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';

export interface AzureStorageSettings {
  connectionString?: string;
  accountName?: string;
  /** Lowercase letters and digits, starting with a letter (config.ts AZURE_STORAGE_PREFIX). */
  prefix: string;
  credential?: TokenCredential;
}

export interface AzureClients {
  documents: TableClient;
  auditIndex: TableClient;
  documentBlobs: ContainerClient;
  audit: ContainerClient;
  blobService: BlobServiceClient;
}

/** Names built from the prefix: tables alphanumeric, containers 3-63 lowercase with '-'. */
export function storageNames(prefix: string): { documents: string; auditIndex: string; documentBlobs: string; audit: string; leases: string } {
  return { documents: `${prefix}documents`, auditIndex: `${prefix}auditindex`, documentBlobs: `${prefix}-documents`, audit: `${prefix}-audit`, leases: `${prefix}-leases` };
}

/**
 * The longest one try of a table request may take until its answer starts. The SDK sets none; every entity here is
 * small and Azure answers in milliseconds, so 10 s means the connection is gone. The call then fails (an AbortError),
 * and the drive or tick that made it ends with an error its caller logs; the next tick tries again.
 */
export const STORAGE_TRY_TIMEOUT_MS = 10_000;
/** A whole blob call, its retries included (the blob SDK's `tryTimeoutInMs` only asks the service to give up). */
export const BLOB_CALL_TIMEOUT_MS = 30_000;

/** The options that bound one blob call in time. */
export function blobCallLimit(ms = BLOB_CALL_TIMEOUT_MS): { abortSignal: AbortSignal } {
  return { abortSignal: AbortSignal.timeout(ms) };
}

/** The SDKs' own HTTP client, with a time limit on each try that has none of its own. */
export function timedHttpClient(timeoutMs = STORAGE_TRY_TIMEOUT_MS, inner: HttpClient = createDefaultHttpClient()): HttpClient {
  return {
    sendRequest(request) {
      if (!request.timeout || request.timeout > timeoutMs) {
        request.timeout = timeoutMs;
      }
      return inner.sendRequest(request);
    },
  };
}

export function blobServiceFor(settings: AzureStorageSettings): BlobServiceClient {
  if (settings.connectionString !== undefined) {
    return BlobServiceClient.fromConnectionString(settings.connectionString);
  }
  return new BlobServiceClient(`https://${accountName(settings)}.blob.core.windows.net`, settings.credential ?? new DefaultAzureCredential());
}

function tableFor(settings: AzureStorageSettings, name: string): TableClient {
  if (settings.connectionString !== undefined) {
    // Plain http only where the connection string says so (Azurite on loopback).
    const insecure = /(DefaultEndpointsProtocol=http;|Endpoint=http:)/i.test(settings.connectionString);
    return TableClient.fromConnectionString(settings.connectionString, name, { allowInsecureConnection: insecure, httpClient: timedHttpClient() });
  }
  return new TableClient(`https://${accountName(settings)}.table.core.windows.net`, name, settings.credential ?? new DefaultAzureCredential(), { httpClient: timedHttpClient() });
}

function accountName(settings: AzureStorageSettings): string {
  if (settings.accountName === undefined) {
    throw new Error('the Azure store needs a connection string or an account name');
  }
  return settings.accountName;
}

/** A container, created when missing ("already exists" is fine: another instance was first). */
export async function ensureContainer(service: BlobServiceClient, name: string): Promise<ContainerClient> {
  const container = service.getContainerClient(name);
  await container.createIfNotExists(blobCallLimit());
  return container;
}

export async function openClients(settings: AzureStorageSettings): Promise<AzureClients> {
  const names = storageNames(settings.prefix);
  const blobService = blobServiceFor(settings);
  const documents = tableFor(settings, names.documents);
  const auditIndex = tableFor(settings, names.auditIndex);
  // createTable ignores TableAlreadyExists itself.
  await Promise.all([documents.createTable(), auditIndex.createTable()]);
  const [documentBlobs, audit] = await Promise.all([ensureContainer(blobService, names.documentBlobs), ensureContainer(blobService, names.audit)]);
  return { documents, auditIndex, documentBlobs, audit, blobService };
}

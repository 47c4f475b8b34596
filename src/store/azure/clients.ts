// The Azure Storage clients of one store: tables and containers named from the prefix, created when missing.
// A connection string (Azurite, or keys in development) or an account name with a token credential (production: the
// app's managed identity through DefaultAzureCredential, which honours AZURE_CLIENT_ID for a user-assigned one).
import { TableClient } from '@azure/data-tables';
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
    return TableClient.fromConnectionString(settings.connectionString, name, { allowInsecureConnection: insecure });
  }
  return new TableClient(`https://${accountName(settings)}.table.core.windows.net`, name, settings.credential ?? new DefaultAzureCredential());
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
  await container.createIfNotExists();
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

// Nothing in the Azure store waits forever. A storage connection that never answers fails the call within its limit
// instead of holding a drive or the housekeeping tick: tables through the timed HTTP client (each try), blobs through
// blobCallLimit (each call). A fence that keeps refusing to advance is an error, not a spin.
import assert from 'node:assert/strict';
import net from 'node:net';
import { AzureNamedKeyCredential, TableClient } from '@azure/data-tables';
import { RestError } from '@azure/core-rest-pipeline';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { blobCallLimit, STORAGE_TRY_TIMEOUT_MS, timedHttpClient } from '../../src/store/azure/clients';
import { AzureFences } from '../../src/store/azure/fences';
import { fenceRowKey } from '../../src/store/azure/keys';

const KEY = Buffer.from('not a real key').toString('base64');

/** A server that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/devstoreaccount1`,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('Azure Storage calls have a time limit', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  before(async () => {
    silent = await silentServer();
  });
  after(() => silent.close());

  it('the timed HTTP client gives a try without a limit the storage limit, and keeps a shorter one', async () => {
    const seen: number[] = [];
    const client = timedHttpClient(STORAGE_TRY_TIMEOUT_MS, { sendRequest: (request) => (seen.push(request.timeout), Promise.resolve({ request, status: 200, headers: request.headers })) });
    const request = (timeout: number) => ({ timeout }) as Parameters<typeof client.sendRequest>[0];
    await client.sendRequest(request(0));
    await client.sendRequest(request(500));
    await client.sendRequest(request(60_000));
    assert.deepEqual(seen, [STORAGE_TRY_TIMEOUT_MS, 500, STORAGE_TRY_TIMEOUT_MS]);
  });

  it('a table call to a connection that never answers fails within its limit', async () => {
    const table = new TableClient(silent.url, 'documents', new AzureNamedKeyCredential('devstoreaccount1', KEY), { allowInsecureConnection: true, httpClient: timedHttpClient(300), retryOptions: { maxRetries: 0 } });
    const started = Date.now();
    await assert.rejects(table.getEntity('p', 'r'), (err: Error) => err.name === 'AbortError');
    assert.ok(Date.now() - started < 3000, `failed after ${Date.now() - started} ms`);
  });

  it('a blob call to a connection that never answers fails within its limit', async () => {
    const service = new BlobServiceClient(silent.url, new StorageSharedKeyCredential('devstoreaccount1', KEY));
    const started = Date.now();
    await assert.rejects(service.getContainerClient('leases').getBlockBlobClient('housekeeping').getProperties(blobCallLimit(300)), (err: Error) => err.name === 'AbortError');
    assert.ok(Date.now() - started < 3000, `failed after ${Date.now() - started} ms`);
  });

  it('a fence whose advance keeps being refused fails after a few tries instead of spinning', async () => {
    let tries = 0;
    const table = {
      listEntities: () => [{ rowKey: fenceRowKey('run-1', 3) }][Symbol.iterator](),
      submitTransaction: () => {
        tries++;
        return Promise.reject(new RestError('EntityAlreadyExists', { statusCode: 409 }));
      },
    } as unknown as TableClient;
    await assert.rejects(new AzureFences(table).advance('run-1'), (err: RestError) => err.statusCode === 409);
    assert.equal(tries, 10);
  });
});

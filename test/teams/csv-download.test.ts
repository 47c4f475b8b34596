// Downloading a leavers CSV sent in the 1:1 chat (issue 15): https only (loopback http when simulated), no credentials,
// at most MAX_CSV_BYTES with or without Content-Length, a timeout, .csv only. Against a loopback HTTP server.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { downloadCsv, FILE_DOWNLOAD_INFO, filesOf, urlRefusal, type FileDownloadInfo } from '../../src/teams/csv-download';

describe('csv download', () => {
  let server: http.Server;
  let base = '';
  const seen: http.IncomingHttpHeaders[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      if (req.url === '/ok.csv') {
        res.writeHead(200, { 'content-type': 'text/csv' });
        res.end('leaver\njane.doe@contoso.com\n');
      } else if (req.url === '/big-declared.csv') {
        res.writeHead(200, { 'content-length': String(2000) });
        res.end('x'.repeat(2000));
      } else if (req.url === '/big-chunked.csv') {
        // No Content-Length: chunked, so only counting the bytes read catches it.
        res.writeHead(200, { 'content-type': 'text/csv' });
        let sent = 0;
        const more = (): void => {
          if (sent >= 5000) {
            res.end();
            return;
          }
          sent += 500;
          res.write('y'.repeat(500), () => setImmediate(more));
        };
        more();
      } else if (req.url === '/slow.csv') {
        res.writeHead(200);
        res.write('leaver\n');
        setTimeout(() => res.end('late\n'), 2000).unref();
      } else if (req.url === '/redirect-out') {
        res.writeHead(302, { location: 'http://example.com/file.csv' });
        res.end();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const file = (path: string, over: Partial<FileDownloadInfo> = {}): FileDownloadInfo => ({ name: 'leavers.csv', downloadUrl: `${base}${path}`, fileType: 'csv', ...over });
  const simulated = { allowLoopbackHttp: true };

  it('reads the attachment Teams sends for a file in a personal chat', () => {
    const files = filesOf([
      { contentType: 'text/html', content: '<p>hi</p>' },
      { contentType: FILE_DOWNLOAD_INFO, name: 'Leavers.CSV', content: { downloadUrl: 'https://contoso-my.sharepoint.com/x', uniqueId: 'u1' } },
    ]);
    assert.deepEqual(files, [{ name: 'Leavers.CSV', downloadUrl: 'https://contoso-my.sharepoint.com/x', uniqueId: 'u1', fileType: 'csv' }]);
  });

  it('downloads a file, sending no credentials', async () => {
    seen.length = 0;
    const got = await downloadCsv(file('/ok.csv'), simulated);
    assert.deepEqual(got, { ok: true, bytes: Buffer.from('leaver\njane.doe@contoso.com\n') });
    assert.equal(seen[0]!.authorization, undefined);
    assert.equal(seen[0]!.cookie, undefined);
  });

  it('refuses a file over the limit, by its Content-Length and by the bytes read', async () => {
    const declared = await downloadCsv(file('/big-declared.csv'), { ...simulated, maxBytes: 1000 });
    assert.equal(declared.ok, false);
    assert.match(!declared.ok ? declared.reason : '', /larger than/);
    const chunked = await downloadCsv(file('/big-chunked.csv'), { ...simulated, maxBytes: 1000 });
    assert.equal(chunked.ok, false);
    assert.match(!chunked.ok ? chunked.reason : '', /larger than/);
  });

  it('gives up after the timeout', async () => {
    const started = Date.now();
    const got = await downloadCsv(file('/slow.csv'), { ...simulated, timeoutMs: 200 });
    assert.equal(got.ok, false);
    assert.match(!got.ok ? got.reason : '', /took longer than/);
    assert.ok(Date.now() - started < 1500);
  });

  it('refuses http (unless loopback on the simulated tenant), credentials in the URL, and redirects elsewhere', async () => {
    assert.equal(urlRefusal('https://contoso-my.sharepoint.com/personal/x'), undefined);
    assert.match(urlRefusal(`${base}/ok.csv`)!, /not https/, 'loopback http outside simulated mode');
    assert.match(urlRefusal('http://contoso.com/x.csv', true)!, /not https/, 'http to another host even when simulated');
    assert.match(urlRefusal('https://user:pw@contoso.com/x.csv')!, /credentials/);
    assert.match(urlRefusal('file:///etc/passwd', true)!, /not https/);
    const out = await downloadCsv(file('/ok.csv'));
    assert.equal(out.ok, false, 'the simulated-only allowance is off by default');
    const redirected = await downloadCsv(file('/redirect-out'), simulated);
    assert.equal(redirected.ok, false);
    assert.match(!redirected.ok ? redirected.reason : '', /not https/);
  });

  it('refuses a file that is not a CSV without downloading it', async () => {
    seen.length = 0;
    const got = await downloadCsv(file('/ok.csv', { name: 'leavers.xlsx', fileType: 'xlsx' }), simulated);
    assert.equal(got.ok, false);
    assert.match(!got.ok ? got.reason : '', /not a CSV file/);
    assert.equal(seen.length, 0);
  });
});

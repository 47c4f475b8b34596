import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../src/logger';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

describe('logger', () => {
  it('redacts secrets wherever they sit in a logged object', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream });
    logger.info(
      {
        bot: { password: 'p1' },
        m365: { clientSecret: 'p2' },
        headers: { authorization: 'Bearer p3' },
        request: { body: { passwordProfile: { password: 'p4' } } },
        env: { BOT_PASSWORD: 'p5', AZURE_CLIENT_SECRET: 'p6' },
        keep: 'visible',
      },
      'test',
    );
    const line = out.text();
    for (const secret of ['p1', 'p2', 'Bearer p3', 'p4', 'p5', 'p6']) {
      assert.equal(line.includes(`"${secret}"`), false, `${secret} leaked: ${line}`);
    }
    assert.match(line, /"keep":"visible"/);
    assert.match(line, /\[redacted\]/);
  });
});

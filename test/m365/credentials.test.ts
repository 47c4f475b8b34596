// createCredential: the @azure/identity class for each M365_CREDENTIAL, built without any network call.
import assert from 'node:assert/strict';
import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import type { M365Settings } from '../../src/config';
import { createCredential } from '../../src/m365/credentials';
import { createM365 } from '../../src/m365';

const base: M365Settings = {
  tenantId: 'c0ff1ce5-7e4a-4d2b-9a11-5e7d0c0ffee5',
  graphBaseUrl: 'https://graph.microsoft.com',
  exchangeBaseUrl: 'https://outlook.office365.com',
  credential: 'none',
  clientId: '11111111-2222-3333-4444-555555555555',
};

describe('m365 createCredential', () => {
  it('none → undefined: no token is ever requested', () => {
    assert.equal(createCredential({ ...base, credential: 'none' }), undefined);
  });

  it('secret → ClientSecretCredential', () => {
    assert.ok(createCredential({ ...base, credential: 'secret', clientSecret: 's3cr3t-value' }) instanceof ClientSecretCredential);
  });

  it('certificate → ClientCertificateCredential (the file is read when a token is first needed)', () => {
    assert.ok(createCredential({ ...base, credential: 'certificate', certificatePath: '/nonexistent/app.pem' }) instanceof ClientCertificateCredential);
  });

  it('managed-identity → ManagedIdentityCredential, user-assigned with a client id or system-assigned without', () => {
    assert.ok(createCredential({ ...base, credential: 'managed-identity' }) instanceof ManagedIdentityCredential);
    assert.ok(createCredential({ ...base, credential: 'managed-identity', clientId: undefined }) instanceof ManagedIdentityCredential);
  });

  it('names a missing setting without echoing any secret', () => {
    assert.throws(() => createCredential({ ...base, credential: 'secret', clientSecret: undefined }), /AZURE_CLIENT_SECRET/);
    assert.throws(() => createCredential({ ...base, credential: 'certificate' }), /AZURE_CLIENT_CERTIFICATE_PATH/);
    assert.throws(
      () => createCredential({ ...base, credential: 'secret', clientId: undefined, clientSecret: 'do-not-print-me' }),
      (e: Error) => /AZURE_CLIENT_ID/.test(e.message) && !e.message.includes('do-not-print-me'),
    );
  });

  it('createM365 wires both gateways for the tenant', () => {
    const m365 = createM365({ ...base, credential: 'secret', clientSecret: 'x', tenantDomain: 'contoso.onmicrosoft.com' }, { maxConcurrency: 3 });
    assert.equal(m365.graph.limiter.max, 3);
    assert.equal(m365.exchange.limiter.max, 3);
    assert.notEqual(m365.graph.limiter, m365.exchange.limiter);
  });
});

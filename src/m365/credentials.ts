// The app's identity towards Microsoft 365, from M365_CREDENTIAL (config.ts). Constructing a credential makes no
// network call; the token endpoint is first reached by the first request. Secrets are passed on, never logged.
import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { M365Settings } from '../config';

function need(value: string | undefined, what: string, credential: string): string {
  if (value === undefined || value === '') {
    // Names the setting only: the message must never carry a secret's value.
    throw new Error(`M365 credential '${credential}' needs ${what}`);
  }
  return value;
}

/** undefined for `none`: no token is ever requested or sent (the simulated tenant on loopback). */
export function createCredential(settings: M365Settings): TokenCredential | undefined {
  switch (settings.credential) {
    case 'secret':
      return new ClientSecretCredential(
        settings.tenantId,
        need(settings.clientId, 'a client id (AZURE_CLIENT_ID)', 'secret'),
        need(settings.clientSecret, 'a client secret (AZURE_CLIENT_SECRET)', 'secret'),
      );
    case 'certificate':
      return new ClientCertificateCredential(settings.tenantId, need(settings.clientId, 'a client id (AZURE_CLIENT_ID)', 'certificate'), {
        certificatePath: need(settings.certificatePath, 'a PEM certificate path (AZURE_CLIENT_CERTIFICATE_PATH)', 'certificate'),
      });
    case 'managed-identity':
      // With a client id: a user-assigned identity; without: the system-assigned one.
      return settings.clientId === undefined ? new ManagedIdentityCredential() : new ManagedIdentityCredential({ clientId: settings.clientId });
    case 'none':
      return undefined;
  }
}

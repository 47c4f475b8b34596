// Azure resources for the offboarding bot, deployed by `provision` (teamsapp.yml, action arm/deploy).
// Shape follows the Microsoft 365 Agents Toolkit's bot templates with a user-assigned managed identity
// (templates/vsc/ts/default-bot/infra/azure.bicep and botRegistration/azurebot.bicep), on Linux:
//   - a user-assigned managed identity: the bot's identity (Azure Bot, msaAppType UserAssignedMSI) AND the
//     app's identity for Microsoft Graph and Exchange Online (M365_CREDENTIAL=managed-identity); it needs
//     Graph app roles, Exchange.ManageAsApp and Entra roles granted after provisioning (docs/DEPLOYMENT.md);
//   - an App Service plan (2 instances by default) + Web App (Linux, Node 22 LTS) running `node --optimize-for-size lib/index.js`;
//     the deployment's build runs on App Service itself (Oryx), so native modules (better-sqlite3) are built for the Node.js
//     that runs them;
//   - an Azure Bot with the Microsoft Teams channel;
//   - a storage account holding the bot's state (the shared store: Table Storage for documents, append blobs for the
//     audit log, blob leases for run ownership), reached with the identity only (no keys), plus a `backups` container.
// The outputs are written to env/.env.<env> by the toolkit (BOT_ID, BOT_DOMAIN, ...).

@maxLength(20)
@minLength(4)
@description('Used to generate names for all resources in this file')
param resourceBaseName string

@description('App Service plan SKU. Free/Shared tiers have no alwaysOn and no scale-out; Basic scales out to 3 instances by hand only, Standard to 10 (with autoscale), Premium v3 to 30.')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
  'P0v3'
  'P1v3'
  'P2v3'
  'P3v3'
])
param webAppSKU string = 'S1'

@description('Instances of the bot (the plan\'s workers). Two or more: any instance answers Teams, and one takes over the runs of another that dies (docs/DEPLOYMENT.md "Scale-out"). At most 3 on Basic, 10 on Standard, 30 on Premium v3.')
@minValue(1)
@maxValue(30)
param instanceCount int = 2

@description('Prefix of the shared store\'s tables and containers (AZURE_STORAGE_PREFIX), so several environments can share one account: tables <prefix>documents and <prefix>auditindex, containers <prefix>-documents, <prefix>-audit, <prefix>-leases.')
@minLength(1)
@maxLength(20)
param storagePrefix string = 'offboarding'

@maxLength(42)
param botDisplayName string

@description('Azure Bot pricing tier (F0 is free; Teams is a standard channel, so F0 is enough).')
@allowed([
  'F0'
  'S1'
])
param botServiceSku string = 'F0'

@description('The Teams app manifest id (TEAMS_APP_ID), written by teamsApp/create before this deployment.')
param teamsAppId string

@description('The Microsoft 365 tenant (TENANT_ID). A managed identity gets tokens only in the tenant of its subscription, so this must be that tenant.')
param m365TenantId string = subscription().tenantId

@description('Entra group whose members may start offboardings (OPERATORS_GROUP_ID).')
param operatorsGroupId string

@description('Entra group whose members may approve offboardings (APPROVERS_GROUP_ID).')
param approversGroupId string

@description('Entra group whose members are never offboarded (PROTECTED_GROUP_ID).')
param protectedGroupId string

@description('Teams channel for run summaries, 19:...@thread.tacv2 (SUMMARY_CHANNEL_ID); empty posts summaries only to the originating thread.')
param summaryChannelId string = ''

@description('Hours before an unanswered approval expires (APPROVAL_TTL_HOURS).')
param approvalTtlHours string = '72'

param serverfarmsName string = resourceBaseName
param webAppName string = resourceBaseName
param identityName string = resourceBaseName
param botServiceName string = resourceBaseName

@minLength(3)
@maxLength(24)
@description('Globally unique; lower-case letters and digits only.')
param storageAccountName string = toLower(replace(replace('${resourceBaseName}data', '-', ''), '_', ''))

param location string = resourceGroup().location

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
}

// ---- storage: the shared store, and backups -----------------------------------------------------------
// The bot keeps its state here (AZURE_STORAGE_ACCOUNT_NAME below), not in SQLite on /home: /home is an SMB share on
// which SQLite's locking is not safe across instances. The bot creates its tables and containers itself at start-up.

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Entra ID (the managed identity) only; no account keys or SAS tokens.
    allowSharedKeyAccess: false
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 14
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 14
    }
  }
}

resource backupContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-01-01' = {
  parent: blobService
  name: 'backups'
  properties: {
    publicAccess: 'None'
  }
}

// Built-in data roles for the identity, on this account only (account keys are disabled, so these are its only way
// in). Creating a role assignment needs Owner or User Access Administrator on the resource group.
// Storage Blob Data Contributor: the audit log's append blobs, the run and housekeeping leases, backups.
var storageBlobDataContributorRoleId = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
// Storage Table Data Contributor: the documents (requests, runs, steps, targets, claims) and the audit index.
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

// The name (a guid of scope, principal and role) is the one earlier versions of this template gave the blob role, so
// provisioning again finds the same assignment instead of failing on a duplicate.
resource blobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageBlobDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributorRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageTableDataContributorRoleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- compute ---------------------------------------------------------------------------------------

resource serverfarm 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: serverfarmsName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSKU
    // Instances: several share the store, any of them answers Teams. An autoscale rule, if you add one, changes this
    // count; provisioning again sets it back to instanceCount.
    capacity: instanceCount
  }
  properties: {
    reserved: true // Linux
  }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  // The app reaches its store with the identity's roles: assign them before the app (re)starts with these settings.
  // (A new assignment can take a few minutes to take effect: until then the storage account refuses the app with 403.)
  dependsOn: [
    blobDataContributor
    tableDataContributor
  ]
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    // No ARR affinity cookie: Teams activities go to any instance (the state is in the shared store).
    clientAffinityEnabled: false
    siteConfig: {
      // Node.js 22 LTS, supported upstream until April 2027 (Node 20 reached end of life in April 2026). Not 24 yet:
      // restify 11 does not load there, and restify 12 needs Node 22+, which local development and CI (Node 20)
      // cannot install. docs/DEPLOYMENT.md, "Runtime". package.json `engines` must admit it, and the build runs on it
      // (below); test/deploy/runtime.test.ts checks that they agree.
      linuxFxVersion: 'NODE|22-lts'
      // The deploy lifecycle builds lib/ before zipping; start it directly (npm start would try to build), with the
      // same V8 flags as package.json `start`: --optimize-for-size keeps the heap small (a batch's garbage is collected
      // early; the bot waits on the network, not the CPU). README "Governor", bench/compiled.ts.
      appCommandLine: 'node --optimize-for-size lib/index.js'
      alwaysOn: true
      // With several instances, App Service stops routing to one whose /healthz fails, and replaces it in time.
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // Platform. App Service itself sets PORT (the port the container must listen on), so PORT is not set here.
        // Build on the target: the zip that azureAppService/zipDeploy uploads holds lib/ (plain JavaScript, built by
        // the deploy lifecycle), package.json, package-lock.json and .npmrc, but no node_modules. App Service's build
        // (Oryx, on the linuxFxVersion above) installs the production dependencies there, so better-sqlite3 is built
        // for the Node.js that loads it. Not WEBSITE_RUN_FROM_PACKAGE: a package is mounted as uploaded, unbuilt.
        {
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'true'
        }
        {
          // Replaces Oryx's default `npm install` (devDependencies too) + `npm run build` (tsc, absent from the zip):
          // exactly the lockfile's production dependencies, running only the install scripts that package.json
          // `allowScripts` approves (better-sqlite3's, which builds or fetches its binary for this Node.js), as npm 11
          // does in development and CI; Node 22's npm 10 would run every package's.
          name: 'CUSTOM_BUILD_COMMAND'
          value: 'npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3'
        }
        {
          // Keep /home persistent (the default for built-in Linux images; stated for clarity): the state is in the
          // storage account, but /home keeps the files of a SQLite store from before (store:copy) and exports.
          name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE'
          value: 'true'
        }
        {
          name: 'NODE_ENV'
          value: 'production'
        }
        // The bot: the managed identity is its Microsoft App ID; no password.
        {
          name: 'BOT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'BOT_PASSWORD'
          value: ''
        }
        {
          name: 'BOT_TENANT_ID'
          value: identity.properties.tenantId
        }
        {
          name: 'BOT_TYPE'
          value: 'UserAssignedMsi'
        }
        // Microsoft 365: Graph and Exchange Online through the same managed identity.
        {
          name: 'TENANT_ID'
          value: m365TenantId
        }
        {
          name: 'GRAPH_BASE_URL'
          value: 'https://graph.microsoft.com'
        }
        {
          name: 'EXCHANGE_BASE_URL'
          value: 'https://outlook.office365.com'
        }
        {
          name: 'M365_CREDENTIAL'
          value: 'managed-identity'
        }
        {
          name: 'AZURE_CLIENT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'AZURE_CLIENT_SECRET'
          value: '' // only for M365_CREDENTIAL=secret
        }
        {
          name: 'AZURE_CLIENT_CERTIFICATE_PATH'
          value: '' // only for M365_CREDENTIAL=certificate
        }
        // The app. Its state: the shared store in this storage account, reached with the managed identity
        // (AZURE_CLIENT_ID above names it); no DATA_DIR, no SQLite, so every instance sees the same state.
        {
          name: 'AZURE_STORAGE_ACCOUNT_NAME'
          value: storage.name
        }
        {
          name: 'AZURE_STORAGE_PREFIX'
          value: storagePrefix
        }
        {
          name: 'OPERATORS_GROUP_ID'
          value: operatorsGroupId
        }
        {
          name: 'APPROVERS_GROUP_ID'
          value: approversGroupId
        }
        {
          name: 'PROTECTED_GROUP_ID'
          value: protectedGroupId
        }
        {
          name: 'SUMMARY_CHANNEL_ID'
          value: summaryChannelId
        }
        {
          name: 'TEAMS_APP_ID'
          value: teamsAppId
        }
        {
          name: 'APPROVAL_TTL_HOURS'
          value: approvalTtlHours
        }
      ]
    }
  }
}

// FTP publishing is off (ftpsState above); also refuse FTP basic-auth credentials. SCM (Kudu) basic auth is
// left as the platform default because older toolkit versions zip-deploy with publishing credentials.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2022-09-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

// ---- the bot registration --------------------------------------------------------------------------

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botServiceName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: identity.properties.tenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource botServiceMsTeamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// The outputs are persisted in env/.env.<env>. Visit https://aka.ms/teamsfx-actions/arm-deploy for details.
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
// Object id of the identity's service principal: the principal that gets Graph app roles, Exchange.ManageAsApp
// and the Entra roles (docs/DEPLOYMENT.md).
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
// The shared store's account (AZURE_STORAGE_ACCOUNT_NAME of the app); the backups container is in it too.
output BACKUP_STORAGE_ACCOUNT_NAME string = storage.name
output BACKUP_CONTAINER_NAME string = backupContainer.name

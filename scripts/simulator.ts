// `npm run simulator`: starts the simulated tenant on its own and prints where it listens and who is in it.
// Flags (or env): --port (SIMULATOR_PORT), --latency ms (SIMULATOR_LATENCY_MS), --rate429 0..1 (SIMULATOR_RATE_429),
// --rate503 0..1 (SIMULATOR_RATE_503), --conversion-delay ms (SIMULATOR_CONVERSION_DELAY_MS),
// --write-budget N/ms e.g. 100/60000 (SIMULATOR_WRITE_BUDGET), --seed path (SIMULATOR_SEED_FILE),
// --throttle family=N/ms,… e.g. identityWrites=3000/150000,exchange=600/60000 (SIMULATOR_THROTTLE): budgets per
// service family, 429 + Retry-After beyond them (src/simulator/faults.ts FamilyBudgets).
import { startSimulatedTenant, type SimulatorOptions } from '../src/simulator';

function flag(name: string, env: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i === -1) {
    return process.env[env] === '' ? undefined : process.env[env];
  }
  const arg = args[i]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1];
}

function num(name: string, env: string): number | undefined {
  const v = flag(name, env);
  if (v === undefined) {
    return undefined;
  }
  const n = Number(v);
  if (!Number.isFinite(n)) {
    throw new Error(`--${name} must be a number, got ${v}`);
  }
  return n;
}

function budget(): SimulatorOptions['writeBudget'] {
  const v = flag('write-budget', 'SIMULATOR_WRITE_BUDGET');
  if (v === undefined) {
    return undefined;
  }
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m) {
    throw new Error(`--write-budget must look like 100/60000 (writes per milliseconds), got ${v}`);
  }
  return { writes: Number(m[1]), windowMs: Number(m[2]) };
}

function throttle(): SimulatorOptions['familyBudgets'] {
  const v = flag('throttle', 'SIMULATOR_THROTTLE');
  if (v === undefined) {
    return undefined;
  }
  const budgets: NonNullable<SimulatorOptions['familyBudgets']> = {};
  for (const part of v.split(',')) {
    const m = /^\s*(\w+)=(\d+)\/(\d+)\s*$/.exec(part);
    if (!m) {
      throw new Error(`--throttle must look like identityWrites=3000/150000,exchange=600/60000 (requests per milliseconds), got ${part}`);
    }
    budgets[m[1] as keyof typeof budgets] = { requests: Number(m[2]), windowMs: Number(m[3]) };
  }
  return budgets;
}

async function main(): Promise<void> {
  const tenant = await startSimulatedTenant({
    port: num('port', 'SIMULATOR_PORT') ?? 5099,
    latencyMs: num('latency', 'SIMULATOR_LATENCY_MS'),
    rate429: num('rate429', 'SIMULATOR_RATE_429'),
    rate503: num('rate503', 'SIMULATOR_RATE_503'),
    mailboxConversionDelayMs: num('conversion-delay', 'SIMULATOR_CONVERSION_DELAY_MS'),
    writeBudget: budget(),
    familyBudgets: throttle(),
    seedFile: flag('seed', 'SIMULATOR_SEED_FILE'),
  });
  console.log(`Simulated tenant listening on ${tenant.url}`);
  console.log(`  Graph:    ${tenant.graphBaseUrl}/v1.0`);
  console.log(`  Exchange: ${tenant.exchangeBaseUrl}/adminapi/beta/${tenant.tenantId}/InvokeCommand`);
  console.log(`  Control:  ${tenant.url}/_simulator/{info,log,state,faults,reset}`);
  console.log('\nEnvironment for the bot:');
  console.log(`  M365_CREDENTIAL=none`);
  console.log(`  TENANT_ID=${tenant.tenantId}`);
  console.log(`  GRAPH_BASE_URL=${tenant.graphBaseUrl}`);
  console.log(`  EXCHANGE_BASE_URL=${tenant.exchangeBaseUrl}`);
  console.log(`  OPERATORS_GROUP_ID=${tenant.groups.operatorsGroupId}`);
  console.log(`  APPROVERS_GROUP_ID=${tenant.groups.approversGroupId}`);
  console.log(`  PROTECTED_GROUP_ID=${tenant.groups.protectedGroupId}`);
  console.log(`  TEAMS_APP_ID=${tenant.teamsAppId}`);
  console.log('\nPersonas:');
  for (const [role, id] of Object.entries(tenant.personas)) {
    console.log(`  ${role.padEnd(20)} ${id}`);
  }
  const stop = (): void => {
    void tenant.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

// `doctor` on the command line: checks the app's Microsoft 365 permissions against what the offboarding needs
// (src/m365/doctor.ts) and prints a report. Compiled to lib/cli/doctor.js, so it runs wherever the bot runs, with the
// production dependencies only: `npm run doctor [-- --all]` in a checkout, `node lib/cli/doctor.js [--all]` in the
// App Service SSH console (docs/DEPLOYMENT.md). --all checks every step, the optional ones included; by default the
// recommended options. Exit code: 0 nothing missing, 1 something needs attention, 78 a configuration error.
// With no Microsoft 365 variable it starts the simulated tenant, as `npm start` does, and says so.
import { ConfigError, loadConfig, type M365Settings } from '../config';
import { createM365 } from '../m365';
import { formatDoctorReport, formatGovernorSnapshot, runDoctor } from '../m365/doctor';
import { Governor } from '../m365/governor';
import { DEFAULT_OPTIONS } from '../offboarding/options';
import { EVERY_OPTION_ON } from '../offboarding/permissions';
import { startSimulatedTenant, type SimulatedTenant } from '../simulator';

export const EXIT_CONFIG = 78;

/** Every option on, devices wiped: the steps a fully chosen plan may run. */

export async function doctorCli(env: NodeJS.ProcessEnv, args: string[], print: (line: string) => void): Promise<number> {
  let settings: M365Settings;
  let tenant: SimulatedTenant | undefined;
  let offboardableUnitId: string | undefined;
  let governor: Governor;
  try {
    const config = loadConfig(env);
    offboardableUnitId = config.offboardableUnitId;
    governor = new Governor({ budgets: config.governorBudgets });
    if (config.simulated) {
      tenant = await startSimulatedTenant();
      settings = { tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' };
      print('SIMULATED TENANT: no Microsoft 365 variable is set, so the embedded simulated tenant is checked.');
    } else {
      settings = config.m365!; // loadConfig guarantees it outside simulated mode
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      print(`Configuration error: ${err.message}`);
      return EXIT_CONFIG;
    }
    throw err;
  }
  try {
    const options = args.includes('--all') ? EVERY_OPTION_ON : DEFAULT_OPTIONS;
    const { graph, exchange, credential } = createM365(settings, { maxRetries: 2, governor });
    // The doctor's requests go through a governor of its own (the configured budgets), not the running bot's: its
    // figures are the budgets and this check's own requests, never the bot's budget use (the bot's `doctor` shows that).
    const report = await runDoctor({ credential, graph, exchange, clientId: settings.clientId, options, ...(offboardableUnitId ? { offboardableUnitId } : {}) });
    print(`Checking ${args.includes('--all') ? 'every step' : 'the recommended steps'} against tenant ${settings.tenantId}`);
    print(formatDoctorReport(report));
    print(formatGovernorSnapshot(governor.snapshot(), "Governor budgets as configured (this check's own requests only; the running bot's budget use: its doctor command in Teams").join('\n'));
    return report.ok ? 0 : 1;
  } finally {
    await tenant?.close();
  }
}

if (require.main === module) {
  doctorCli(process.env, process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

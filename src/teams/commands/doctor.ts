import type { Command } from './command';
import { COMMANDS } from '../verbs';

export interface DoctorDeps {
  isOperator(aadObjectId: string): Promise<boolean>;
  /** The permission report as text. */
  report(): Promise<string>;
}

/** `doctor`: operators only, since it describes the app's access to the tenant. */
export function doctorCommand(deps: DoctorDeps): Command {
  return {
    name: COMMANDS.doctor,
    usage: 'doctor',
    description: "Check the app's Microsoft 365 permissions (operators only).",
    async handle(context) {
      const who = context.activity.from?.aadObjectId;
      if (!who || !(await deps.isOperator(who))) {
        await context.sendActivity("Sorry, only members of the offboarding operators group can run **doctor**.");
        return;
      }
      const report = await deps.report();
      await context.sendActivity({ type: 'message', textFormat: 'markdown', text: `\`\`\`\n${report}\n\`\`\`` });
    },
  };
}

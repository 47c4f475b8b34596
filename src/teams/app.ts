// Wires commands and card verbs to their handlers. The only file that knows teams-ai's Application routing.
import { MemoryStorage, type TurnContext } from 'botbuilder';
import { AdaptiveCardActionExecuteResponseType, Application, type TeamsAdapter } from '@microsoft/teams-ai';
import type { Logger } from '../logger';
import type { OffboardingService } from '../offboarding/service';
import type { CardAction } from './actions/action';
import { approveAction } from './actions/approve';
import { hidePassAction } from './actions/hide-pass';
import { pickAction } from './actions/pick';
import { reinstateSubmitAction } from './actions/reinstate-submit';
import { rejectAction } from './actions/reject';
import { retryAction } from './actions/retry';
import { showPassAction } from './actions/show-pass';
import { submitAction } from './actions/submit';
import { cancelCommand } from './commands/cancel';
import { closeCommand } from './commands/close';
import { argumentTooLong, commandArgs, commandArgument, commandPattern, type Command } from './commands/command';
import { doctorCommand, type DoctorDeps } from './commands/doctor';
import { helpCommand } from './commands/help';
import { offboardCommand } from './commands/offboard';
import { offboardCsv } from './commands/offboard-batch';
import { reinstateCommand } from './commands/reinstate';
import { statusCommand } from './commands/status';
import { replyUnknown } from './commands/unknown';
import { textWithLines } from './turn';
import { isBatchText } from '../offboarding/batch/entries';
import { hasFile } from './csv-download';
import type { TeamsNotifier } from './notifier';
import type { PersonalChats } from './personal-chats';
import type { Proactive } from './proactive';
import { COMMANDS } from './verbs';

export interface TeamsAppDeps {
  adapter: TeamsAdapter;
  botAppId?: string;
  logger: Logger;
  doctor?: DoctorDeps;
  offboarding?: { service: OffboardingService; notifier: TeamsNotifier; proactive: Proactive };
  /** Remembers each user's 1:1 chat with the bot, from any activity they send there (personal-chats.ts). */
  personalChats?: PersonalChats;
  /** The bot runs on the simulated tenant: a leavers CSV may then come from a loopback http URL (csv-download.ts). */
  simulated?: boolean;
}

export function createTeamsApp(deps: TeamsAppDeps): Application {
  const app = new Application({
    adapter: deps.adapter,
    botAppId: deps.botAppId ?? '',
    // Turn state is not used for anything durable (requests live in the store); memory is enough.
    storage: new MemoryStorage(),
    removeRecipientMention: true,
    startTypingTimer: false,
    // The invoke answer replaces the card for the clicker at once; everyone else's copy (the other approvers', the
    // thread's) is updated in place by the notifier right after, so the invoke doesn't wait for that.
    adaptiveCards: { actionExecuteResponseType: AdaptiveCardActionExecuteResponseType.REPLACE_FOR_INTERACTOR },
  });

  const personalChats = deps.personalChats;
  if (personalChats) {
    // Before any route: the first activity of a 1:1 chat (the app's installation, a message) records where it is.
    app.turn('beforeTurn', async (context) => {
      const opened = await personalChats.observe(context);
      if (opened && deps.offboarding) {
        // An approver heard from for the first time (or from a new chat) gets, there, the cards still waiting for them
        // that reached only a thread; after the turn: it needs nothing from it.
        void deps.offboarding.notifier.personalChatOpened(opened.tenantId, opened.userId).catch((err: unknown) => deps.logger.warn({ err }, 'waiting approval cards not sent to the new 1:1 chat'));
      }
      return true;
    });
  }

  const commands: Command[] = [];
  const actions: CardAction[] = [];
  commands.push(helpCommand(() => commands));
  const off = deps.offboarding;
  if (off) {
    commands.push(offboardCommand(off.service, { proactive: off.proactive, logger: deps.logger }), reinstateCommand(off.service), statusCommand(off.service), cancelCommand(off.service), closeCommand(off.service));
    actions.push(
      submitAction({ service: off.service, notifier: off.notifier, proactive: off.proactive, logger: deps.logger }),
      pickAction(off.service),
      approveAction(off.service),
      rejectAction(off.service),
      retryAction(off.service),
      reinstateSubmitAction({ service: off.service, notifier: off.notifier, proactive: off.proactive, logger: deps.logger }),
      showPassAction(off.service),
      hidePassAction(off.service),
    );
  }
  if (deps.doctor) {
    commands.push(doctorCommand(deps.doctor));
  }

  if (off) {
    // A file sent through Teams' file support (personal scope only): a leavers CSV, whatever text comes with it ("offboard",
    // say). Before the commands, so the file is never ignored; teams-ai runs the first matching route.
    app.activity(
      (context) => Promise.resolve(context.activity.type === 'message' && hasFile(context.activity.attachments)),
      async (context: TurnContext) => {
        deps.logger.info({ conversation: context.activity.conversation?.id, from: context.activity.from?.aadObjectId }, 'file message');
        await offboardCsv(context, { service: off.service, proactive: off.proactive, logger: deps.logger }, { allowLoopbackHttp: deps.simulated === true });
      },
    );
  }
  for (const command of commands) {
    app.message(commandPattern(command.name), async (context: TurnContext) => {
      deps.logger.info({ command: command.name, conversation: context.activity.conversation?.id, from: context.activity.from?.aadObjectId }, 'command');
      // `offboard` may carry a list typed one per line: its lines come from the message's HTML when `text` lost them.
      const args = commandArgs(command.name, command.name === COMMANDS.offboard ? textWithLines(context.activity) : context.activity.text);
      // Bounded input before any work: an over-long argument never reaches the handler (nor Microsoft 365). A batch
      // (`offboard` with several entries) is bounded instead by the activity's size (the HTTP server caps bodies) and
      // by MAX_LIST_ENTRIES and the per-entry limit (entries.ts parseEntryList).
      const batch = command.name === COMMANDS.offboard && isBatchText(args);
      if (!batch && !commandArgument.safeParse(args).success) {
        await context.sendActivity(argumentTooLong(command.name, args.length));
        return;
      }
      await command.handle(context, args);
    });
  }
  for (const action of actions) {
    app.adaptiveCards.actionExecute<Record<string, unknown>>(action.verb, async (context, _state, data) => {
      // The verb only: never the data or the answer (reinstate.showPass answers with a Temporary Access Pass).
      deps.logger.info({ verb: action.verb, conversation: context.activity.conversation?.id, from: context.activity.from?.aadObjectId }, 'card action');
      return (await action.handle(context, data ?? {})) as never;
    });
  }
  // Registered last: teams-ai runs the first matching route.
  app.activity('message', replyUnknown);

  app.error(async (context, err) => {
    deps.logger.error({ err, conversation: context.activity.conversation?.id }, 'turn failed');
    await context.sendActivity('Something went wrong on my side; the error is in the bot log. Nothing else was changed.');
  });
  return app;
}

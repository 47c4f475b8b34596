// The one place where command names and card verbs are spelled. Card templates receive verbs through their render
// functions, and handlers register under the same constants, so the JSON and the code cannot drift apart.

/** Text commands typed to the bot (the bot's @mention is removed before matching). */
export const COMMANDS = {
  help: 'help',
  offboard: 'offboard',
  status: 'status',
  cancel: 'cancel',
  close: 'close',
  reinstate: 'reinstate',
  doctor: 'doctor',
} as const;
export type CommandName = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Action.Execute verbs (Adaptive Card 1.5 Universal Actions). */
export const VERBS = {
  submit: 'offboard.submit',
  pickCandidate: 'offboard.pick',
  approve: 'offboard.approve',
  reject: 'offboard.reject',
  retry: 'offboard.retry',
  reinstateSubmit: 'reinstate.submit',
  showPass: 'reinstate.showPass',
  hidePass: 'reinstate.hidePass',
} as const;
export type Verb = (typeof VERBS)[keyof typeof VERBS];

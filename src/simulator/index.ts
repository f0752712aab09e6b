export { runSimulateCommand, type SimulateCommandIo } from './cli.js';
export { SIMULATED_PRICES } from './insights/ledger.js';
export type { PlannedEvent, PlannedStatus } from './plan.js';
export {
  DEFAULT_BEHAVIOUR,
  type LatencyRange,
  type PairLimitOptions,
  type SimulatorBehaviour,
  type SimulatorBehaviourOptions,
  type SimulatorInsightsOptions,
  type SimulatorOptions,
  type SimulatorPhoneNumber,
} from './simulator-options.js';
export { type Simulator, startSimulator } from './start.js';
export type { QuickReply } from './templates/check-send.js';
export type {
  MessageTemplate,
  TemplateButton,
  TemplateComponent,
  TemplateInput,
} from './templates/simulator-template.js';
export { type TemplateFilter, TemplateStore } from './templates/store.js';
export type {
  InboundInput,
  InboundOptions,
  SimulatedMessage,
  SimulatorFault,
  SimulatorStats,
} from './types.js';
export { signatureHeader, toMetaJson } from './webhooks/sign.js';

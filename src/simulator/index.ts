/**
 * `wacloud/simulator`: a local Cloud API on loopback for examples, tests and trying a campaign
 * without a Meta account.
 * @packageDocumentation
 */
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
  SimulatorTemplate,
  TemplateButton,
  TemplateComponent,
  TemplateInput,
} from './templates/simulator-template.js';
export type { SimulatorTemplates, TemplateFilter } from './templates/simulator-templates.js';
export type {
  InboundInput,
  InboundOptions,
  SimulatedMessage,
  SimulatorFault,
  SimulatorStats,
} from './types.js';
export { toMetaJson } from './webhooks/sign.js';

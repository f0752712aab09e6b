/** The live campaign dashboard: a Fetch handler serving one self-contained page. */

export type { DashboardCampaign } from './campaign-directory.js';
export {
  createDashboardHandler,
  type DashboardHandler,
  type DashboardHandlerOptions,
  type DashboardMetricsQuery,
} from './dashboard-handler.js';
export { type NodeDashboardListener, nodeDashboardListener } from './node-listener.js';

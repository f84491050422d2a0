// The Platform.sh simulator: a fake of the API and auth server for sandbox mode, tests and benches.
export { startSimulator, type RunningSimulator, type SimulatorOptions } from './server';
export { ManualClock, realClock, type SimulatorClock } from './clock';
export { FaultInjector, FaultsDisabledError, type FaultKind, type FaultRule, type FaultRuleInput } from './faults';
export { RequestLog, type RequestLogEntry } from './request-log';
export { SimulatorStore } from './store';
export {
  DEMO_DASHBOARD_API_TOKEN,
  DEMO_DASHBOARD_USER_ID,
  demoDashboardToken,
  DEMO_HAND_SET_TOKEN_PROJECT_ID,
  DEMO_ORGANIZATION_ID,
  seedDemoOrganisation,
  seedLargeOrganisation,
  type DemoOrganisation,
  type LargeOrganisation,
} from './seed';

// The public entry of lib/platformsh: what the rest of the app may use. Vendor payload schemas and
// the HTTP plumbing stay inside the client.
export { createPlatformshClient, PlatformshClient, type PlatformshClientOptions } from './client/client';
export { PlatformshError, isPlatformshError, type PlatformshErrorKind } from './client/errors';
export {
  getCircuitState,
  listCircuitStates,
  mapWithConcurrency,
  DEFAULT_BREAKER,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  type CircuitState,
  type FetchLike,
} from './client/http';
export type * from './client/types';
export { PROJECT_PERMISSIONS } from './client/types';
export { activityLogUrl, CLI_TOKEN_VARIABLE, CLI_TOKEN_VARIABLE_NAMES, isCliTokenVariable, vendorOfVariable, vendorProfile, VENDOR_PROFILES, VENDORS, type Vendor, type VendorProfile } from './vendor';

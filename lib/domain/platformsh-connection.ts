// The dashboard's own connection to Platform.sh: the live API with PLATFORMSH_API_TOKEN, or the
// bundled simulator in sandbox mode. One client per process, so that its access-token cache and
// circuit breaker are shared by every request.
import 'server-only';
import { getConfig } from '@/lib/config';
import { createPlatformshClient, isPlatformshError, vendorProfile, type PlatformshClient, type VendorProfile } from '@/lib/platformsh';
import { getSandboxEndpoint, type PlatformshEndpoint } from '@/lib/platformsh/sandbox-endpoint';

const holder = globalThis as typeof globalThis & { keywardenDashboardClient?: PlatformshClient };

function dashboardEndpoint(): PlatformshEndpoint | undefined {
  const { platformsh } = getConfig();
  if (platformsh.mode === 'live' && platformsh.apiToken) {
    return { apiUrl: platformsh.apiUrl, authUrl: platformsh.authUrl, apiToken: platformsh.apiToken };
  }
  return getSandboxEndpoint();
}

/** The connection's vendor (KEYWARDEN_VENDOR, else from the API host): pages name things after it. */
export function configuredVendor(): VendorProfile {
  return vendorProfile(getConfig().platformsh.vendor);
}

/** The client acting with the dashboard's credential, or undefined when no API is reachable. */
/**
 * The in-process simulator, only while Keywarden runs in sandbox mode: what the machine user would do
 * in the Console (accept, create a token, run a cron) is offered through it, and never in live mode.
 */
export function activeSandboxEndpoint(): PlatformshEndpoint | undefined {
  return getConfig().platformsh.mode === 'sandbox' ? getSandboxEndpoint() : undefined;
}

export function getDashboardClient(): PlatformshClient | undefined {
  if (holder.keywardenDashboardClient) return holder.keywardenDashboardClient;
  const endpoint = dashboardEndpoint();
  if (!endpoint) return undefined;
  holder.keywardenDashboardClient = createPlatformshClient({
    apiUrl: endpoint.apiUrl.toString(),
    authUrl: endpoint.authUrl.toString(),
    apiToken: endpoint.apiToken,
    requestsPerSecond: getConfig().platformsh.requestsPerSecond,
    vendor: getConfig().platformsh.vendor,
  });
  return holder.keywardenDashboardClient;
}

/**
 * A client acting with a pasted machine-user token, on the same API as the dashboard (its identity
 * check, its token list). Nothing is stored: the caller disposes of it at the end of the request.
 */
export function createClientForToken(apiToken: string): PlatformshClient | undefined {
  const endpoint = dashboardEndpoint();
  if (!endpoint) return undefined;
  return createPlatformshClient({
    apiUrl: endpoint.apiUrl.toString(),
    authUrl: endpoint.authUrl.toString(),
    apiToken,
    requestsPerSecond: getConfig().platformsh.requestsPerSecond,
    vendor: getConfig().platformsh.vendor,
  });
}

export interface ConnectionStatus {
  mode: 'sandbox' | 'live';
  /** The API's origin (not secret); undefined in sandbox mode before the simulator is registered. */
  apiOrigin?: string;
  /** The account behind the dashboard's credential, when the API answered. */
  accountEmail?: string;
  circuit: 'closed' | 'open' | 'half-open' | 'unknown';
  /** Plain words, when the API did not answer as expected. */
  problem?: string;
}

/** Asks the API who the dashboard's credential belongs to: a live check for the Settings page. */
export async function describeConnection(): Promise<ConnectionStatus> {
  const mode = getConfig().platformsh.mode;
  const endpoint = dashboardEndpoint();
  const client = getDashboardClient();
  if (!endpoint || !client) {
    return { mode, circuit: 'unknown', problem: `The ${configuredVendor().productName} simulator is not running: start Keywarden with npm start.` };
  }
  const apiOrigin = endpoint.apiUrl.origin;
  try {
    const user = await client.getCurrentUser();
    return { mode, apiOrigin, accountEmail: user.email, circuit: client.circuitState() };
  } catch (error) {
    const problem = isPlatformshError(error) ? error.userMessage : `The ${configuredVendor().productName} API did not answer as expected.`;
    return { mode, apiOrigin, circuit: client.circuitState(), problem };
  }
}

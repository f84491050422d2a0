// Platform.sh or Upsun: the vendor of the organisation Keywarden connects to. Platform.sh is now
// Upsun and both serve the same API; what differs is named here, once, and derived everywhere else
// (the variable the CLI reads its token from, the CLI binary, the configuration file, the product
// name in copy). Facts from shared/platformsh-api/CONTRACT.md ("Hosts") and the onboarding kit's
// sources. Pure and browser-safe: pages pass the configured vendor to components as a prop.

export const VENDORS = ['platformsh', 'upsun'] as const;
export type Vendor = (typeof VENDORS)[number];

export interface VendorProfile {
  vendor: Vendor;
  /** The product name in copy: "the Platform.sh Console", "the Upsun Console". */
  productName: string;
  /** The CLI binary: `platform` or `upsun`. */
  cliBinary: 'platform' | 'upsun';
  /** The environment variable the CLI reads its API token from. */
  cliTokenEnv: string;
  /** The variable Keywarden pushes to environments: `env:` + cliTokenEnv. */
  tokenVariable: string;
  /** The app configuration file crons go into. */
  configFile: string;
  /** Where the Console shows a project (the simulator's `project_ui`). */
  consoleOrigin: string;
}

export const VENDOR_PROFILES: Record<Vendor, VendorProfile> = {
  platformsh: {
    vendor: 'platformsh',
    productName: 'Platform.sh',
    cliBinary: 'platform',
    cliTokenEnv: 'PLATFORMSH_CLI_TOKEN',
    tokenVariable: 'env:PLATFORMSH_CLI_TOKEN',
    configFile: '.platform.app.yaml',
    consoleOrigin: 'https://console.platform.sh',
  },
  upsun: {
    vendor: 'upsun',
    productName: 'Upsun',
    cliBinary: 'upsun',
    cliTokenEnv: 'UPSUN_CLI_TOKEN',
    tokenVariable: 'env:UPSUN_CLI_TOKEN',
    configFile: '.upsun/config.yaml',
    consoleOrigin: 'https://console.upsun.com',
  },
};

export function vendorProfile(vendor: Vendor): VendorProfile {
  return VENDOR_PROFILES[vendor];
}

/**
 * Fixed copy that may name the product (a findings rule's reason, a job queue's description): a
 * plain string, or a function of the profile where it names the vendor. Read with `vendorCopy`.
 */
export type VendorCopy = string | ((vendor: VendorProfile) => string);

export function vendorCopy(copy: VendorCopy, vendor: VendorProfile): string {
  return typeof copy === 'string' ? copy : copy(vendor);
}

/** The Console's page of an activity's log (a redeploy that failed says why there). */
export function activityLogUrl(profile: VendorProfile, projectId: string, environmentId: string, activityId: string): string {
  return `${profile.consoleOrigin}/projects/${encodeURIComponent(projectId)}/${encodeURIComponent(environmentId)}/log/${encodeURIComponent(activityId)}`;
}

/**
 * Every name a CLI token variable may have. An organisation that moved from Platform.sh to Upsun
 * (or whose projects predate the move) keeps variables under the old name: the sync tracks both, and
 * the pages say which name each one has.
 */
export const CLI_TOKEN_VARIABLE_NAMES: readonly string[] = VENDORS.map((vendor) => VENDOR_PROFILES[vendor].tokenVariable);

export function isCliTokenVariable(name: string): boolean {
  return CLI_TOKEN_VARIABLE_NAMES.includes(name);
}

/** The vendor whose CLI reads a variable of this name, if it is a CLI token variable. */
export function vendorOfVariable(name: string): Vendor | undefined {
  return VENDORS.find((vendor) => VENDOR_PROFILES[vendor].tokenVariable === name);
}

/** The default when KEYWARDEN_VENDOR is not set: Upsun for its API host, Platform.sh otherwise. */
export function vendorFromApiUrl(apiUrl: URL | string): Vendor {
  return new URL(String(apiUrl)).hostname.toLowerCase() === 'api.upsun.com' ? 'upsun' : 'platformsh';
}

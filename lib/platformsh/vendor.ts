// The vendor's names as lib/platformsh exports them (lib/vendor.ts holds them, browser-safe). A
// client knows its own vendor (`client.vendor`): what it pushes is named after it; what the sync reads
// is any of CLI_TOKEN_VARIABLE_NAMES.
export { activityLogUrl, CLI_TOKEN_VARIABLE_NAMES, isCliTokenVariable, vendorOfVariable, vendorProfile, VENDOR_PROFILES, VENDORS, type Vendor, type VendorProfile } from '@/lib/vendor';

/**
 * Platform.sh's name of the CLI token variable, the one Keywarden pushed before the vendor became a
 * setting: push steps journalled before then carry it, and the simulator's Platform.sh seed uses it.
 * New code names the variable from a client's vendor (`client.vendor.tokenVariable`).
 */
export const CLI_TOKEN_VARIABLE = 'env:PLATFORMSH_CLI_TOKEN';

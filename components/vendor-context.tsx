'use client';

// The configured vendor (Platform.sh or Upsun) for client components: the dashboard layout provides
// it from the server's configuration, and copy that names the product, the CLI or the variable reads
// it here instead of hard-coding Platform.sh's names.
import { createContext, useContext, type ReactNode } from 'react';
import { VENDOR_PROFILES, vendorProfile, type Vendor, type VendorProfile } from '@/lib/vendor';

const VendorContext = createContext<VendorProfile>(VENDOR_PROFILES.platformsh);

export function VendorProvider({ vendor, children }: { vendor: Vendor; children: ReactNode }) {
  return <VendorContext.Provider value={vendorProfile(vendor)}>{children}</VendorContext.Provider>;
}

/** The connection's vendor; Platform.sh outside a provider. */
export function useVendor(): VendorProfile {
  return useContext(VendorContext);
}

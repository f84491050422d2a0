// Where the dashboard's Platform.sh client points in sandbox mode. The start command runs the
// simulator in the same process and registers it here; the app (bundled by Next.js, hence its own
// module instances) reads it back through globalThis.

export interface PlatformshEndpoint {
  apiUrl: URL;
  authUrl: URL;
  apiToken: string;
}

const holder = globalThis as typeof globalThis & { keywardenSandboxEndpoint?: PlatformshEndpoint };

export function setSandboxEndpoint(endpoint: PlatformshEndpoint): void {
  holder.keywardenSandboxEndpoint = endpoint;
}

export function getSandboxEndpoint(): PlatformshEndpoint | undefined {
  return holder.keywardenSandboxEndpoint;
}

// @ts-check
import { createRequire } from 'node:module';

/**
 * Headers that do not depend on the request; the CSP with its per-request nonce is set in proxy.ts.
 * One list, shared with the custom server's own refusals (lib/security/request-gate.ts), which
 * answer before Next.js sees the request. Read with require: a JSON import needs import attributes.
 * @type {{ key: string; value: string }[]}
 */
const STATIC_SECURITY_HEADERS = createRequire(import.meta.url)('./lib/security/static-headers.json');

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Packages that load WebAssembly or native code at run time stay out of the bundle.
  serverExternalPackages: [
    '@electric-sql/pglite',
    'pglite-prisma-adapter',
    '@prisma/adapter-pg',
    '@node-rs/argon2',
    'pg',
  ],
  async headers() {
    return [{ source: '/:path*', headers: STATIC_SECURITY_HEADERS }];
  },
};

export default nextConfig;

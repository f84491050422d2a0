// `npm run simulator [-- --port 8787] [--faults] [--vendor upsun]`: runs the Platform.sh simulator alone, seeded with
// the demo organisation, and prints the settings that point Keywarden at it. The port is an
// argument, not an environment variable: lib/config is the app's only reader of process.env.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startSimulator } from '@/lib/platformsh/simulator';
import { VENDOR_PROFILES, VENDORS } from '@/lib/vendor';

const DEFAULT_PORT = 8787;

const argumentsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  faults: z.boolean().default(false),
  vendor: z.enum(VENDORS).default('platformsh'),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { port: { type: 'string' }, faults: { type: 'boolean' }, vendor: { type: 'string' } },
    strict: true,
  });
  const parsed = argumentsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`Invalid arguments: ${parsed.error.issues.map((issue) => `--${issue.path.join('.')} ${issue.message}`).join('; ')}`);
    process.exit(2);
  }
  const simulator = await startSimulator({ port: parsed.data.port, faults: parsed.data.faults, seed: 'demo', vendor: parsed.data.vendor });
  const demo = simulator.demo;
  console.log(`${VENDOR_PROFILES[simulator.vendor].productName} simulator listening on ${simulator.url} (demo organisation ${demo?.organizationId ?? '-'}, ${demo?.projectIds.length ?? 0} projects)`);
  console.log('Point Keywarden at it with:');
  // The dashboard token is a fixed demo value, public in the source: this standalone simulator is a
  // test fixture. Sandbox mode (npm start) seeds from a random key instead and never accepts it.
  console.log(`KEYWARDEN_VENDOR=${simulator.vendor} PLATFORMSH_API_URL=${simulator.url} PLATFORMSH_AUTH_URL=${simulator.authUrl} PLATFORMSH_API_TOKEN=${demo?.dashboardToken ?? ''}`);
  const shutDown = () => {
    void simulator.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutDown);
  process.on('SIGTERM', shutDown);
}

void main();

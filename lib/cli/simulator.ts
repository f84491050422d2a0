// `npm run simulator [-- --port 8787] [--faults] [--vendor upsun]`: runs the Platform.sh simulator alone, seeded with
// the demo organisation, and prints the settings that point Keywarden at it. The port is an
// argument, not an environment variable: lib/config is the app's only reader of process.env.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startSimulator } from '@/lib/platformsh/simulator';
import { VENDOR_PROFILES, VENDORS } from '@/lib/vendor';

const DEFAULT_PORT = 8787;
const HOST = '127.0.0.1';
const USAGE = `Usage: npm run simulator [-- --port ${DEFAULT_PORT}] [--faults] [--vendor ${VENDORS.join('|')}]`;

const PORT_EXPECTED = 'must be a port number from 0 to 65535';
const argumentsSchema = z.object({
  port: z.coerce.number({ error: PORT_EXPECTED }).int({ error: PORT_EXPECTED }).min(0, { error: PORT_EXPECTED }).max(65_535, { error: PORT_EXPECTED }).default(DEFAULT_PORT),
  faults: z.boolean().default(false),
  vendor: z.enum(VENDORS, { error: `must be ${VENDORS.map((vendor) => `"${vendor}"`).join(' or ')}` }).default('platformsh'),
});

/** A mistake in the command line: the message and the usage, exit code 2 (no stack trace). */
function refuseArguments(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { port: { type: 'string' }, faults: { type: 'boolean' }, vendor: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    // parseArgs's own message ("Unknown option '--prot'. To specify a positional argument, …"): its first sentence.
    refuseArguments(`${(error instanceof Error ? error.message : String(error)).split('. ')[0]}.`);
  }
  const parsed = argumentsSchema.safeParse(values);
  if (!parsed.success) refuseArguments(parsed.error.issues.map((issue) => `--${issue.path.join('.')} ${issue.message}`).join('\n'));
  const { port, faults, vendor } = parsed.data;
  const simulator = await startSimulator({ port, host: HOST, faults, seed: 'demo', vendor }).catch((error: NodeJS.ErrnoException) => {
    const reason = error.code === 'EADDRINUSE' ? 'the port is in use' : error.message;
    console.error(`The simulator cannot listen on ${HOST}:${port}: ${reason}${error.code ? ` (${error.code})` : ''}`);
    process.exit(1);
  });
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

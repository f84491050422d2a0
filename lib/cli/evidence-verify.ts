// npm run evidence:verify -- pack.zip [--public-key trusted.pem]
// Checks an evidence pack without Keywarden's database or keys: every file against the SHA-256
// digests of manifest.json, nothing missing or added, and manifest.sig against the pack's public key
// — or, with --public-key, against a key you trust from elsewhere (Settings shows it), which is what
// proves the pack came from your Keywarden. Prints OK or what failed; exit code 0 or 1.
import fs from 'node:fs';
import { formatFingerprint } from '@/lib/evidence/format';
import { verifyEvidencePack } from '@/lib/evidence/verify';

const USAGE = 'Usage: npm run evidence:verify -- <pack.zip> [--public-key <trusted-public-key.pem>]';

function parseArguments(argv: string[]): { pack: string; publicKey?: string } | null {
  let pack: string | undefined;
  let publicKey: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index]!;
    if (argument === '--public-key') publicKey = argv[++index];
    else if (argument.startsWith('--public-key=')) publicKey = argument.slice('--public-key='.length);
    else if (!argument.startsWith('-') && !pack) pack = argument;
    else return null;
  }
  if (!pack || (argv.includes('--public-key') && !publicKey)) return null;
  return { pack, publicKey };
}

function main(): number {
  const args = parseArguments(process.argv.slice(2));
  if (!args) {
    console.error(USAGE);
    return 2;
  }
  let zip: Buffer;
  let expected: string | undefined;
  try {
    zip = fs.readFileSync(args.pack);
    expected = args.publicKey ? fs.readFileSync(args.publicKey, 'utf8') : undefined;
  } catch (error) {
    console.error(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const result = verifyEvidencePack(new Uint8Array(zip), { expectedPublicKeyPem: expected });
  if (!result.ok) {
    console.error(`FAILED: ${args.pack}`);
    for (const problem of result.problems) console.error(`  - ${problem}`);
    return 1;
  }
  const key = result.publicKeySha256 ? formatFingerprint(result.publicKeySha256) : '?';
  console.log(`OK: ${args.pack} — ${result.checkedFiles} files match manifest.json, and its signature verifies with ${expected ? 'the expected' : 'the pack’s own'} public key (SHA-256 ${key}).`);
  if (!expected) console.log('Compare that fingerprint with the one on Keywarden’s Settings page, or pass --public-key with a key you trust.');
  return 0;
}

process.exit(main());

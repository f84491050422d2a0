// What to say when a token pasted into the record form is already recorded for this machine user
// (issue 14.5): its state, and what the person can do — never "resume the run" when there is no run
// to resume. A compromised or superseded token is not to be used again: the way forward is a new
// token, created by the machine user in the Platform.sh Console.
import { getDb, type Prisma } from '@/lib/db';
import { formatDateTime } from '@/lib/utils';
import { currentHoldings } from './holders';
import type { VendorProfile } from '@/lib/vendor';

type RecordedToken = Pick<Prisma.ApiTokenGetPayload<object>, 'id' | 'machineUserId' | 'lastFour' | 'status' | 'statusChangedAt' | 'deletedOnPlatformAt'>;

const newToken = (productName: string) => `Create a new token in the machine user’s ${productName} Console and record that one.`;

/** The refusal's message for `token`, recorded before for the same machine user, naming the connection's vendor. */
export async function describeRecordedAgain(token: RecordedToken, vendor: VendorProfile): Promise<string> {
  const { productName } = vendor;
  const NEW_TOKEN = newToken(productName);
  const name = `This token (…${token.lastFour})`;
  const on = token.statusChangedAt ? ` on ${formatDateTime(token.statusChangedAt.toISOString())}` : '';
  const stillAlive = token.deletedOnPlatformAt === null;
  switch (token.status) {
    case 'active': {
      const unfinished = await getDb().pushRun.findFirst({ where: { tokenId: token.id, status: { in: ['partial', 'failed'] } }, orderBy: { startedAt: 'desc' }, select: { status: true } });
      if (unfinished) return `${name} is already recorded and its push is ${unfinished.status}: paste it into “Resume the push” to finish it.`;
      const environments = (await currentHoldings([token.machineUserId])).filter((holding) => holding.tokenId === token.id).map((holding) => holding.environmentId).sort();
      const where = environments.length ? `, on ${environments.join(', ')}` : ', on no environment';
      return `${name} is already recorded and active${where}. A token is recorded once: to put a token on other environments, create a new one in the ${productName} Console and record it.`;
    }
    case 'compromised':
      return stillAlive
        ? `${name} was marked compromised${on}: never use it again. It is not deleted on ${productName} yet: delete it in the machine user’s Console (or finish revoking it here), then create a new token there and record that one.`
        : `${name} was marked compromised${on} and is deleted on ${productName}: never use it again. ${NEW_TOKEN}`;
    case 'superseded':
    case 'revoked': {
      const what = token.status === 'superseded' ? `was replaced by a rotation${on}` : `was revoked${on}`;
      return stillAlive
        ? `${name} ${what}, but is not deleted on ${productName} yet: delete it in the machine user’s Console. ${NEW_TOKEN}`
        : `${name} ${what} and is deleted on ${productName}. ${NEW_TOKEN}`;
    }
  }
}

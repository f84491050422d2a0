// The Inventory's picture of token ages against the policy: the chart (a client component, fed the
// numbers computed on the server) and, beside it, the same numbers as a table whose age cells link
// to the Inventory filtered to that bucket's active tokens. Assistive technology reads the table.
import Link from 'next/link';
import { DataTable } from '@/components/ui/data-table';
import type { TokenAgeBucket, TokenAgeDistribution as Distribution } from '@/lib/domain/review/token-ages';
import { INVENTORY_PATH, AGE_LABELS } from './inventory-filters';
import { TokenAgeChart } from './token-age-chart';

/** Short labels for the chart's axis (a phone's width holds five of these, not five of AGE_LABELS). */
const AXIS_LABELS: Record<TokenAgeBucket, string> = { lt30: '<30', '30to90': '30–90', '90to180': '90–180', '180to365': '180–365', gt365: '>365' };

/** Every active token of the bucket, whatever its machine user's state (as the chart counts them). */
export const tokenAgeHref = (bucket: TokenAgeBucket) => `${INVENTORY_PATH}?status=active&age=${bucket}&state=all`;

export function TokenAgeDistribution({ distribution, productName }: { distribution: Distribution; productName: string }) {
  const { buckets, maxAgeDays } = distribution;
  const total = buckets.reduce((sum, bucket) => sum + bucket.total, 0);
  const over = buckets.reduce((sum, bucket) => sum + bucket.overPolicy, 0);
  return (
    <section aria-labelledby="token-ages" className="mb-6 grid min-w-0 gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:p-5 md:grid-cols-2">
      <div className="min-w-0">
        <h2 id="token-ages" className="text-base font-semibold text-slate-900">
          Token age against the policy
        </h2>
        <p className="mt-1 max-w-prose text-sm text-slate-700">
          Active tokens by age, since {productName} made them (or since they were recorded). The policy’s maximum age is {maxAgeDays} days: {over} of {total} {over === 1 ? 'is' : 'are'} older, whatever the filters below.
        </p>
        {total === 0 ? (
          <p className="mt-3 text-sm text-slate-700">No active token yet.</p>
        ) : (
          <div className="mt-3">
            <TokenAgeChart
              bars={buckets.map((bucket) => ({ label: AXIS_LABELS[bucket.bucket], withinPolicy: bucket.total - bucket.overPolicy, overPolicy: bucket.overPolicy }))}
              maxAgeDays={maxAgeDays}
              summary={`Active tokens by age in days: ${buckets.map((bucket) => `${AGE_LABELS[bucket.bucket]} ${bucket.total}`).join(', ')}. ${over} of ${total} ${over === 1 ? 'is' : 'are'} older than the policy’s ${maxAgeDays} days. The table beside the chart gives the same numbers.`}
            />
          </div>
        )}
      </div>
      <div className="min-w-0">
        <h3 className="text-sm font-semibold text-slate-900">The same, as a table</h3>
        <div className="mt-2">
          <DataTable label="Token age against the policy, table" caption={`Active tokens per age, and how many are older than the policy’s ${maxAgeDays} days`} columns={['Age', 'Active tokens', `Older than ${maxAgeDays} days`]}>
            {buckets.map((bucket) => (
              <tr key={bucket.bucket}>
                <th scope="row" className="px-3 py-2 text-left text-sm font-normal whitespace-nowrap text-slate-900">
                  {bucket.total > 0 ? (
                    <Link href={tokenAgeHref(bucket.bucket)} className="text-indigo-800 underline">
                      {AGE_LABELS[bucket.bucket]}
                    </Link>
                  ) : (
                    AGE_LABELS[bucket.bucket]
                  )}
                </th>
                <td className="px-3 py-2 text-sm text-slate-900">{bucket.total}</td>
                <td className={bucket.overPolicy > 0 ? 'px-3 py-2 text-sm font-semibold text-red-800' : 'px-3 py-2 text-sm text-slate-900'}>{bucket.overPolicy}</td>
              </tr>
            ))}
            <tr>
              <th scope="row" className="px-3 py-2 text-left text-sm font-semibold text-slate-900">
                All ages
              </th>
              <td className="px-3 py-2 text-sm font-semibold text-slate-900">{total}</td>
              <td className="px-3 py-2 text-sm font-semibold text-slate-900">{over}</td>
            </tr>
          </DataTable>
        </div>
      </div>
    </section>
  );
}

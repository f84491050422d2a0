// The demo organisation of sandbox mode: the projects the Platform.sh simulator serves, which the
// inventory sync copies into the database at the first start.
export interface DemoProject {
  id: string;
  title: string;
  region: string;
}

export const DEMO_PROJECTS: readonly DemoProject[] = [
  { id: 'k3v7rq2mhx4ta', title: 'Storefront', region: 'eu-3.platform.sh' },
  { id: 'p9d2nw5lzc8ub', title: 'Checkout API', region: 'eu-3.platform.sh' },
  { id: 'a4f8ks1jty6re', title: 'Marketing site', region: 'us-3.platform.sh' },
  { id: 'm2x6bc9vqp3ln', title: 'Customer portal', region: 'eu-5.platform.sh' },
  { id: 'h7t1gz4wme2ko', title: 'Data pipeline', region: 'ca-1.platform.sh' },
  { id: 'r5n3yd8fsa7ji', title: 'Docs', region: 'us-4.platform.sh' },
  { id: 'w8c4qe2uxh9pd', title: 'Internal tools', region: 'eu-3.platform.sh' },
  { id: 'e6j9ro3tkb5mv', title: 'Mobile backend', region: 'au.platform.sh' },
  { id: 'f3q8lm6zr2wyc', title: 'Search service', region: 'eu-3.platform.sh' },
  { id: 't1b5xv7nd4hgs', title: 'Legacy CMS', region: 'us-3.platform.sh' },
];

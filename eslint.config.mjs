// Lint rules, including the import boundaries of ARCHITECTURE.md: a wrong arrow between layers
// fails CI instead of waiting for a review.
import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

const browserFacingBoundary = {
  patterns: [
    { group: ['@/lib/db', '@/lib/db/*'], message: 'Browser-facing code never reaches the database: go through lib/domain (server) or lib/actions.' },
    { group: ['@/lib/platformsh', '@/lib/platformsh/*'], message: 'Browser-facing code never calls Platform.sh directly: go through lib/domain or lib/actions.' },
    { group: ['@prisma/*', '@electric-sql/*', 'pg'], message: 'Database drivers belong to lib/db.' },
  ],
};

// Thrown while a page renders, these answer with an empty page that only a script fills in
// (lib/http/page-status.ts): a page renders components/shell/refusal-pages.tsx instead.
const refusalThrows = {
  name: 'next/navigation',
  importNames: ['notFound', 'forbidden', 'unauthorized'],
  message: 'Render <PageNotFound /> or <PageForbidden /> (components/shell/refusal-pages.tsx): the thrown ones leave the page blank without JavaScript.',
};

const config = [
  { ignores: ['.next/**', 'node_modules/**', 'lib/db/generated/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**'] },
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          // SECURITY.md T6: an inline server action closes over whatever is in scope.
          selector: ":function > BlockStatement > ExpressionStatement[directive='use server']",
          message: 'Inline "use server" functions are banned: put server actions in lib/actions/.',
        },
        {
          // The migrations create pg_trgm: a PGlite started without its files cannot migrate or read.
          selector: "NewExpression[callee.name='PGlite'], CallExpression[callee.object.name='PGlite'][callee.property.name='create']",
          message: 'Open PGlite through newPGlite() (lib/db/pglite.ts): it loads the extensions the migrations create.',
        },
      ],
    },
  },
  {
    files: ['components/**/*.{ts,tsx}'],
    rules: {
      // The TypeScript variant, so that a component may name a DTO's type (erased at build time)
      // without being able to call into the layer.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [refusalThrows],
          patterns: [
            ...browserFacingBoundary.patterns,
            { group: ['@/lib/domain', '@/lib/domain/*'], allowTypeImports: true, message: 'Components call lib/actions (or receive DTOs as props), never lib/domain; type-only imports of DTOs are fine.' },
            { group: ['@/lib/config', '@/lib/config/*'], message: 'Configuration is server-only: pass what a component needs as props.' },
            {
              group: ['@/lib/validations/*', '!@/lib/validations/limits', '!@/lib/validations/email-rule'],
              allowTypeImports: true,
              message: 'Schemas stay on the server (zod in the browser probes eval, which the CSP reports): import limits from @/lib/validations/limits (rules from their zod-free modules, e.g. email-rule), types with `import type`.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}', 'lib/actions/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { ...browserFacingBoundary, paths: [refusalThrows] }] },
  },
  {
    // The Platform.sh client knows nothing of React or the database.
    files: ['lib/platformsh/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['react', 'react-dom', 'next', 'next/*', '@/lib/db', '@/lib/db/*', '@/lib/domain', '@/lib/domain/*'], message: 'lib/platformsh may import lib/errors and lib/config only.' }] },
      ],
    },
  },
];

export default config;

/**
 * Module boundaries from DESIGN.md §3, checked by `npm run lint` (every rule is an error):
 * platform knows no module; a module is entered only through its index.ts; domain/ code is pure; the web app never
 * reaches into the server; no import cycles.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const server = '^apps/server/src';
const modules = `${server}/modules`;

module.exports = {
  forbidden: [
    {
      name: 'platform-knows-no-module',
      comment: 'platform/ is the layer below modules and the FHIR API; it must not depend on them (DESIGN.md §3).',
      severity: 'error',
      from: { path: `${server}/platform/` },
      to: { path: [`${modules}/`, `${server}/fhir-api/`] },
    },
    {
      name: 'module-only-through-index',
      comment: "A module uses another module only through that module's index.ts, its one public door.",
      severity: 'error',
      from: { path: `${modules}/([^/]+)/` },
      to: { path: `${modules}/[^/]+/`, pathNot: [`${modules}/$1/`, `${modules}/[^/]+/index\\.ts$`] },
    },
    {
      name: 'outside-code-only-through-module-index',
      comment: 'Code outside a module (app, fhir-api, cli, tests) also enters it only through its index.ts.',
      severity: 'error',
      from: { pathNot: `${modules}/` },
      to: { path: `${modules}/[^/]+/`, pathNot: `${modules}/[^/]+/index\\.ts$` },
    },
    {
      name: 'domain-is-pure',
      comment:
        'domain/ holds pure functions: it imports only domain/ code, packages/fhir, the time library and rrule (the ' +
        'recurrence library beside it, DESIGN.md §2; plus FHIR type declarations), never I/O, the store, the clock ' +
        'or Node built-ins. Its tests (beside the code) may use the test libraries.',
      severity: 'error',
      from: { path: `${modules}/[^/]+/domain/`, pathNot: '\\.test\\.ts$' },
      to: {
        pathNot: [
          `${modules}/[^/]+/domain/`,
          '^packages/fhir/',
          '(^|/)node_modules/temporal-polyfill/',
          '(^|/)node_modules/rrule/',
          '(^|/)node_modules/@medplum/fhirtypes/',
        ],
      },
    },
    {
      name: 'domain-fhirtypes-are-types-only',
      comment: '@medplum/fhirtypes is declarations only; domain/ may import its types, nothing at run time.',
      severity: 'error',
      from: { path: `${modules}/[^/]+/domain/` },
      to: { path: '(^|/)node_modules/@medplum/fhirtypes/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'web-never-imports-server',
      comment: 'apps/web talks to the server over HTTP (packages/client); it shares only packages/*.',
      severity: 'error',
      from: { path: '^apps/web/' },
      to: { path: '^apps/server/' },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles make load order matter and layers blur (DESIGN.md §3).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Data and the web build (`npm start` writes apps/web/dist) are not source.
    exclude: { path: '(^|/)\\.careloop/|^apps/web/dist/' },
    // Type-only imports count too: a cycle through types still couples the files, and domain/ rules need to see them.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};

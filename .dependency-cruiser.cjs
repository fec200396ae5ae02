/** House rules from design.md, checked in `npm test`. */
module.exports = {
  forbidden: [
    {
      name: 'module-only-through-index',
      comment: "Another module is reached only through its index.ts, never its files.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outsiders-only-through-index',
      comment: 'Code outside the modules (app, cli, demo, search-server adapters) also enters a module by its index.ts.',
      severity: 'error',
      from: { path: '^src/(app\\.ts|cli|demo|adapters)' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'platform-knows-no-modules',
      comment: 'platform/ knows nothing of streaming.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/(modules|demo|cli|app|adapters)' },
    },
    {
      name: 'modules-never-import-adapters',
      comment: 'Adapters are chosen in the composition root (src/app.ts); modules use platform interfaces.',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: ['^src/platform/(objects/(localStore|s3Store)|db/database)\\.ts$', '^src/adapters/'] },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};

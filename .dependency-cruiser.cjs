// The layers of docs/architecture.md, written as rules: `npm run deps` prints what breaks them, and
// test/architecture/layers.test.ts (in `npm test`) fails on any violation and on any folder cycle inside server/.
/** Bottom to top. A layer imports only its own and lower ones; agent and server share a rank and never import each other. */
const layers = ['common', 'schema', 'collectors', 'rules', ['agent', 'server'], 'cli'];

const rankOf = (name) => layers.findIndex((l) => (Array.isArray(l) ? l.includes(name) : l === name));
const names = layers.flat();

const upward = names.map((layer) => {
  const above = names.filter((other) => rankOf(other) > rankOf(layer));
  const peers = names.filter((other) => other !== layer && rankOf(other) === rankOf(layer));
  return {
    name: `${layer}-imports-only-below`,
    comment: `${layer}/ imports only its own layer and the ones below it (docs/architecture.md)`,
    severity: 'error',
    from: { path: `^${layer}/` },
    to: { path: `^(${[...above, ...peers, 'scripts', 'test'].join('|')})/` },
  };
});

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'server-db-below-the-domains',
      comment: 'server/db/ (the SQL interface, the shared records) imports nothing else of server/: every domain folder stands on it',
      severity: 'error',
      from: { path: '^server/db/' },
      to: { path: '^server/', pathNot: '^server/db/' },
    },
    {
      name: 'server-storage-on-top',
      comment: 'server/storage/ (engines, the Storage interface, the migration list) composes the domain folders; none imports it back',
      severity: 'error',
      from: { path: '^server/[^/]+/', pathNot: '^server/storage/' },
      to: { path: '^server/storage/' },
    },
    {
      name: 'no-cycles',
      comment: 'No module reaches itself again through its imports (type-only imports count: they tie the modules as well)',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'product-not-to-dev-dependencies',
      comment: 'What ships imports no devDependency: the package installs without them',
      severity: 'error',
      from: { path: `^(${names.join('|')})/` },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'resolvable',
      comment: 'Every import resolves to a file or a package',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
    // node: builtins and the few modules resolved by name at run time (the geo databases) are not imports to check.
    exclude: { path: '^(dist|node_modules)/' },
  },
};

/**
 * The layering of docs/ARCHITECTURE.md as dependency-cruiser rules (`npm run lint:deps`, part of `npm test`):
 * imports point inward only (contract <- engine <- services <- hosts), Electron stays in main/ and preload/,
 * the renderer and the preload see only the contract, and no Node built-in or TensorFlow.js reaches the page.
 * Side-effect imports (`import './x'`) and dynamic imports count like any other.
 */
/** Which top-level folders of src/ each folder may import from, besides itself. */
const allowed = {
  contract: [],
  engine: ['contract'],
  'training-process': ['contract', 'engine'],
  services: ['contract', 'engine'],
  cli: ['contract', 'engine', 'services'],
  server: ['contract', 'engine', 'services'],
  main: ['contract', 'engine', 'services'],
  preload: ['contract'],
  renderer: ['contract'],
};
const layers = Object.keys(allowed);

const inward = layers.map((layer) => ({
  name: `${layer}-imports-inward-only`,
  comment: `src/${layer} may import only from ${allowed[layer].length ? allowed[layer].map((l) => `src/${l}`).join(', ') : 'itself'}`,
  severity: 'error',
  from: { path: `^src/${layer}/`, pathNot: '\\.test\\.ts$' },
  to: { path: `^src/(?!(${[layer, ...allowed[layer]].join('|')})/)[^/]+/` },
}));

/** Packages a folder must never import (tests included). */
const forbidden = {
  contract: '^(electron|vue|pinia|echarts|@tensorflow)',
  engine: '^(electron|vue|pinia|ws)$|^(electron|@tensorflow/tfjs-node)/',
  'training-process': '^(electron|vue|pinia)$',
  services: '^(electron|vue|pinia)$',
  cli: '^(electron|vue|pinia)$',
  server: '^(electron|vue|pinia)$',
  preload: '^(vue|pinia|@tensorflow)',
  renderer: '^(electron|@tensorflow)',
};
const packages = Object.entries(forbidden).map(([layer, pattern]) => ({
  name: `${layer}-forbidden-packages`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], path: `node_modules/(${pattern.replace(/\^/g, '')})` },
}));

const noNodeBuiltins = ['contract', 'preload', 'renderer'].map((layer) => ({
  name: `${layer}-no-node-builtins`,
  severity: 'error',
  from: { path: `^src/${layer}/`, pathNot: '\\.test\\.ts$' },
  to: { dependencyTypes: ['core'] },
}));

module.exports = {
  forbidden: [
    ...inward,
    ...packages,
    ...noNodeBuiltins,
    { name: 'no-circular-across-layers', severity: 'warn', from: { path: '^src/contract/' }, to: { circular: true } },
    { name: 'not-to-unresolvable', severity: 'error', from: { path: '^src/' }, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.vue', '.json'] },
    exclude: { path: '^out/' },
  },
};

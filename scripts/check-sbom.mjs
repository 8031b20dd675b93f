// Two jobs for scripts/sbom.sh, kept in one file because both read pnpm's dependency tree:
//   scratch-project TREE DIR  prints the package.json of a scratch npm project that installs the packed
//                             tarballs in DIR with every transitive version pinned to pnpm's
//   check TREE PYDEPS NPM_SBOM PY_SBOM
//                             fails unless every runtime dependency (name and version) is a component
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [job, ...args] = process.argv.slice(2);

/**
 * name → set of versions, from `pnpm list --prod --depth Infinity --json` (workspace packages left out).
 * An optional peer dependency is left out too: pnpm resolves one when the workspace happens to have it
 * (a dev tool of ours), but a user's install does not, so it is not part of what we ship.
 */
function runtimeDependencies(treeFile) {
  const found = new Map();
  const walk = (deps, parentPath) => {
    const optionalPeers = parentPath ? optionalPeersOf(parentPath) : new Set();
    for (const [name, info] of Object.entries(deps ?? {})) {
      if (info.version?.startsWith('link:') || name.startsWith('@actpass/')) {
        walk(info.dependencies, info.path);
        continue;
      }
      if (optionalPeers.has(name)) continue;
      if (!found.has(name)) found.set(name, new Set());
      found.get(name).add(info.version);
      walk(info.dependencies, info.path);
    }
  };
  for (const project of JSON.parse(readFileSync(treeFile, 'utf8'))) walk(project.dependencies, project.path);
  return found;
}

function optionalPeersOf(packagePath) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(packagePath, 'package.json'), 'utf8'));
  } catch {
    return new Set();
  }
  const hard = { ...manifest.dependencies, ...manifest.optionalDependencies };
  return new Set(
    Object.entries(manifest.peerDependenciesMeta ?? {})
      .filter(([name, meta]) => meta?.optional === true && !(name in hard))
      .map(([name]) => name),
  );
}

if (job === 'scratch-project') {
  const [treeFile, dir] = args;
  const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  const dependencies = {};
  for (const file of tarballs) {
    const name = `@actpass/${file.replace(/^actpass-/, '').replace(/-\d.*$/, '')}`;
    dependencies[name] = `file:${join(dir, file)}`;
  }
  // Pin what has one locked version; a package locked at several versions is left to npm's ranges.
  const overrides = {};
  for (const [name, versions] of runtimeDependencies(treeFile)) {
    if (versions.size === 1) overrides[name] = [...versions][0];
  }
  console.log(
    JSON.stringify(
      { name: 'actpass-release', version: '0.0.0', private: true, dependencies, overrides },
      null,
      2,
    ),
  );
} else if (job === 'check') {
  const [treeFile, pythonDeps, npmSbom, pythonSbom] = args;
  const components = (file) =>
    new Set(
      JSON.parse(readFileSync(file, 'utf8')).components.map(
        (c) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`,
      ),
    );
  const problems = [];
  const npm = components(npmSbom);
  let npmCount = 0;
  for (const [name, versions] of runtimeDependencies(treeFile)) {
    for (const version of versions) {
      npmCount++;
      if (!npm.has(`${name}@${version}`))
        problems.push(`npm: ${name}@${version} is a runtime dependency but not in ${npmSbom}`);
    }
  }
  for (const name of ['@actpass/sdk', '@actpass/edge', '@actpass/gateway']) {
    if (![...npm].some((c) => c.startsWith(`${name}@`)))
      problems.push(`npm: ${name} itself is not in ${npmSbom}`);
  }
  const normal = (name) => name.replace(/[-_.]+/g, '-').toLowerCase();
  const python = new Set(
    [...components(pythonSbom)].map(
      (c) => normal(c.slice(0, c.lastIndexOf('@'))) + c.slice(c.lastIndexOf('@')),
    ),
  );
  const needed = Object.entries(JSON.parse(readFileSync(pythonDeps, 'utf8')));
  for (const [name, version] of needed) {
    if (!python.has(`${name}@${version}`))
      problems.push(`python: ${name}==${version} is a runtime dependency but not in ${pythonSbom}`);
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    process.exit(1);
  }
  console.log(
    `sbom: ${npmCount} npm runtime dependencies and ${needed.length} Python distributions (actpass included) all listed`,
  );
  console.log(`sbom: wrote ${npmSbom} and ${pythonSbom}`);
} else {
  console.error('usage: check-sbom.mjs scratch-project TREE DIR | check TREE PYDEPS NPM_SBOM PY_SBOM');
  process.exit(2);
}

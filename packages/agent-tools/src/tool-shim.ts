export interface ToolShim {
  /** e.g. `gemini` */
  name: string;
  package: string;
  version: string;
  /** Entry file relative to the package directory, from its `bin` field. */
  entry: string;
  /** Native executables are started directly, anything else with the mounted node. */
  native: boolean;
}

const SAFE_PATH = /^[A-Za-z0-9@._/+-]+$/;

/**
 * The `<toolsDir>/bin/<command>` script. It finds the tools root from its own location, which is
 * `/opt/crewship` inside a crew container and the tools directory itself on the host.
 */
export function renderToolShim(shim: ToolShim): string {
  for (const part of [shim.name, shim.package, shim.entry]) {
    if (!SAFE_PATH.test(part)) throw new Error(`unsafe path in agent tool shim: ${JSON.stringify(part)}`);
  }
  const target = `"$root/packages/${shim.name}/node_modules/${shim.package}/${shim.entry}"`;
  const command = shim.native ? target : `"$root/node/bin/node" ${target}`;
  return [
    '#!/bin/sh',
    `# ${shim.name} ${shim.version} (${shim.package}), installed by Crewship`,
    'root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)',
    `exec ${command} "$@"`,
    '',
  ].join('\n');
}

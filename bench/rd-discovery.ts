/**
 * RD discovery: all 21 ports x 2 schemes probed at once, against probing one at a time as vendor
 * test pages do. The port range holds 3 emulated services, 2 ports that accept and never answer,
 * and closed ports. Goal: the whole scan costs about one probe timeout.
 */
import { discover } from '../src/main/device/rd/discovery';
import { parseRdService } from '../src/main/device/rd/service';
import { rdRequest } from '../src/main/device/rd/transport';
import { startRdEmulator } from '../src/main/device/emulator/server';
import { closedPort, hungServer } from '../tests/support/raw-servers';
import { measure, printTable } from './lib';

const TIMEOUT_MS = 1_000;
const emulators = await Promise.all(['mantra-mfs100', 'morpho-l0', 'idemia-l1'].map((profile) => startRdEmulator({ port: 0, profile })));
const hung = await Promise.all([hungServer(), hungServer()]);
const closed = await Promise.all(Array.from({ length: 16 }, () => closedPort()));
const ports = [...closed.slice(0, 8), hung[0]!.port, ...emulators.map((e) => e.port), hung[1]!.port, ...closed.slice(8)];

async function sequential(): Promise<number> {
  let found = 0;
  for (const port of ports) {
    for (const scheme of ['http', 'https'] as const) {
      try {
        parseRdService(await rdRequest({ url: `${scheme}://127.0.0.1:${port}/`, method: 'RDSERVICE', timeoutMs: TIMEOUT_MS }), scheme, port);
        found++;
      } catch {
        // not this one
      }
    }
  }
  return found;
}

let parallelFound = 0;
const parallel = await measure(`parallel (${ports.length} ports x 2)`, 5, async () => {
  parallelFound = (await discover({ host: '127.0.0.1', ports, schemes: ['http', 'https'], timeoutMs: TIMEOUT_MS })).length;
});
let sequentialFound = 0;
const oneByOne = await measure('one port at a time', 2, async () => {
  sequentialFound = await sequential();
});
printTable(`RD discovery, probe timeout ${TIMEOUT_MS} ms`, [parallel, oneByOne], parallel);
console.log(`  found: parallel ${parallelFound}, sequential ${sequentialFound} (expected ${emulators.length})`);
console.log(`  parallel scan / probe timeout = ${(parallel.perOpMs / TIMEOUT_MS).toFixed(2)}`);

await Promise.all([...emulators.map((e) => e.close()), ...hung.map((h) => h.close())]);

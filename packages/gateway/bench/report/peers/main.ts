/**
 * One peer comparison as its own process (`node --import tsx bench/report/peers/main.ts <peer> <rounds>`):
 * a peer's wasm or interpreter can then never take the rest of the report down with it, and every engine
 * starts from a fresh JIT. Prints one JSON line of results last.
 */
import { measurePeer, PEERS, type PeerName } from './index.js';

const [name, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText);
if (!(PEERS as readonly string[]).includes(name ?? '') || !Number.isInteger(rounds) || rounds < 1) {
  console.error(`usage: main.ts <${PEERS.join('|')}> <rounds (a positive integer)>`);
  process.exit(2);
}
console.log(JSON.stringify(await measurePeer(name as PeerName, rounds)));

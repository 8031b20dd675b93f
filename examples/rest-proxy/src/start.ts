// `pnpm start`: runs the example and prints its transcript. The test runs the same `run()`.
import { run } from './run.js';

await run((line) => console.log(line));

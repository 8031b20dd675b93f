/** A long-lived child process answering one JSON line per command line (the Cedar and AGT workers). */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Worker {
  ask<T>(command: string): Promise<T>;
  close(): void;
}

export function startWorker(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Worker {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async ask<T>(line: string): Promise<T> {
      child.stdin.write(`${line}\n`);
      const next = await lines.next();
      if (next.done) throw new Error(`the worker exited: ${stderr.trim().split('\n').at(-1) ?? 'no output'}`);
      const answer = JSON.parse(next.value) as T & { error?: string };
      if (answer.error) throw new Error(answer.error);
      return answer;
    },
    close() {
      child.stdin.end();
      child.kill();
    },
  };
}

import {spawn} from 'child_process';
import type {ChildProcess} from 'child_process';

/**
 * Runs `work` while two processes spin on the machine's cores, as other jobs do on a shared CI runner: the loaded
 * machine that every verdict must survive (docs/performance.md#verdicts-on-a-loaded-machine).
 */
export async function underLoad<T>(work: () => Promise<T>): Promise<T> {
  const hogs: ChildProcess[] = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], {stdio: 'ignore'}));
  try {
    return await work();
  } finally {
    for (const hog of hogs) hog.kill('SIGKILL');
  }
}

import type { PeerUser } from '../../test/fixtures/directory-peer.js';
import { ask, forkBenchProcess, nextMessage } from './ipc.js';

export interface PeerProcess {
  pid: number;
  /** Each named peer's directory-source plugin config. */
  configs: Record<string, Record<string, unknown>>;
  addUsers(peer: string, users: Array<Partial<PeerUser> & { email: string; password: string }>): Promise<void>;
  close(): Promise<void>;
}

/** Directory peers (test/fixtures/directory-peer.ts), one per name, in a child process (peer-process.ts). */
export async function startPeerProcess(names: string[]): Promise<PeerProcess> {
  const child = forkBenchProcess('./peer-process.ts', { BENCH_PEERS: names.join(',') });
  const { configs } = await nextMessage<{ configs: PeerProcess['configs'] }>(child, 'ready');
  return {
    pid: child.pid!,
    configs,
    addUsers: async (peer, users) => void (await ask(child, { type: 'add', peer, users }, 'added')),
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'close' });
      await exited;
    },
  };
}

// The child side of startPeerProcess (peers.ts): test/fixtures/directory-peer.ts in a process of its own, so a
// source's answers cost neither the server's CPU nor the load generator's. Speaks over IPC.
import { startDirectoryPeer, type DirectoryPeer, type PeerUser } from '../../test/fixtures/directory-peer.js';

const names = (process.env.BENCH_PEERS ?? '').split(',').filter(Boolean);
if (!names.length || !process.send) throw new Error('peer-process.ts is started by startPeerProcess() in peers.ts');
const send = process.send.bind(process);

const peers = new Map<string, DirectoryPeer>();
for (const name of names) peers.set(name, await startDirectoryPeer());

type Message = { type: 'add'; peer: string; users: Array<Partial<PeerUser> & { email: string; password: string }> } | { type: 'close' };
process.on('message', (message: Message) => {
  if (message.type === 'add') {
    for (const user of message.users) peers.get(message.peer)!.addUser(user);
    send({ type: 'added' });
  } else if (message.type === 'close') {
    void Promise.all([...peers.values()].map((peer) => peer.close())).then(() => process.exit(0));
  }
});
send({ type: 'ready', configs: Object.fromEntries([...peers].map(([name, peer]) => [name, peer.config()])) });

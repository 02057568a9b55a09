// A number's WhatsApp auth state (creds and every signal key) kept in the Store, serialised with Baileys'
// BufferJSON, never in local files: any instance that takes the number's lease can carry on where another stopped.
// Keys change on every message, so each write first asks `guard` whether this process still owns the number.
import { BufferJSON, initAuthCreds, makeCacheableSignalKeyStore, proto } from '@whiskeysockets/baileys';
import type { AuthenticationCreds, AuthenticationState, SignalDataSet, SignalDataTypeMap, SignalKeyStore } from '@whiskeysockets/baileys';
import type { Logger } from '../../../src/core/channel.ts';
import type { Lease, Store } from '../../../src/core/store.ts';
import { authKeys, indexEntry, parseIndexEntry, type AuthKeys, type SignalKeyType } from './auth-keys.ts';
import type { ILogger } from './socket.ts';

/**
 * Resolves when this process may write the number's auth state, with the lease to fence the writes by (the store
 * refuses them atomically once another instance owns the number); throws when it may not (the lease was lost).
 */
export type WriteGuard = () => Promise<Lease | undefined>;

export interface AuthStateOptions {
  readonly store: Store;
  readonly account: string;
  readonly guard: WriteGuard;
  readonly log: Logger;
  readonly baileysLogger: ILogger;
}

export interface StoredAuthState {
  readonly state: AuthenticationState;
  /** Writes the current creds; calls made while a write waits share it. */
  saveCreds(): Promise<void>;
  /** Resolves once every creds write asked for so far has finished (or failed). */
  flush(): Promise<void>;
  /** Refuses every later write (the keys are about to be wiped): a late update must not bring them back. */
  retire(): void;
}

export class AuthStateUnreadableError extends Error {
  constructor(account: string, cause: unknown) {
    super(`the stored WhatsApp creds of "${account}" cannot be read; pair the number again after removing them`, { cause });
    this.name = 'AuthStateUnreadableError';
  }
}

export async function loadAuthState(options: AuthStateOptions): Promise<StoredAuthState> {
  const keys = authKeys(options.account);
  const creds = await readCreds(options.store, keys, options.account);
  let retired = false;
  const guard: WriteGuard = async () => {
    if (retired) throw new Error(`the WhatsApp auth state of "${options.account}" was retired: write refused`);
    return options.guard();
  };
  const signalKeys = makeCacheableSignalKeyStore(storeSignalKeys({ ...options, guard }, keys), options.baileysLogger);

  let queued: Promise<void> | undefined;
  let last: Promise<void> = Promise.resolve();
  function saveCreds(): Promise<void> {
    if (retired) return Promise.resolve();
    if (queued) return queued;
    const write = last.then(async () => {
      // Serialised when the write starts, so an update that arrived while waiting is included.
      queued = undefined;
      if (retired) return;
      const fence = await guard();
      await options.store.set(keys.creds, JSON.stringify(creds, BufferJSON.replacer), fenced(fence));
    });
    queued = write;
    last = write.catch(() => undefined);
    return write;
  }

  return {
    state: { creds, keys: signalKeys },
    saveCreds,
    flush: () => last,
    retire: () => {
      retired = true;
    },
  };
}

/** Removes the creds and every key of the number (after a logout): the next socket pairs from scratch. */
export async function wipeAuthState(store: Store, account: string, guard: WriteGuard): Promise<number> {
  const fence = fenced(await guard());
  const keys = authKeys(account);
  const entries = await store.range(keys.index, 0, -1);
  const targets = entries.flatMap((entry) => {
    const parsed = parseIndexEntry(entry);
    return parsed ? [keys.key(parsed.type, parsed.id)] : [];
  });
  await Promise.all(targets.map((key) => store.delete(key, fence)));
  await store.delete(keys.index, fence);
  await store.delete(keys.creds, fence);
  return targets.length;
}

async function readCreds(store: Store, keys: AuthKeys, account: string): Promise<AuthenticationCreds> {
  const text = await store.get(keys.creds);
  if (text === null) return initAuthCreds();
  let creds: AuthenticationCreds;
  try {
    creds = JSON.parse(text, BufferJSON.reviver) as AuthenticationCreds;
  } catch (error) {
    throw new AuthStateUnreadableError(account, error);
  }
  if (typeof creds !== 'object' || creds === null || !creds.noiseKey || !creds.signedIdentityKey) {
    throw new AuthStateUnreadableError(account, new Error('creds without noise or identity keys'));
  }
  // A pairing code sets `me` before the phone confirms; without the signed account from the phone, the next start
  // would try to log in as a device that was never linked. Start pairing again instead.
  if (creds.me && !creds.account) {
    creds.me = undefined;
    creds.pairingCode = undefined;
  }
  return creds;
}

function storeSignalKeys(options: AuthStateOptions, keys: AuthKeys): SignalKeyStore {
  const { store, guard, log } = options;
  let indexed: Promise<Set<string>> | undefined;
  const knownEntries = (): Promise<Set<string>> => (indexed ??= store.range(keys.index, 0, -1).then((list) => new Set(list)));

  return {
    async get<T extends SignalKeyType>(type: T, ids: string[]) {
      const values = await Promise.all(ids.map((id) => store.get(keys.key(type, id))));
      const found: { [id: string]: SignalDataTypeMap[T] } = {};
      values.forEach((text, at) => {
        const id = ids[at]!;
        if (text === null) return;
        try {
          const value: unknown = JSON.parse(text, BufferJSON.reviver);
          found[id] = (type === 'app-state-sync-key' ? proto.Message.AppStateSyncKeyData.fromObject(value as object) : value) as SignalDataTypeMap[T];
        } catch (error) {
          // An unreadable key is treated as missing: Baileys renegotiates a session rather than failing every message.
          log.error({ err: error, keyType: type }, 'unreadable WhatsApp signal key ignored');
        }
      });
      return found;
    },

    async set(data: SignalDataSet) {
      const fence = fenced(await guard());
      const known = await knownEntries();
      const added: string[] = [];
      const removed: string[] = [];
      const writes: Array<() => Promise<unknown>> = [];
      for (const type of Object.keys(data) as SignalKeyType[]) {
        for (const [id, value] of Object.entries(data[type] ?? {})) {
          const entry = indexEntry(type, id);
          if (value === null || value === undefined) {
            writes.push(() => store.delete(keys.key(type, id), fence));
            if (known.delete(entry)) removed.push(entry);
            continue;
          }
          if (!known.has(entry)) {
            known.add(entry);
            added.push(entry);
          }
          const text = JSON.stringify(value, BufferJSON.replacer);
          writes.push(() => store.set(keys.key(type, id), text, fence));
        }
      }
      // The index first: a crash in between leaves an entry without a key, never a key a wipe cannot find.
      try {
        await Promise.all(added.map((entry) => store.append(keys.index, entry)));
      } catch (error) {
        for (const entry of added) known.delete(entry);
        throw error;
      }
      await Promise.all(writes.map((write) => write()));
      await Promise.all(removed.map((entry) => store.removeFromList(keys.index, entry)));
    },

    async clear() {
      await wipeAuthState(store, options.account, guard);
      indexed = undefined;
    },
  };
}

/** Store options that fence a write by the lease, when there is one. */
function fenced(lease: Lease | undefined): { fence?: Lease } {
  return lease ? { fence: lease } : {};
}

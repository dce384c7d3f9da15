// Helpers of the end-to-end tests: start the built node on free ports, connect
// @polkadot/api, submit extrinsics and read their events, load the example contracts
// and speak the Solidity ABI the ERC20 contract uses.
//
// Environment: SSVM_NODE, the node binary; SSVM_CONTRACTS, the directory
// `ssvm-contracts DIR` wrote (scripts/test.sh sets both).

import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { compactStripLength, hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';

/** The gas limit the tests give executions. */
export const GAS = 10_000_000n;

function required(name) {
  const value = process.env[name];
  if (!value || !existsSync(value)) {
    throw new Error(`${name} must name an existing path (scripts/test.sh sets it); got ${value}`);
  }
  return value;
}

/** The bytes of contract `name` (e.g. "erc20", "fixtures/float", "probes/recurse"). */
export function contract(name) {
  return readFileSync(join(required('SSVM_CONTRACTS'), `${name}.wasm`));
}

/** A TCP port nothing listens on. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the node with `args` plus free RPC and p2p ports; resolves when its RPC
 * answers. Returns { api, rpcPort, p2pPort, stop, log }.
 */
export async function startNode(args, { name = 'node', timeoutMs = 120_000 } = {}) {
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const argv = [
    ...args,
    '--tmp',
    '--rpc-port', String(rpcPort),
    '--port', String(p2pPort),
    '--no-prometheus',
    '--no-telemetry',
    '--no-mdns',
  ];
  const child = spawn(required('SSVM_NODE'), argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (line) lines.push(line);
    }
    if (lines.length > 2000) lines.splice(0, lines.length - 2000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  const started = Date.now();
  let api;
  while (!api) {
    if (exited) {
      throw new Error(`${name} exited (${JSON.stringify(exited)}):\n${lines.slice(-40).join('\n')}`);
    }
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer RPC in ${timeoutMs} ms:\n${lines.slice(-40).join('\n')}`);
    }
    if (lines.some((line) => line.includes('Running JSON-RPC server'))) {
      const provider = new WsProvider(`ws://127.0.0.1:${rpcPort}`, false);
      try {
        await provider.connect();
        api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
      } catch {
        await provider.disconnect().catch(() => {});
      }
    }
    if (!api) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const stop = async () => {
    await api.disconnect().catch(() => {});
    if (!exited) {
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    }
  };
  return { api, rpcPort, p2pPort, stop, log: lines, startedMs: Date.now() - started };
}

/** The dev accounts (sr25519). */
export async function devAccounts() {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  return {
    alice: keyring.addFromUri('//Alice'),
    bob: keyring.addFromUri('//Bob'),
    charlie: keyring.addFromUri('//Charlie'),
  };
}

/**
 * Signs and submits `tx`; resolves when it is in a block (or finalized) with
 * { blockHash, events, ssvm, dispatchError } where `ssvm` lists the pallet's events as
 * { method, ...fields }.
 */
export function submit(api, tx, signer) {
  return new Promise((resolve, reject) => {
    let unsubscribe;
    tx.signAndSend(signer, (result) => {
      if (result.isError) {
        unsubscribe?.();
        reject(new Error(`transaction failed: ${result.status.type}`));
        return;
      }
      // Instant seal finalizes at once: the pool may report Finalized without InBlock.
      if (!result.status.isInBlock && !result.status.isFinalized) return;
      unsubscribe?.();
      const ssvm = result.events
        .filter(({ event }) => event.section === 'ssvm')
        .map(({ event }) => ({ method: event.method, ...fields(event) }));
      let dispatchError = null;
      if (result.dispatchError) {
        if (result.dispatchError.isModule) {
          const { section, name, docs } = api.registry.findMetaError(result.dispatchError.asModule);
          dispatchError = { section, name, docs: docs.join(' ') };
        } else {
          dispatchError = { section: 'system', name: result.dispatchError.type, docs: result.dispatchError.toString() };
        }
      }
      const blockHash = result.status.isInBlock ? result.status.asInBlock : result.status.asFinalized;
      resolve({ blockHash, events: result.events, ssvm, dispatchError });
    })
      .then((unsub) => { unsubscribe = unsub; })
      .catch(reject);
  });
}

/** An event's named fields. */
export function fields(event) {
  const names = event.data.names ?? [];
  return Object.fromEntries(names.map((name, i) => [name, event.data[i]]));
}

/** A 4-byte big-endian selector followed by 32-byte words. */
export function abi(selector, ...words) {
  const head = new Uint8Array(4);
  new DataView(head.buffer).setUint32(0, selector);
  return u8aConcat(head, ...words);
}

/** A uint256 word. */
export function word(value) {
  const out = new Uint8Array(32);
  let v = BigInt(value);
  for (let i = 31; i >= 0; i -= 1) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** An address (hex or bytes) as a word. */
export function addressWord(address) {
  const bytes = typeof address === 'string' ? hexToU8a(address) : address;
  return u8aConcat(new Uint8Array(12), bytes);
}

/** The bytes of a SCALE `Vec<u8>`/`Bytes` value (without its length prefix). */
export function raw(codec) {
  return compactStripLength(codec.toU8a())[1];
}

/** A word's value. */
export function wordValue(bytes) {
  return BigInt(u8aToHex(bytes.slice(-32)));
}

/** The account of a contract (or of an address nobody registered): address ‖ 0xEE × 12. */
export function contractAccount(address) {
  return encodeAddress(u8aConcat(hexToU8a(address.toString()), new Uint8Array(12).fill(0xee)));
}

/** The free balance of `account`. */
export async function freeBalance(api, account) {
  const info = await api.query.system.account(account);
  return info.data.free.toBigInt();
}

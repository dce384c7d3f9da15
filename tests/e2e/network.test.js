// Two validators on loopback: Alice and Bob run `--chain local` (Aura + GRANDPA), Bob
// bootstraps from Alice. Both must import and finalize blocks, and both must return
// the same contract storage through the runtime API at the same finalized block.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { u8aToHex } from '@polkadot/util';

import { GAS, contract, devAccounts, startNode, submit, wordValue } from './lib/harness.js';

/** Resolves when `api`'s finalized head reaches `number`. */
function finalizedAt(api, number, timeoutMs = 180_000) {
  return new Promise((resolve, reject) => {
    let unsubscribe;
    const timer = setTimeout(() => {
      unsubscribe?.();
      reject(new Error(`block ${number} was not finalized in ${timeoutMs} ms`));
    }, timeoutMs);
    api.rpc.chain
      .subscribeFinalizedHeads((header) => {
        if (header.number.toNumber() >= number) {
          clearTimeout(timer);
          unsubscribe?.();
          resolve(header.hash);
        }
      })
      .then((unsub) => { unsubscribe = unsub; })
      .catch(reject);
  });
}

describe('two-validator network (--chain local)', () => {
  let aliceNode;
  let bobNode;

  before(async () => {
    // Fixed network keys: a non-dev chain does not generate one.
    aliceNode = await startNode(['--chain', 'local', '--alice', '--node-key', '01'.padStart(64, '0')], { name: 'alice' });
    const peerId = (await aliceNode.api.rpc.system.localPeerId()).toString();
    bobNode = await startNode(
      [
        '--chain', 'local', '--bob', '--node-key', '02'.padStart(64, '0'),
        '--bootnodes', `/ip4/127.0.0.1/tcp/${aliceNode.p2pPort}/p2p/${peerId}`,
      ],
      { name: 'bob' },
    );
  });

  after(async () => {
    await bobNode?.stop();
    await aliceNode?.stop();
  });

  test('both nodes import and finalize blocks and agree on contract storage', async () => {
    const { alice } = await devAccounts();
    const connectedBy = Date.now() + 60_000;
    while ((await bobNode.api.rpc.system.health()).peers.toNumber() < 1) {
      assert.ok(Date.now() < connectedBy, 'bob connects to alice within a minute');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    // A counter, deployed and incremented twice through Alice's node.
    const deployed = await submit(
      aliceNode.api,
      aliceNode.api.tx.ssvm.deploy(u8aToHex(contract('counter')), 0, GAS, null),
      alice,
    );
    const counter = deployed.ssvm.find((e) => e.method === 'Deployed').contract.toHex();
    await submit(aliceNode.api, aliceNode.api.tx.ssvm.call(counter, '0x', 0, GAS), alice);
    const last = await submit(aliceNode.api, aliceNode.api.tx.ssvm.call(counter, '0x', 0, GAS), alice);
    const included = (await aliceNode.api.rpc.chain.getHeader(last.blockHash)).number.toNumber();

    // Both finalize the block (GRANDPA needs both votes), so they share its hash.
    const [aliceHash, bobHash] = await Promise.all([
      finalizedAt(aliceNode.api, included),
      finalizedAt(bobNode.api, included),
    ]);
    const hashAt = async (api) => (await api.rpc.chain.getBlockHash(included)).toHex();
    assert.equal(await hashAt(aliceNode.api), await hashAt(bobNode.api));
    assert.ok(aliceHash && bobHash);

    const block = await hashAt(bobNode.api);
    const slot = u8aToHex(new Uint8Array(32));
    const read = async (api) => {
      const at = await api.at(block);
      return (await at.call.ssvmApi.storage(counter, slot)).unwrap().toU8a();
    };
    const [onAlice, onBob] = await Promise.all([read(aliceNode.api), read(bobNode.api)]);
    assert.equal(u8aToHex(onAlice), u8aToHex(onBob));
    assert.equal(wordValue(onBob), 2n);
  });
});

// The dev chain end to end through @polkadot/api: a node started with
// `--dev --tmp --instant-seal` on free ports; the ERC20 contract deployed, called and
// queried; native value sent to a contract and back; invalid modules rejected with a
// readable error; the runtime's call-depth and memory limits probed on-chain; the dry
// run's gasRequired sent as the limit.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { hexToU8a, u8aToHex, u8aToString } from '@polkadot/util';
import { keccakAsU8a } from '@polkadot/util-crypto';

import {
  GAS, abi, addressWord, contract, contractAccount, devAccounts, freeBalance, raw, startNode,
  submit, word, wordValue,
} from './lib/harness.js';

const UNIT = 1_000_000_000_000n;
const TRANSFER = 0xa9059cbb;
const BALANCE_OF = 0x70a08231;
const SUPPLY = 10n ** 24n;
const TRANSFER_TOPIC = u8aToHex(keccakAsU8a('Transfer(address,address,uint256)'));

describe('dev chain (instant seal)', () => {
  let node;
  let api;
  let alice;
  let bob;
  let charlie;
  let aliceAddress;
  let bobAddress;
  let token;

  before(async () => {
    ({ alice, bob, charlie } = await devAccounts());
    node = await startNode(['--dev', '--instant-seal'], { name: 'dev node' });
    api = node.api;
    console.log(`# node answered RPC after ${node.startedMs} ms`);
    aliceAddress = (await api.call.ssvmApi.addressOf(alice.address)).toHex();
    bobAddress = (await api.call.ssvmApi.addressOf(bob.address)).toHex();
  });

  after(async () => {
    await node?.stop();
  });

  test('accounts have keccak256 addresses', () => {
    assert.equal(aliceAddress, '0x9621dde636de098b43efb0fa9b61facfe328f99d');
    assert.equal(bobAddress, '0x41dccbd49b26c50d34355ed86ff0fa9e489d1e01');
  });

  test('instant seal puts a transaction in a block at once and idles otherwise', async () => {
    const before = (await api.rpc.chain.getHeader()).number.toNumber();
    const started = Date.now();
    const { dispatchError } = await submit(api, api.tx.ssvm.mapAccount(), alice);
    const elapsed = Date.now() - started;
    assert.equal(dispatchError, null);
    console.log(`# submit to in-block: ${elapsed} ms`);
    const sealed = (await api.rpc.chain.getHeader()).number.toNumber();
    assert.equal(sealed, before + 1, 'one block for one transaction');
    // Aura would author a block every six seconds; instant seal waits for transactions.
    await new Promise((resolve) => setTimeout(resolve, 6500));
    assert.equal((await api.rpc.chain.getHeader()).number.toNumber(), sealed);
  });

  test('deploys the ERC20 and reads the Deployed event and the mint log', async () => {
    const code = contract('erc20');
    const result = await submit(api, api.tx.ssvm.deploy(u8aToHex(code), 0, GAS, null), alice);
    assert.equal(result.dispatchError, null);
    const deployed = result.ssvm.find((e) => e.method === 'Deployed');
    assert.ok(deployed, 'a Deployed event');
    assert.equal(deployed.deployer.toHex(), aliceAddress);
    assert.equal(deployed.codeHash.toHex(), u8aToHex(keccakAsU8a(code)));
    token = deployed.contract.toHex();
    const receipt = result.ssvm.find((e) => e.method === 'Called');
    assert.equal(receipt.status.type, 'Success');
    assert.equal(receipt.contract.toHex(), token);
    const mint = result.ssvm.find((e) => e.method === 'ContractLog');
    assert.equal(mint.contract.toHex(), token);
    assert.deepEqual(
      mint.topics.map((t) => t.toHex()),
      [TRANSFER_TOPIC, u8aToHex(new Uint8Array(32)), u8aToHex(addressWord(aliceAddress))],
    );
    assert.equal(wordValue(raw(mint.data)), SUPPLY);
    const stored = (await api.call.ssvmApi.code(token)).unwrap();
    assert.equal(stored.codeHash.toHex(), u8aToHex(keccakAsU8a(code)));
    assert.ok(u8aToHex(raw(stored.code)) === u8aToHex(code), 'the code is stored');
  });

  test('transfers tokens and reads the Transfer log and the receipt', async () => {
    const input = abi(TRANSFER, addressWord(bobAddress), word(100));
    const result = await submit(api, api.tx.ssvm.call(token, u8aToHex(input), 0, GAS), alice);
    assert.equal(result.dispatchError, null);
    const receipt = result.ssvm.find((e) => e.method === 'Called');
    assert.equal(receipt.status.type, 'Success');
    assert.equal(wordValue(raw(receipt.output)), 1n);
    assert.ok(receipt.gasUsed.toBigInt() > 0n);
    const log = result.ssvm.find((e) => e.method === 'ContractLog');
    assert.deepEqual(log.topics.map((t) => t.toHex()), [
      TRANSFER_TOPIC,
      u8aToHex(addressWord(aliceAddress)),
      u8aToHex(addressWord(bobAddress)),
    ]);
    assert.equal(wordValue(raw(log.data)), 100n);
  });

  test('checks balances through the runtime API dry run and storage query', async () => {
    const balanceOf = async (owner) => {
      const input = abi(BALANCE_OF, addressWord(owner));
      const result = await api.call.ssvmApi.call(alice.address, token, u8aToHex(input), 0, GAS);
      assert.ok(result.isOk, `dry run: ${result.toString()}`);
      const report = result.asOk;
      assert.equal(report.status.type, 'Success');
      assert.equal(report.storageChanges.toNumber(), 0);
      return wordValue(raw(report.output));
    };
    assert.equal(await balanceOf(bobAddress), 100n);
    assert.equal(await balanceOf(aliceAddress), SUPPLY - 100n);
    // A dry-run transfer reports its logs and storage changes without committing them.
    const input = abi(TRANSFER, addressWord(bobAddress), word(5));
    const dry = (await api.call.ssvmApi.call(alice.address, token, u8aToHex(input), 0, GAS)).asOk;
    assert.equal(dry.logs.length, 1);
    assert.equal(dry.storageChanges.toNumber(), 2);
    assert.equal(await balanceOf(bobAddress), 100n);
    // The balance slot 0x01 ‖ 0^11 ‖ owner, read directly.
    const key = new Uint8Array(32);
    key[0] = 1;
    key.set(hexToU8a(bobAddress), 12);
    const stored = await api.call.ssvmApi.storage(token, u8aToHex(key));
    assert.equal(wordValue(stored.unwrap().toU8a()), 100n);
  });

  test('gas limits up to maxGasLimit are accepted and larger ones refused', async () => {
    const max = api.consts.ssvm.maxGasLimit.toBigInt();
    console.log(`# maxGasLimit: ${max} gas (follows the benchmarked weights)`);
    assert.ok(GAS <= max);
    const input = abi(BALANCE_OF, addressWord(bobAddress));
    const full = await submit(api, api.tx.ssvm.call(token, u8aToHex(input), 0, max), alice);
    assert.equal(full.dispatchError, null);
    assert.equal(full.ssvm.find((e) => e.method === 'Called')?.status.type, 'Success');
    // One more unit still weighs less than a block (the limit leaves room for the heavier
    // base weight of `deploy`), so the pallet refuses it with an error.
    const over = await submit(api, api.tx.ssvm.call(token, u8aToHex(input), 0, max + 1n), alice);
    assert.equal(over.dispatchError?.name, 'GasLimitTooHigh');
    assert.match(over.dispatchError.docs, /dry run/);
  });

  test('a reverted call is included with its reason and changes nothing', async () => {
    const input = abi(TRANSFER, addressWord(aliceAddress), word(1));
    const result = await submit(api, api.tx.ssvm.call(token, u8aToHex(input), 0, GAS), charlie);
    assert.equal(result.dispatchError, null);
    const receipt = result.ssvm.find((e) => e.method === 'Called');
    assert.equal(receipt.status.type, 'Revert');
    assert.equal(u8aToString(raw(receipt.output)), 'insufficient balance');
    assert.ok(!result.ssvm.some((e) => e.method === 'ContractLog'));
  });

  test('sends native value to a contract and back', async () => {
    const deployed = await submit(api, api.tx.ssvm.deploy(u8aToHex(contract('caller')), 0, GAS, null), alice);
    const caller = deployed.ssvm.find((e) => e.method === 'Deployed').contract.toHex();
    const callerAccount = contractAccount(caller);
    assert.equal(await freeBalance(api, callerAccount), 0n);

    // Alice pays the contract 5 UNIT; the contract pays Bob 2 UNIT (CALLER op 1).
    await submit(api, api.tx.ssvm.mapAccount(), bob);
    const payBob = new Uint8Array([1, ...hexToU8a(bobAddress), ...word(2n * UNIT).slice(16)]);
    const bobBefore = await freeBalance(api, bob.address);
    const paid = await submit(api, api.tx.ssvm.call(caller, u8aToHex(payBob), 5n * UNIT, GAS), alice);
    assert.equal(paid.ssvm.find((e) => e.method === 'Called').status.type, 'Success');
    assert.equal(await freeBalance(api, callerAccount), 3n * UNIT);
    assert.equal(await freeBalance(api, bob.address), bobBefore + 2n * UNIT);

    // And back: the contract pays Alice its remaining 3 UNIT.
    const aliceBefore = await freeBalance(api, alice.address);
    const payAlice = new Uint8Array([1, ...hexToU8a(aliceAddress), ...word(3n * UNIT).slice(16)]);
    const back = await submit(api, api.tx.ssvm.call(caller, u8aToHex(payAlice), 0, GAS), alice);
    assert.equal(back.ssvm.find((e) => e.method === 'Called').status.type, 'Success');
    const fee = back.events
      .map(({ event }) => event)
      .find((e) => e.section === 'transactionPayment' && e.method === 'TransactionFeePaid')
      .data[1].toBigInt();
    assert.equal(await freeBalance(api, callerAccount), 0n);
    assert.equal(await freeBalance(api, alice.address), aliceBefore + 3n * UNIT - fee);
  });

  test('sending the dry run\'s gasRequired as the limit succeeds', async () => {
    const deployed = await submit(api, api.tx.ssvm.deploy(u8aToHex(contract('caller')), 0, GAS, null), alice);
    const caller = deployed.ssvm.find((e) => e.method === 'Deployed').contract.toHex();
    const key = new Uint8Array(32).fill(5);
    // CALLER op 7 stores a word, op 4 creates with the init code after a 16-byte value.
    const store = (value) => u8aToHex(new Uint8Array([7, ...key, ...new Uint8Array(32).fill(value)]));
    await submit(api, api.tx.ssvm.call(caller, store(9), 0, GAS), alice);
    const cases = [
      ['ERC20 transfer', token, u8aToHex(abi(TRANSFER, addressWord(bobAddress), word(1)))],
      // The create keeps 1/64 of the gas back; clearing a slot earns a refund at the end:
      // both need more gas than they use.
      ['nested create', caller, u8aToHex(new Uint8Array([4, ...new Uint8Array(16), ...contract('erc20')]))],
      ['storage clear (refund)', caller, store(0)],
    ];
    for (const [name, dest, input] of cases) {
      const dry = (await api.call.ssvmApi.call(alice.address, dest, input, 0, GAS)).asOk;
      assert.equal(dry.status.type, 'Success', name);
      const required = dry.gasRequired.unwrap().toBigInt();
      const used = dry.gasUsed.toBigInt();
      console.log(`# ${name}: gasUsed ${used}, gasRequired ${required}`);
      assert.ok(required >= used, name);
      if (name !== 'ERC20 transfer') assert.ok(required > used, `${name} needs more than it uses`);
      const short = (await api.call.ssvmApi.call(alice.address, dest, input, 0, required - 1n)).asOk;
      assert.notEqual(short.status.type, 'Success', `${name} with one gas less`);
      const sent = await submit(api, api.tx.ssvm.call(dest, input, 0, required), alice);
      assert.equal(sent.ssvm.find((e) => e.method === 'Called').status.type, 'Success', name);
    }
  });

  test('an invalid module fails with a readable error', async () => {
    const float = await submit(api, api.tx.ssvm.deploy(u8aToHex(contract('fixtures/float')), 0, GAS, null), alice);
    assert.equal(float.dispatchError?.section, 'ssvm');
    assert.equal(float.dispatchError?.name, 'CodeUsesFloats');
    assert.match(float.dispatchError.docs, /floating-point/);
    console.log(`# ${float.dispatchError.section}.${float.dispatchError.name}: ${float.dispatchError.docs}`);
    const notWasm = await submit(api, api.tx.ssvm.deploy('0x1234', 0, GAS, null), alice);
    assert.equal(notWasm.dispatchError?.name, 'CodeNotWasm');
    assert.ok(!notWasm.ssvm.some((e) => e.method === 'Deployed'));
  });

  test('the call-depth limit holds on-chain', async () => {
    const maxDepth = api.consts.ssvm.maxCallDepth.toNumber();
    const deployed = await submit(api, api.tx.ssvm.deploy(u8aToHex(contract('probes/recurse')), 0, GAS, null), alice);
    const probe = deployed.ssvm.find((e) => e.method === 'Deployed').contract.toHex();
    const result = await submit(api, api.tx.ssvm.call(probe, '0x', 0, GAS), alice);
    assert.equal(result.ssvm.find((e) => e.method === 'Called').status.type, 'Success');
    const slot = (await api.call.ssvmApi.storage(probe, u8aToHex(new Uint8Array(32)))).unwrap().toU8a();
    const depth = new DataView(slot.buffer, slot.byteOffset).getUint32(0, true);
    assert.equal(depth, maxDepth, 'the deepest frame is at the cap');
  });

  test('the memory budget holds on-chain', async () => {
    const budget = api.consts.ssvm.maxMemoryPages.toNumber();
    const deployed = await submit(api, api.tx.ssvm.deploy(u8aToHex(contract('probes/memory')), 0, GAS, null), alice);
    const probe = deployed.ssvm.find((e) => e.method === 'Deployed').contract.toHex();
    const grow = async (pages) => {
      const input = new Uint8Array(4);
      new DataView(input.buffer).setUint32(0, pages, true);
      const result = await submit(api, api.tx.ssvm.call(probe, u8aToHex(input), 0, GAS), alice);
      assert.equal(result.ssvm.find((e) => e.method === 'Called').status.type, 'Success');
      const slot = (await api.call.ssvmApi.storage(probe, u8aToHex(new Uint8Array(32)))).unwrap().toU8a();
      return new DataView(slot.buffer, slot.byteOffset).getInt32(0, true);
    };
    assert.equal(await grow(budget - 1), 1, 'the whole budget (16 MiB on the dev chain)');
    assert.equal(await grow(budget), -1, 'one page more is refused');
  });
});

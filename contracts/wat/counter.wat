;; A storage counter. Deploys itself (its code is its own init code). Every call
;; with empty call data increments slot 0; every call returns the counter as a
;; 32-byte big-endian word.
(module
  (import "ethereum" "storageLoad" (func $load (param i32 i32)))
  (import "ethereum" "storageStore" (func $store (param i32 i32)))
  (import "ethereum" "getCallDataSize" (func $callDataSize (result i32)))
  (import "ethereum" "getCodeSize" (func $codeSize (result i32)))
  (import "ethereum" "codeCopy" (func $codeCopy (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory (export "memory") 1)
  ;; 0..32: the counter key (zero); 32..64: the counter value;
  ;; 64..96: the deployed marker key (0xff..ff); 96..128: a 1 word; 128..: code copy.
  (data (i32.const 64) "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff")
  (data (i32.const 127) "\01")
  (func (export "main")
    (local $value i64)
    ;; Deployment: mark deployed and return our own code.
    (call $load (i32.const 64) (i32.const 160))
    (if (i64.eqz (i64.load (i32.const 184)))
      (then
        (call $store (i32.const 64) (i32.const 96))
        (call $codeCopy (i32.const 1024) (i32.const 0) (call $codeSize))
        (call $finish (i32.const 1024) (call $codeSize))))
    (call $load (i32.const 0) (i32.const 32))
    (if (i32.eqz (call $callDataSize))
      (then
        ;; The low 8 bytes of the big-endian word, byte-swapped.
        (local.set $value (i64.add (call $bswap (i64.load (i32.const 56))) (i64.const 1)))
        (i64.store (i32.const 56) (call $bswap (local.get $value)))
        (call $store (i32.const 0) (i32.const 32))))
    (call $finish (i32.const 32) (i32.const 32)))
  (func $bswap (param $x i64) (result i64)
    (local $out i64) (local $i i32)
    (loop $bytes
      (local.set $out (i64.or (i64.shl (local.get $out) (i64.const 8))
                              (i64.and (local.get $x) (i64.const 0xff))))
      (local.set $x (i64.shr_u (local.get $x) (i64.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $bytes (i32.lt_u (local.get $i) (i32.const 8))))
    (local.get $out)))

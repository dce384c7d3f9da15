;; A probe of the call-depth limit. Deploys itself (called with its init code as call
;; data, it returns its own code). A call with empty call data starts at depth 0; each
;; frame calls its own address with its depth + 1 (u32, little-endian) as call data,
;; forwarding all its gas, until a call fails. The frame whose call failed stores its
;; depth in slot 0 (little-endian in the first four bytes), so afterwards slot 0 holds
;; the deepest depth a call reached.
(module
  (import "ethereum" "getCallDataSize" (func $callDataSize (result i32)))
  (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
  (import "ethereum" "getCodeSize" (func $codeSize (result i32)))
  (import "ethereum" "codeCopy" (func $codeCopy (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "getAddress" (func $address (param i32)))
  (import "ethereum" "getGasLeft" (func $gasLeft (result i64)))
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "storageStore" (func $store (param i32 i32)))
  ;; 0..4 depth (call data); 4..8 depth + 1; 100..120 own address; 200..232 zero value;
  ;; 300..332 stored word; 400..432 slot 0; 1024.. own code.
  (memory (export "memory") 1)
  (func (export "main")
    (if (i32.ge_u (call $callDataSize) (i32.const 4))
      (then (call $callDataCopy (i32.const 0) (i32.const 0) (i32.const 4))))
    (if (i32.eq (i32.load (i32.const 0)) (i32.const 0x6d736100))
      (then
        (call $codeCopy (i32.const 1024) (i32.const 0) (call $codeSize))
        (call $finish (i32.const 1024) (call $codeSize))))
    (i32.store (i32.const 4) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (call $address (i32.const 100))
    (if (i32.eq (i32.const 1)
          (call $call (call $gasLeft) (i32.const 100) (i32.const 200) (i32.const 4) (i32.const 4)))
      (then
        (i32.store (i32.const 300) (i32.load (i32.const 0)))
        (call $store (i32.const 400) (i32.const 300))))))

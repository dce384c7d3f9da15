;; A probe of the memory budget. Deploys itself (called with its init code as call
;; data, it returns its own code). Otherwise it grows its memory by the number of pages
;; in its call data (u32, little-endian) and stores what `memory.grow` returned (the old
;; size, or -1 when refused) in slot 0, little-endian in the first four bytes. It
;; declares one page, so it can hold at most one page less than a host's budget.
(module
  (import "ethereum" "getCallDataSize" (func $callDataSize (result i32)))
  (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
  (import "ethereum" "getCodeSize" (func $codeSize (result i32)))
  (import "ethereum" "codeCopy" (func $codeCopy (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "storageStore" (func $store (param i32 i32)))
  ;; 0..4 pages (call data); 32..64 slot 0; 64..96 stored word; 1024.. own code.
  (memory (export "memory") 1)
  (func (export "main")
    (if (i32.ge_u (call $callDataSize) (i32.const 4))
      (then (call $callDataCopy (i32.const 0) (i32.const 0) (i32.const 4))))
    (if (i32.eq (i32.load (i32.const 0)) (i32.const 0x6d736100))
      (then
        (call $codeCopy (i32.const 1024) (i32.const 0) (call $codeSize))
        (call $finish (i32.const 1024) (call $codeSize))))
    (i32.store (i32.const 64) (memory.grow (i32.load (i32.const 0))))
    (call $store (i32.const 32) (i32.const 64))))

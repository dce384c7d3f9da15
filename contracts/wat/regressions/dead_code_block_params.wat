;; Issue 13, class 1: a block with parameters inside unreachable code.
;;
;; Reported as found by differential fuzzing: this contract made `Module::new` panic
;; (the translator's stack model lost the live `i64.const 5` at the outer block's end,
;; then `emit_return` indexed an empty stack). Deployed through `ssvm.deploy`, the
;; panic aborted the dry run and made block authors drop the extrinsic unpaid. Fixed
;; in the translator; the plain-module variants are in
;; engine/tests/regressions/dead_code_block_params.wast.
;;
;; Self-checking (see README.md): `main` reverts unless `$f` returns 5.
(module
  (import "ethereum" "getCallDataSize" (func $callDataSize (result i32)))
  (import "ethereum" "getCodeSize" (func $codeSize (result i32)))
  (import "ethereum" "codeCopy" (func $codeCopy (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (memory (export "memory") 1)
  (func $f (result i64)
    i64.const 5
    block
      br 0
      block (param i32)
        drop
      end
    end)
  (func (export "main")
    (drop (call $f))
    (if (i64.ne (call $f) (i64.const 5))
      (then (call $revert (i32.const 0) (i32.const 0))))
    (call $done))
  ;; Called with call data (a deploy passes its init code), it deploys itself;
  ;; otherwise it finishes with no output.
  (func $done
    (if (i32.eqz (call $callDataSize))
      (then (call $finish (i32.const 0) (i32.const 0))))
    (call $codeCopy (i32.const 0) (i32.const 0) (call $codeSize))
    (call $finish (i32.const 0) (call $codeSize))))

;; Issue 13, class 2: multi-value results on the not-taken path of a `br_if` to the
;; function label and on the later targets of a `br_table`.
;;
;; The interpreter returned zeros there (AOT and wasmi returned the values): the copies
;; into the result registers emitted on one path were recorded in the translator's
;; stack model, which the other path relied on. Plain-module variants:
;; engine/tests/regressions/branch_paths_multi_value.wast.
;;
;; Self-checking (see README.md): `main` reverts unless every function returns (7, 8).
(module
  (import "ethereum" "getCallDataSize" (func $callDataSize (result i32)))
  (import "ethereum" "getCodeSize" (func $codeSize (result i32)))
  (import "ethereum" "codeCopy" (func $codeCopy (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (memory (export "memory") 1)
  ;; memory.size - 1 is 0: the branch is not taken.
  (func $not_taken (result i64 i64)
    i64.const 7
    i64.const 8
    memory.size
    i32.const 1
    i32.sub
    br_if 0)
  (func $table (param i32) (result i64 i64)
    i64.const 7
    i64.const 8
    local.get 0
    br_table 0 0 0)
  (func $check (param i64 i64)
    (if (i32.or (i64.ne (local.get 0) (i64.const 7)) (i64.ne (local.get 1) (i64.const 8)))
      (then (call $revert (i32.const 0) (i32.const 0)))))
  (func (export "main")
    (call $check (call $not_taken))
    (call $check (call $table (i32.const 0)))
    (call $check (call $table (i32.const 1)))
    (call $check (call $table (i32.const 2)))
    (call $check (call $table (i32.const 3)))
    (call $done))
  ;; Called with call data (a deploy passes its init code), it deploys itself;
  ;; otherwise it finishes with no output.
  (func $done
    (if (i32.eqz (call $callDataSize))
      (then (call $finish (i32.const 0) (i32.const 0))))
    (call $codeCopy (i32.const 0) (i32.const 0) (call $codeSize))
    (call $finish (i32.const 0) (call $codeSize))))

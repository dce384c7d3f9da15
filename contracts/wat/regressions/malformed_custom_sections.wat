;; Issue 13, class 3: custom sections, which validation ignores, made the AOT path fail.
;;
;; The AOT path's metering pass re-encoded modules with wasm-encoder, which parses the
;; `name` section: this contract ran on the interpreter and ended with INTERNAL_ERROR
;; on the AOT path (EVMC `engine=aot`). Fixed by dropping custom sections before
;; instrumenting. Plain-module variants: engine/tests/regressions/malformed_custom_sections.wast.
;;
;; The `name` section's function-names subsection claims 2^28 entries; a `producers`
;; section of garbage comes first. Self-checking (see README.md): it only has to run.
(module
  (@custom "producers" (before first) "\ff\ff\ff")
  (@custom "name" (after last) "\01\04\ff\ff\ff\7f")
  (import "ethereum" "getCallDataSize" (func $callDataSize (result i32)))
  (import "ethereum" "getCodeSize" (func $codeSize (result i32)))
  (import "ethereum" "codeCopy" (func $codeCopy (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "main")
    (call $done))
  ;; Called with call data (a deploy passes its init code), it deploys itself;
  ;; otherwise it finishes with no output.
  (func $done
    (if (i32.eqz (call $callDataSize))
      (then (call $finish (i32.const 0) (i32.const 0))))
    (call $codeCopy (i32.const 0) (i32.const 0) (call $codeSize))
    (call $finish (i32.const 0) (call $codeSize))))

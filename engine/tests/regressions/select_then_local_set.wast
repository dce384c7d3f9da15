;; A shape wasmi 2.0.0 miscompiles (found by the differential fuzz target; RELIABILITY.md):
;; a `select` whose result is stored with `local.set` into a local the select read,
;; under a value left on the stack. wasmi divides by the local's old value (0) and
;; traps; the spec, ssvm's interpreter and AOT path and plain wasmtime return 100.
;; ssvm's translator retargets `op; local.set x` into `x` directly, the same kind of
;; optimization: this keeps it honest.

(module
  (global (mut i64) (i64.const 5))
  (func (export "f") (param i32) (result i32) (local i64 i32 i32)
    global.get 0
    i32.const 100
    local.get 0
    local.set 2
    i32.const 1
    local.get 2
    local.get 2
    i32.eqz
    select
    local.set 2
    local.set 3
    local.get 3
    local.get 2
    i32.div_s
    return))

(assert_return (invoke "f" (i32.const 0)) (i32.const 100))
(assert_return (invoke "f" (i32.const 5)) (i32.const 20))
(assert_return (invoke "f" (i32.const -1)) (i32.const -100))

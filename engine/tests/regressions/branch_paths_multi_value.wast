;; Issue 13, class 2: multi-value results on branch paths.
;;
;; Returning several values copies them into the result registers. The translator
;; emitted those copies on the taken path of a `br_if` (or in a `br_table`
;; trampoline) but recorded the values as copied in its model of the stack, which the
;; other path (the not-taken `br_if`, the next trampolines) then relied on: those
;; paths returned zeros. Found by differential fuzzing.

(module
  (memory 0)

  ;; The reported function: `memory.size` is 0, so the branch is not taken.
  (func (export "br_if_not_taken") (result i64 i64)
    i64.const 7
    i64.const 8
    memory.size
    br_if 0)

  (func (export "br_if") (param i32) (result i64 i64)
    i64.const 7
    i64.const 8
    local.get 0
    br_if 0
    drop
    drop
    i64.const 1
    i64.const 2)

  ;; Locals are referenced, not copied, until needed: the same on both paths.
  (func (export "br_if_locals") (param i32 i64) (result i64 i64 i32)
    local.get 1
    i64.const 3
    local.get 0
    local.get 0
    br_if 0)

  ;; Every target of the table returns; each trampoline must copy for itself.
  (func (export "br_table_returns") (param i32) (result i64 i64)
    i64.const 7
    i64.const 8
    local.get 0
    br_table 0 0 0 0)

  ;; Mixed targets: a block with two results, the function, a loop-free fallthrough.
  (func (export "br_table_mixed") (param i32) (result i32 i32)
    block (result i32 i32)
      block (result i32 i32)
        i32.const 1
        i32.const 2
        local.get 0
        br_table 0 2 1 2 0
      end
      i32.const 10
      i32.add
      return
    end
    i32.const 20
    i32.add))

(assert_return (invoke "br_if_not_taken") (i64.const 7) (i64.const 8))
(assert_return (invoke "br_if" (i32.const 0)) (i64.const 1) (i64.const 2))
(assert_return (invoke "br_if" (i32.const 1)) (i64.const 7) (i64.const 8))
(assert_return (invoke "br_if_locals" (i32.const 0) (i64.const 5)) (i64.const 5) (i64.const 3) (i32.const 0))
(assert_return (invoke "br_if_locals" (i32.const 4) (i64.const 5)) (i64.const 5) (i64.const 3) (i32.const 4))
(assert_return (invoke "br_table_returns" (i32.const 0)) (i64.const 7) (i64.const 8))
(assert_return (invoke "br_table_returns" (i32.const 1)) (i64.const 7) (i64.const 8))
(assert_return (invoke "br_table_returns" (i32.const 2)) (i64.const 7) (i64.const 8))
(assert_return (invoke "br_table_returns" (i32.const 3)) (i64.const 7) (i64.const 8))
(assert_return (invoke "br_table_returns" (i32.const 99)) (i64.const 7) (i64.const 8))
(assert_return (invoke "br_table_mixed" (i32.const 0)) (i32.const 1) (i32.const 12))
(assert_return (invoke "br_table_mixed" (i32.const 1)) (i32.const 1) (i32.const 2))
(assert_return (invoke "br_table_mixed" (i32.const 2)) (i32.const 1) (i32.const 22))
(assert_return (invoke "br_table_mixed" (i32.const 3)) (i32.const 1) (i32.const 2))
(assert_return (invoke "br_table_mixed" (i32.const 4)) (i32.const 1) (i32.const 12))

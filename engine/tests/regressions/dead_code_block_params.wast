;; Issue 13, class 1: a block with parameters inside unreachable code.
;;
;; The translator's model of the operand stack let such a block's base drop below the
;; enclosing block's, so the enclosing block's `end` truncated live operands: with a
;; function result, translation panicked (index out of bounds in `emit_return`);
;; without one, the value computed afterwards was wrong. Found by differential fuzzing
;; (wasm-smith modules on the interpreter, the AOT path and wasmi).

(module
  ;; The reported module: `Module::new` panicked.
  (func (export "block_param") (result i64)
    i64.const 5
    block
      br 0
      block (param i32)
        drop
      end
    end)

  ;; The same shape with `loop` and `if` with parameters in the dead code.
  (func (export "loop_param") (result i64)
    i64.const 6
    block
      br 0
      loop (param i32 i64)
        drop
        drop
      end
    end)
  (func (export "if_param") (result i64)
    i64.const 7
    block
      br 0
      if (param i64) (result i64)
      else
      end
      drop
    end)

  ;; No result at the dead code's level: the live operand below was lost and the sum
  ;; read a stale register.
  (func (export "live_operand_used_after") (param i64) (result i64)
    local.get 0
    block
      br 0
      block (param i32 i32)
        drop
        drop
      end
    end
    i64.const 1
    i64.add)

  ;; A constant and a local below dead nested blocks, several levels deep.
  (func (export "nested") (param i32) (result i32 i32)
    i32.const 40
    local.get 0
    block (result i32)
      i32.const 2
      br 0
      block (param i32 i32 i32) (result i32)
        block (param i32)
          drop
        end
        drop
      end
    end
    i32.add)

  ;; After `return` and `unreachable`, too.
  (func (export "after_return") (result i64)
    i64.const 9
    block
      i64.const 10
      return
      block (param i64)
        drop
      end
    end)
  (func (export "after_unreachable") (param i32) (result i64)
    i64.const 11
    block
      local.get 0
      br_if 0
      unreachable
      block (param i32)
        drop
      end
    end))

(assert_return (invoke "block_param") (i64.const 5))
(assert_return (invoke "loop_param") (i64.const 6))
(assert_return (invoke "if_param") (i64.const 7))
(assert_return (invoke "live_operand_used_after" (i64.const 41)) (i64.const 42))
(assert_return (invoke "nested" (i32.const 3)) (i32.const 40) (i32.const 5))
(assert_return (invoke "after_return") (i64.const 10))
(assert_return (invoke "after_unreachable" (i32.const 1)) (i64.const 11))
(assert_trap (invoke "after_unreachable" (i32.const 0)) "unreachable")

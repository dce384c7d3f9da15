;; Issue 13, class 3: custom sections are ignored by validation, so they must be
;; ignored on every execution path.
;;
;; The AOT path's metering pass re-encoded the module with wasm-encoder, which parses
;; the `name` section: a malformed one made the AOT path fail (INTERNAL_ERROR for a
;; contract) where the interpreter ran the module. Found by differential fuzzing.

;; A `name` section whose function-names subsection claims 2^28 entries.
(module binary
  "\00asm" "\01\00\00\00"
  "\01\05\01\60\00\01\7f"          ;; type 0: [] -> [i32]
  "\03\02\01\00"                   ;; func 0: type 0
  "\07\05\01\01f\00\00"            ;; export "f": func 0
  "\0a\06\01\04\00\41\2a\0b"       ;; func 0: i32.const 42
  "\00\0b\04name\01\04\ff\ff\ff\7f" ;; custom "name": subsection 1, bad count
)
(assert_return (invoke "f") (i32.const 42))

;; Malformed `name` content before the type section, and other custom sections the
;; re-encoder or wasmtime might interpret (producers, target_features, DWARF).
(module binary
  "\00asm" "\01\00\00\00"
  "\00\07\04name\00\ff"            ;; custom "name": module-name subsection, truncated
  "\01\06\01\60\01\7f\01\7f"       ;; type 0: [i32] -> [i32]
  "\00\0e\09producers\01\02\ff\ff"  ;; custom "producers": garbage
  "\03\02\01\00"                   ;; func 0: type 0
  "\00\12\0ftarget_features\ff\ff"  ;; custom "target_features": garbage
  "\07\05\01\01g\00\00"            ;; export "g": func 0
  "\0a\09\01\07\00\20\00\41\01\6a\0b" ;; func 0: local.get 0, i32.const 1, i32.add
  "\00\0e\0b.debug_info\ff\ff"      ;; custom ".debug_info": garbage
)
(assert_return (invoke "g" (i32.const 41)) (i32.const 42))

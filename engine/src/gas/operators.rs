//! The per-operator table, generated from wasmparser's own operator list.
//!
//! `wasmparser::for_each_operator!` is the single source of truth for which Wasm
//! operators exist. From it this module generates [`OperatorKind`] (one variant per
//! operator of every proposal, SIMD included) and classifies each one at compile time
//! into a [`CostClass`] (priced) or a [`Forbidden`] reason. A new wasmparser release
//! that adds operators therefore cannot slip an unpriced operator past the engine: the
//! classification covers every generated variant, and the tests below check that every
//! floating-point and out-of-scope operator is forbidden.

use wasmparser::Operator;

/// The price class of an allowed operator; [`super::GasSchedule`] maps classes to gas.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CostClass {
    /// Structural markers that compile to nothing: `nop`, `block`, `loop`, `else`, `end`.
    Structural,
    /// Every other simple integer, variable, memory and branch operator.
    Base,
    /// `i32.mul`, `i64.mul`.
    Multiply,
    /// `i32.div_*`, `i32.rem_*`.
    Divide32,
    /// `i64.div_*`, `i64.rem_*`.
    Divide64,
    /// `call` (Wasm and host functions alike; host functions add their own cost).
    Call,
    /// `call_indirect`.
    CallIndirect,
    /// `memory.grow`: a static part plus a per-page dynamic part.
    MemoryGrow,
    /// `memory.copy`, `memory.fill`, `memory.init`: static part plus per-word part.
    BulkMemory,
    /// `table.copy`, `table.init`: static part plus per-element part.
    BulkTable,
}

/// Why an operator is outside the Ewasm instruction set.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Forbidden {
    /// Any floating-point type, constant, operator, conversion or reinterpretation.
    Float,
    /// SIMD and relaxed SIMD.
    Simd,
    /// Threads and atomics.
    Threads,
    /// Reference-type operators beyond a single funcref table.
    ReferenceTypes,
    /// Tail calls.
    TailCall,
    /// Exception handling (current and legacy).
    Exceptions,
    /// Garbage collection, typed function references, stack switching.
    Gc,
    /// Any other proposal (memory control, wide arithmetic, ...).
    Proposal,
}

impl Forbidden {
    /// A short name of the rule, used in error messages.
    pub const fn rule(self) -> &'static str {
        match self {
            Forbidden::Float => "floating-point",
            Forbidden::Simd => "SIMD",
            Forbidden::Threads => "threads/atomics",
            Forbidden::ReferenceTypes => "reference types beyond a funcref table",
            Forbidden::TailCall => "tail calls",
            Forbidden::Exceptions => "exception handling",
            Forbidden::Gc => "GC/typed function references",
            Forbidden::Proposal => "a Wasm proposal outside the Ewasm set",
        }
    }
}

/// An operator's place in the Ewasm instruction set.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OperatorClass {
    /// Allowed, priced by the given class.
    Priced(CostClass),
    /// Rejected at validation.
    Forbidden(Forbidden),
}

const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn str_eq(a: &str, b: &str) -> bool {
    bytes_eq(a.as_bytes(), b.as_bytes())
}

const fn contains(haystack: &str, needle: &str) -> bool {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    if n.len() > h.len() {
        return false;
    }
    let mut start = 0;
    while start + n.len() <= h.len() {
        let mut j = 0;
        while j < n.len() && h[start + j] == n[j] {
            j += 1;
        }
        if j == n.len() {
            return true;
        }
        start += 1;
    }
    false
}

const fn starts_with(haystack: &str, prefix: &str) -> bool {
    let h = haystack.as_bytes();
    let p = prefix.as_bytes();
    if p.len() > h.len() {
        return false;
    }
    let mut i = 0;
    while i < p.len() {
        if h[i] != p[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn any_eq(name: &str, set: &[&str]) -> bool {
    let mut i = 0;
    while i < set.len() {
        if str_eq(name, set[i]) {
            return true;
        }
        i += 1;
    }
    false
}

/// Classifies one operator from its wasmparser proposal group and name.
const fn classify(proposal: &str, name: &str) -> OperatorClass {
    use CostClass::*;
    use OperatorClass::{Forbidden as No, Priced};
    // Floats first: they appear in several proposals (mvp, saturating conversions).
    if contains(name, "F32") || contains(name, "F64") {
        return No(Forbidden::Float);
    }
    if str_eq(proposal, "mvp") {
        if any_eq(name, &["Nop", "Block", "Loop", "Else", "End"]) {
            return Priced(Structural);
        }
        if any_eq(name, &["I32Mul", "I64Mul"]) {
            return Priced(Multiply);
        }
        if starts_with(name, "I32Div") || starts_with(name, "I32Rem") {
            return Priced(Divide32);
        }
        if starts_with(name, "I64Div") || starts_with(name, "I64Rem") {
            return Priced(Divide64);
        }
        if str_eq(name, "Call") {
            return Priced(Call);
        }
        if str_eq(name, "CallIndirect") {
            return Priced(CallIndirect);
        }
        if str_eq(name, "MemoryGrow") {
            return Priced(MemoryGrow);
        }
        return Priced(Base);
    }
    if str_eq(proposal, "sign_extension") {
        return Priced(Base);
    }
    if str_eq(proposal, "bulk_memory") {
        if any_eq(name, &["MemoryCopy", "MemoryFill", "MemoryInit"]) {
            return Priced(BulkMemory);
        }
        if any_eq(name, &["TableCopy", "TableInit"]) {
            return Priced(BulkTable);
        }
        // `data.drop`, `elem.drop`.
        return Priced(Base);
    }
    if str_eq(proposal, "reference_types") {
        // `select t` with an integer type is plain `select`; every other operator of
        // the proposal manipulates references or tables beyond call_indirect.
        if str_eq(name, "TypedSelect") {
            return Priced(Base);
        }
        return No(Forbidden::ReferenceTypes);
    }
    if str_eq(proposal, "simd") || str_eq(proposal, "relaxed_simd") {
        return No(Forbidden::Simd);
    }
    if str_eq(proposal, "threads")
        || str_eq(proposal, "shared_everything_threads")
        || str_eq(proposal, "acquire_release_atomics")
    {
        return No(Forbidden::Threads);
    }
    if str_eq(proposal, "tail_call") {
        return No(Forbidden::TailCall);
    }
    if str_eq(proposal, "exceptions") || str_eq(proposal, "legacy_exceptions") {
        return No(Forbidden::Exceptions);
    }
    if str_eq(proposal, "gc")
        || str_eq(proposal, "function_references")
        || str_eq(proposal, "stack_switching")
        || str_eq(proposal, "custom_descriptors")
    {
        return No(Forbidden::Gc);
    }
    No(Forbidden::Proposal)
}

macro_rules! define_operator_table {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// Every operator wasmparser can decode, one variant each.
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum OperatorKind {
            $($op,)*
        }

        impl OperatorKind {
            /// All operators, in wasmparser's order.
            pub const ALL: &'static [OperatorKind] = &[$(OperatorKind::$op,)*];

            /// The operator's name as wasmparser spells the variant (`I32Add`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(OperatorKind::$op => stringify!($op),)*
                }
            }

            /// The proposal group wasmparser files the operator under (`mvp`, `simd`, ...).
            pub const fn proposal(self) -> &'static str {
                match self {
                    $(OperatorKind::$op => stringify!($proposal),)*
                }
            }

            /// The kind of a decoded operator.
            pub fn of(op: &Operator<'_>) -> Option<OperatorKind> {
                match op {
                    $(Operator::$op { .. } => Some(OperatorKind::$op),)*
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }

        const CLASSES: [OperatorClass; OperatorKind::ALL.len()] = [
            $(classify(stringify!($proposal), stringify!($op)),)*
        ];
    };
}

wasmparser::for_each_operator!(define_operator_table);

impl OperatorKind {
    /// Whether the operator is allowed, and if so how it is priced.
    #[inline]
    pub const fn class(self) -> OperatorClass {
        CLASSES[self as usize]
    }
}

/// Classifies a decoded operator; an operator wasmparser decodes but this build of the
/// table does not know is forbidden as an unknown proposal.
pub fn classify_operator(op: &Operator<'_>) -> OperatorClass {
    match OperatorKind::of(op) {
        Some(kind) => kind.class(),
        None => OperatorClass::Forbidden(Forbidden::Proposal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operator_is_priced_or_forbidden_for_a_reason() {
        let mut priced = 0;
        let mut forbidden = 0;
        for &op in OperatorKind::ALL {
            let name = op.name();
            let class = op.class();
            if name.contains("F32") || name.contains("F64") {
                assert_eq!(class, OperatorClass::Forbidden(Forbidden::Float), "{name}");
            }
            match op.proposal() {
                "mvp" | "sign_extension" | "bulk_memory" => {
                    if !name.contains("F32") && !name.contains("F64") {
                        assert!(matches!(class, OperatorClass::Priced(_)), "{name}");
                    }
                }
                "simd" | "relaxed_simd" => {
                    assert!(matches!(class, OperatorClass::Forbidden(_)), "{name}")
                }
                "reference_types" if name != "TypedSelect" => assert_eq!(
                    class,
                    OperatorClass::Forbidden(Forbidden::ReferenceTypes),
                    "{name}"
                ),
                "reference_types" => {}
                _ => assert!(matches!(class, OperatorClass::Forbidden(_)), "{name}"),
            }
            match class {
                OperatorClass::Priced(_) => priced += 1,
                OperatorClass::Forbidden(_) => forbidden += 1,
            }
        }
        assert_eq!(priced + forbidden, OperatorKind::ALL.len());
        // The integer MVP + sign-extension + bulk memory + typed select.
        // 104 integer MVP operators, 5 sign-extension, 7 bulk memory, typed select.
        assert_eq!(
            priced, 117,
            "the allowed set changed; review the gas schedule"
        );
        assert!(forbidden > 400, "SIMD alone has over 200 operators");
    }

    #[test]
    fn special_prices() {
        use CostClass::*;
        let class_of = |name: &str| {
            OperatorKind::ALL
                .iter()
                .find(|op| op.name() == name)
                .unwrap()
                .class()
        };
        assert_eq!(class_of("I64Mul"), OperatorClass::Priced(Multiply));
        assert_eq!(class_of("I32RemU"), OperatorClass::Priced(Divide32));
        assert_eq!(class_of("I64DivS"), OperatorClass::Priced(Divide64));
        assert_eq!(class_of("End"), OperatorClass::Priced(Structural));
        assert_eq!(class_of("MemoryFill"), OperatorClass::Priced(BulkMemory));
        assert_eq!(class_of("TableInit"), OperatorClass::Priced(BulkTable));
        assert_eq!(class_of("I32Add"), OperatorClass::Priced(Base));
        assert_eq!(
            class_of("I32TruncSatF32S"),
            OperatorClass::Forbidden(Forbidden::Float)
        );
        assert_eq!(
            class_of("I64ReinterpretF64"),
            OperatorClass::Forbidden(Forbidden::Float)
        );
        assert_eq!(
            class_of("ReturnCall"),
            OperatorClass::Forbidden(Forbidden::TailCall)
        );
    }
}

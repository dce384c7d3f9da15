//! The import tables: every host function a contract may import (`ethereum`, `bignum`,
//! `debug`), with its signature and gas, and what an import is bound to. A leaf below
//! validation (which checks imports against these tables), the EEI implementation
//! (which charges their gas) and the generated docs (`docs/EEI.md`, [`markdown_table`]).
//!
//! EEI semantics and gas follow Hera 0.6 (`src/eei.cpp`) and ewasm/design
//! `eth_interface.md`; the `bignum` namespace is EWASM.md section 4.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::gas::{BignumCosts, EeiCosts, GasSchedule};
use crate::types::{FuncSignature, ValueType};

/// What an imported function is bound to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum HostFunction {
    /// An EEI function (`ethereum` namespace).
    Eei(EeiFunction),
    /// A native 256-bit operation (`bignum` namespace).
    Bignum(BignumFunction),
    /// A debug helper (`debug` namespace).
    Debug(DebugFunction),
    /// A function resolved by the host ([`crate::ModuleKind::Plain`] only); the index counts
    /// the module's imports.
    External(u32),
}

/// An imported function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// Import module name.
    pub module: String,
    /// Import field name.
    pub name: String,
    /// What it is bound to.
    pub function: HostFunction,
    /// Its signature.
    pub signature: FuncSignature,
}

const I32: ValueType = ValueType::I32;
const I64: ValueType = ValueType::I64;

/// An EEI function.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum EeiFunction {
    UseGas,
    GetGasLeft,
    GetAddress,
    GetExternalBalance,
    GetBlockHash,
    GetCallDataSize,
    CallDataCopy,
    GetCaller,
    GetCallValue,
    CodeCopy,
    GetCodeSize,
    ExternalCodeCopy,
    GetExternalCodeSize,
    GetBlockCoinbase,
    GetBlockDifficulty,
    GetBlockGasLimit,
    GetTxGasPrice,
    Log,
    GetBlockNumber,
    GetBlockTimestamp,
    GetTxOrigin,
    StorageStore,
    StorageLoad,
    Finish,
    Revert,
    GetReturnDataSize,
    ReturnDataCopy,
    Call,
    CallCode,
    CallDelegate,
    CallStatic,
    Create,
    Create2,
    SelfDestruct,
    GetChainId,
}

/// The static part of an EEI function's gas, named after [`EeiCosts`] fields.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum StaticGas {
    /// Nothing static (`finish`, `revert`; `useGas` charges its argument).
    None,
    /// [`EeiCosts::base`].
    Base,
    /// [`EeiCosts::verylow`].
    VeryLow,
    /// [`EeiCosts::balance`].
    Balance,
    /// [`EeiCosts::extcode`].
    ExtCode,
    /// [`EeiCosts::blockhash`].
    BlockHash,
    /// [`EeiCosts::storage_load`].
    StorageLoad,
    /// [`EeiCosts::storage_store_change`].
    StorageStore,
    /// [`EeiCosts::log`].
    Log,
    /// [`EeiCosts::call`].
    Call,
    /// [`EeiCosts::create`].
    Create,
    /// [`EeiCosts::selfdestruct`].
    SelfDestruct,
}

impl StaticGas {
    /// The amount under `costs`.
    pub const fn cost(self, costs: &EeiCosts) -> u64 {
        match self {
            StaticGas::None => 0,
            StaticGas::Base => costs.base,
            StaticGas::VeryLow => costs.verylow,
            StaticGas::Balance => costs.balance,
            StaticGas::ExtCode => costs.extcode,
            StaticGas::BlockHash => costs.blockhash,
            StaticGas::StorageLoad => costs.storage_load,
            StaticGas::StorageStore => costs.storage_store_change,
            StaticGas::Log => costs.log,
            StaticGas::Call => costs.call,
            StaticGas::Create => costs.create,
            StaticGas::SelfDestruct => costs.selfdestruct,
        }
    }
}

/// The dynamic part of an EEI function's gas, charged after the static part: an
/// expression over [`EeiCosts`] fields, which the implementation charges and
/// [`markdown_table`] prints with the schedule's numbers.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum DynamicGas {
    /// Nothing.
    None,
    /// `useGas`: its argument.
    Argument,
    /// [`EeiCosts::copy_word`] per started 32-byte word copied.
    CopyWords,
    /// [`EeiCosts::log_topic`] per topic + [`EeiCosts::log_data_byte`] per data byte.
    Log,
    /// [`EeiCosts::storage_store_create`] - [`EeiCosts::storage_store_change`] more when
    /// a zero slot becomes non-zero; [`EeiCosts::storage_clear_refund`] refunded when a
    /// slot is cleared.
    StorageStore,
    /// With value: [`EeiCosts::value_transfer`], [`EeiCosts::new_account`] more to an
    /// account that does not exist, and the callee gets [`EeiCosts::value_stipend`]
    /// free; plus the gas forwarded.
    CallWithValue,
    /// As [`DynamicGas::CallWithValue`] without the new-account charge (`callCode`
    /// sends the value to itself).
    CallCodeWithValue,
    /// The gas forwarded (at most all but 1/64 of what is left).
    Forwarded,
    /// All but 1/64 of the gas left, forwarded to the init code.
    Create,
    /// [`EeiCosts::create2_word`] per started word of init code (EIP-1014), then as
    /// [`DynamicGas::Create`].
    Create2,
    /// [`EeiCosts::new_account`] when the beneficiary does not exist;
    /// [`EeiCosts::selfdestruct_refund`] refunded once per account.
    SelfDestruct,
}

impl DynamicGas {
    /// The expression with `costs`' numbers, as the docs print it.
    pub fn describe(self, costs: &EeiCosts) -> String {
        match self {
            DynamicGas::None => String::new(),
            DynamicGas::Argument => String::from("the argument"),
            DynamicGas::CopyWords => format!("{} per word copied", costs.copy_word),
            DynamicGas::Log => format!(
                "{} per topic + {} per data byte",
                costs.log_topic, costs.log_data_byte
            ),
            DynamicGas::StorageStore => format!(
                "+{} when a zero slot becomes non-zero; clearing refunds {}",
                costs.storage_store_create - costs.storage_store_change,
                costs.storage_clear_refund
            ),
            DynamicGas::CallWithValue => format!(
                "+{} with value (the callee gets {} free), +{} with value to a new account, \
                 + forwarded gas",
                costs.value_transfer, costs.value_stipend, costs.new_account
            ),
            DynamicGas::CallCodeWithValue => format!(
                "+{} with value (the callee gets {} free), + forwarded gas",
                costs.value_transfer, costs.value_stipend
            ),
            DynamicGas::Forwarded => String::from("+ forwarded gas"),
            DynamicGas::Create => String::from("+ all but 1/64 of the remaining gas, forwarded"),
            DynamicGas::Create2 => format!(
                "{} per word of init code (EIP-1014) + all but 1/64 forwarded",
                costs.create2_word
            ),
            DynamicGas::SelfDestruct => format!(
                "+{} if the beneficiary does not exist; refunds {} once",
                costs.new_account, costs.selfdestruct_refund
            ),
        }
    }
}

/// One row of the import table.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct EeiImport {
    /// The function.
    pub function: EeiFunction,
    /// Its import name in module `ethereum`.
    pub name: &'static str,
    /// Parameter types.
    pub params: &'static [ValueType],
    /// Result types.
    pub results: &'static [ValueType],
    /// Static gas, charged before anything else.
    pub gas: StaticGas,
    /// What is charged (or refunded) on top of the static gas.
    pub dynamic_gas: DynamicGas,
}

macro_rules! eei_table {
    ($($function:ident $name:literal ($($p:ident),*) -> ($($r:ident),*) $gas:ident $dynamic:ident;)*) => {
        /// Every EEI import, in [`EeiFunction`] order.
        pub const EEI_FUNCTIONS: &[EeiImport] = &[
            $(EeiImport {
                function: EeiFunction::$function,
                name: $name,
                params: &[$($p),*],
                results: &[$($r),*],
                gas: StaticGas::$gas,
                dynamic_gas: DynamicGas::$dynamic,
            },)*
        ];
    };
}

eei_table! {
    UseGas "useGas" (I64) -> () None Argument;
    GetGasLeft "getGasLeft" () -> (I64) Base None;
    GetAddress "getAddress" (I32) -> () Base None;
    GetExternalBalance "getExternalBalance" (I32, I32) -> () Balance None;
    GetBlockHash "getBlockHash" (I64, I32) -> (I32) BlockHash None;
    GetCallDataSize "getCallDataSize" () -> (I32) Base None;
    CallDataCopy "callDataCopy" (I32, I32, I32) -> () VeryLow CopyWords;
    GetCaller "getCaller" (I32) -> () Base None;
    GetCallValue "getCallValue" (I32) -> () Base None;
    CodeCopy "codeCopy" (I32, I32, I32) -> () VeryLow CopyWords;
    GetCodeSize "getCodeSize" () -> (I32) Base None;
    ExternalCodeCopy "externalCodeCopy" (I32, I32, I32, I32) -> () ExtCode CopyWords;
    GetExternalCodeSize "getExternalCodeSize" (I32) -> (I32) ExtCode None;
    GetBlockCoinbase "getBlockCoinbase" (I32) -> () Base None;
    GetBlockDifficulty "getBlockDifficulty" (I32) -> () Base None;
    GetBlockGasLimit "getBlockGasLimit" () -> (I64) Base None;
    GetTxGasPrice "getTxGasPrice" (I32) -> () Base None;
    Log "log" (I32, I32, I32, I32, I32, I32, I32) -> () Log Log;
    GetBlockNumber "getBlockNumber" () -> (I64) Base None;
    GetBlockTimestamp "getBlockTimestamp" () -> (I64) Base None;
    GetTxOrigin "getTxOrigin" (I32) -> () Base None;
    StorageStore "storageStore" (I32, I32) -> () StorageStore StorageStore;
    StorageLoad "storageLoad" (I32, I32) -> () StorageLoad None;
    Finish "finish" (I32, I32) -> () None None;
    Revert "revert" (I32, I32) -> () None None;
    GetReturnDataSize "getReturnDataSize" () -> (I32) Base None;
    ReturnDataCopy "returnDataCopy" (I32, I32, I32) -> () VeryLow CopyWords;
    Call "call" (I64, I32, I32, I32, I32) -> (I32) Call CallWithValue;
    CallCode "callCode" (I64, I32, I32, I32, I32) -> (I32) Call CallCodeWithValue;
    CallDelegate "callDelegate" (I64, I32, I32, I32) -> (I32) Call Forwarded;
    CallStatic "callStatic" (I64, I32, I32, I32) -> (I32) Call Forwarded;
    Create "create" (I32, I32, I32, I32) -> (I32) Create Create;
    Create2 "create2" (I32, I32, I32, I32, I32) -> (I32) Create Create2;
    SelfDestruct "selfDestruct" (I32) -> () SelfDestruct SelfDestruct;
    GetChainId "getChainId" (I32) -> () Base None;
}

/// The EEI import named `name`.
pub fn lookup(name: &str) -> Option<&'static EeiImport> {
    EEI_FUNCTIONS.iter().find(|f| f.name == name)
}

/// A `debug` namespace function.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum DebugFunction {
    Print32,
    Print64,
    PrintMem,
    PrintMemHex,
    PrintStorage,
    PrintStorageHex,
}

/// One row of an import table: a function, its import name, its signature and its gas.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ImportRow<F, G> {
    /// The function.
    pub function: F,
    /// Its import name in its module.
    pub name: &'static str,
    /// Parameter types.
    pub params: &'static [ValueType],
    /// Result types.
    pub results: &'static [ValueType],
    /// Gas, charged before the function runs.
    pub gas: G,
}

/// A `debug` import (the helpers are free: their gas is [`StaticGas::None`]).
pub type DebugImport = ImportRow<DebugFunction, StaticGas>;

/// The `debug` namespace (Hera's debugging helpers; free of charge).
pub const DEBUG_FUNCTIONS: &[DebugImport] = &[
    DebugImport {
        function: DebugFunction::Print32,
        name: "print32",
        params: &[I32],
        results: &[],
        gas: StaticGas::None,
    },
    DebugImport {
        function: DebugFunction::Print64,
        name: "print64",
        params: &[I64],
        results: &[],
        gas: StaticGas::None,
    },
    DebugImport {
        function: DebugFunction::PrintMem,
        name: "printMem",
        params: &[I32, I32],
        results: &[],
        gas: StaticGas::None,
    },
    DebugImport {
        function: DebugFunction::PrintMemHex,
        name: "printMemHex",
        params: &[I32, I32],
        results: &[],
        gas: StaticGas::None,
    },
    DebugImport {
        function: DebugFunction::PrintStorage,
        name: "printStorage",
        params: &[I32],
        results: &[],
        gas: StaticGas::None,
    },
    DebugImport {
        function: DebugFunction::PrintStorageHex,
        name: "printStorageHex",
        params: &[I32],
        results: &[],
        gas: StaticGas::None,
    },
];

/// The `debug` import named `name`.
pub fn lookup_debug(name: &str) -> Option<&'static DebugImport> {
    DEBUG_FUNCTIONS.iter().find(|f| f.name == name)
}

/// The import tables under `schedule` as Markdown (the source of `docs/EEI.md`): one
/// table per namespace, with the static gas and the dynamic gas of every function.
pub fn markdown_table(schedule: &GasSchedule) -> String {
    fn types(ts: &[ValueType]) -> String {
        ts.iter()
            .map(|t| match t {
                ValueType::I32 => "i32",
                ValueType::I64 => "i64",
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn row(
        out: &mut String,
        name: &str,
        params: &[ValueType],
        results: &[ValueType],
        gas: u64,
        dynamic: &str,
    ) {
        let results = if results.is_empty() {
            String::new()
        } else {
            format!(" -> {}", types(results))
        };
        out.push_str(&format!(
            "| `{name}` | ({}){results} | {gas} | {dynamic} |\n",
            types(params)
        ));
    }
    const HEADER: &str = "| import | signature | static gas | dynamic gas |\n|---|---|---|---|\n";
    let mut out = format!("## Module `ethereum`\n\n{HEADER}");
    for f in EEI_FUNCTIONS {
        let dynamic = f.dynamic_gas.describe(&schedule.eei);
        row(
            &mut out,
            f.name,
            f.params,
            f.results,
            f.gas.cost(&schedule.eei),
            &dynamic,
        );
    }
    out.push_str(&format!("\n## Module `bignum`\n\n{HEADER}"));
    for f in BIGNUM_FUNCTIONS {
        let dynamic = f.gas.describe(&schedule.bignum);
        row(
            &mut out,
            f.name,
            f.params,
            f.results,
            f.gas.cost(&schedule.bignum),
            &dynamic,
        );
    }
    out.push_str(&format!("\n## Module `debug` (when enabled)\n\n{HEADER}"));
    for f in DEBUG_FUNCTIONS {
        row(
            &mut out,
            f.name,
            f.params,
            f.results,
            f.gas.cost(&schedule.eei),
            "",
        );
    }
    out
}

/// A native 256-bit operation.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BignumFunction {
    Add256,
    Sub256,
    Mul256,
    Div256,
    Mod256,
    AddMod256,
    MulMod256,
    Exp256,
    Lt256,
    Eq256,
    MulModMont256,
}

/// The gas of a `bignum` operation, named after [`BignumCosts`] fields.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BignumGas {
    /// [`BignumCosts::add`].
    Add,
    /// [`BignumCosts::mul`].
    Mul,
    /// [`BignumCosts::div`].
    Div,
    /// [`BignumCosts::modular`].
    Modular,
    /// [`BignumCosts::montgomery`].
    Montgomery,
    /// [`BignumCosts::compare`].
    Compare,
    /// [`BignumCosts::exp`], plus [`BignumCosts::exp_byte`] per significant byte of the
    /// exponent.
    Exp,
}

impl BignumGas {
    /// The static amount under `costs` (charged first).
    pub const fn cost(self, costs: &BignumCosts) -> u64 {
        match self {
            BignumGas::Add => costs.add,
            BignumGas::Mul => costs.mul,
            BignumGas::Div => costs.div,
            BignumGas::Modular => costs.modular,
            BignumGas::Montgomery => costs.montgomery,
            BignumGas::Compare => costs.compare,
            BignumGas::Exp => costs.exp,
        }
    }

    /// The dynamic part under `costs`, as the docs print it.
    pub fn describe(self, costs: &BignumCosts) -> String {
        match self {
            BignumGas::Exp => format!("{} per significant byte of the exponent", costs.exp_byte),
            _ => String::new(),
        }
    }
}

/// One row of the `bignum` import table (parameters are all i32 pointers).
pub type BignumImport = ImportRow<BignumFunction, BignumGas>;

/// The `bignum` namespace, in [`BignumFunction`] order.
pub const BIGNUM_FUNCTIONS: &[BignumImport] = &[
    BignumImport {
        function: BignumFunction::Add256,
        name: "add256",
        params: &[I32, I32, I32],
        results: &[],
        gas: BignumGas::Add,
    },
    BignumImport {
        function: BignumFunction::Sub256,
        name: "sub256",
        params: &[I32, I32, I32],
        results: &[],
        gas: BignumGas::Add,
    },
    BignumImport {
        function: BignumFunction::Mul256,
        name: "mul256",
        params: &[I32, I32, I32],
        results: &[],
        gas: BignumGas::Mul,
    },
    BignumImport {
        function: BignumFunction::Div256,
        name: "div256",
        params: &[I32, I32, I32],
        results: &[],
        gas: BignumGas::Div,
    },
    BignumImport {
        function: BignumFunction::Mod256,
        name: "mod256",
        params: &[I32, I32, I32],
        results: &[],
        gas: BignumGas::Div,
    },
    BignumImport {
        function: BignumFunction::AddMod256,
        name: "addmod256",
        params: &[I32, I32, I32, I32],
        results: &[],
        gas: BignumGas::Modular,
    },
    BignumImport {
        function: BignumFunction::MulMod256,
        name: "mulmod256",
        params: &[I32, I32, I32, I32],
        results: &[],
        gas: BignumGas::Modular,
    },
    BignumImport {
        function: BignumFunction::Exp256,
        name: "exp256",
        params: &[I32, I32, I32],
        results: &[],
        gas: BignumGas::Exp,
    },
    BignumImport {
        function: BignumFunction::Lt256,
        name: "lt256",
        params: &[I32, I32],
        results: &[I32],
        gas: BignumGas::Compare,
    },
    BignumImport {
        function: BignumFunction::Eq256,
        name: "eq256",
        params: &[I32, I32],
        results: &[I32],
        gas: BignumGas::Compare,
    },
    BignumImport {
        function: BignumFunction::MulModMont256,
        name: "mulmodmont256",
        params: &[I32, I32, I32, I32, I32],
        results: &[],
        gas: BignumGas::Montgomery,
    },
];

/// The `bignum` import named `name`.
pub fn lookup_bignum(name: &str) -> Option<&'static BignumImport> {
    BIGNUM_FUNCTIONS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_enum_order_and_complete() {
        assert_eq!(
            EEI_FUNCTIONS.len(),
            35,
            "33 EEI functions plus create2 and getChainId"
        );
        for (i, f) in EEI_FUNCTIONS.iter().enumerate() {
            assert_eq!(f.function as usize, i, "{}", f.name);
            assert_eq!(lookup(f.name), Some(f));
        }
        assert!(lookup("nonexistent").is_none());
    }

    #[test]
    fn hera_static_costs() {
        let costs = EeiCosts::BYZANTIUM;
        let cost = |name| lookup(name).unwrap().gas.cost(&costs);
        assert_eq!(cost("getGasLeft"), 2);
        assert_eq!(cost("callDataCopy"), 3);
        assert_eq!(cost("getExternalBalance"), 400);
        assert_eq!(cost("getBlockHash"), 800);
        assert_eq!(cost("externalCodeCopy"), 700);
        assert_eq!(cost("storageLoad"), 200);
        assert_eq!(cost("storageStore"), 5000);
        assert_eq!(cost("log"), 375);
        assert_eq!(cost("call"), 700);
        assert_eq!(cost("create2"), 32000);
        assert_eq!(cost("selfDestruct"), 5000);
        assert_eq!(cost("finish"), 0);
    }

    #[test]
    fn bignum_table_is_in_enum_order() {
        for (i, f) in BIGNUM_FUNCTIONS.iter().enumerate() {
            assert_eq!(f.function as usize, i, "{}", f.name);
        }
    }
}

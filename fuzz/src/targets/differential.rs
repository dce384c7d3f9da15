//! `differential`: generated plain modules on the interpreter, the AOT path and wasmi.
//!
//! wasm-smith generates a module in the Ewasm feature set (one input in eight may use
//! other features, and must then be rejected: [`super::validate_translate`]'s
//! acceptance oracle), with every function, global and memory exported and the
//! functions of [`crate::generate::PLAIN_IMPORTS`] to import. It is instantiated on the
//! three engines and every exported function is called with arguments from the input.
//!
//! - Interpreter vs AOT: identical results or trap, gas left, memory bytes and globals
//!   after the start function and after every call.
//! - vs wasmi (with fuel): identical results or trap kind, memory and globals. A
//!   resource stop on either side (ssvm's gas, call depth or value stack; wasmi's fuel
//!   or stack) is counted by kind and ends the comparison with wasmi for that instance,
//!   whose state may then differ legitimately. Any other difference is settled by plain
//!   wasmtime (the module without ssvm's metering, replayed to the same point): if it
//!   agrees with ssvm, wasmi is wrong (counted, as wasmi 2.0.0 has miscompilations of
//!   its own: RELIABILITY.md); otherwise it is a finding.
//! - A second pass instantiates again and repeats every call with a gas limit drawn
//!   below what the call used: both ssvm paths must stop at the same instruction, with
//!   the same trap, gas and state.

use arbitrary::Unstructured;
use ssvm_engine::{Config, ExportKind, GasSchedule, Module, Trap, ValueType};

use crate::generate;
use crate::plain::{
    ImportHost, RefOutcome, Reference, SsvmOutcome, SsvmPair, Wasmi, Wasmtime, instantiate_both,
    is_resource,
};
use crate::stats::note;
use crate::targets::validate_translate::acceptance_oracle;

/// Gas for the start function and for each call: enough for the generated code's real
/// work (its loops are mostly endless), little enough that an endless loop ends soon.
pub const GAS: u64 = 30_000;
/// wasmi's fuel: more than the gas (wasmi charges about one unit per instruction, ssvm
/// at least one), so that ssvm is normally the first to stop.
pub const FUEL: u64 = 60_000;
/// Most calls made on one module.
const MAX_CALLS: usize = 24;

/// One planned call: export name, function index, arguments.
struct Call {
    name: String,
    func: u32,
    args: Vec<u64>,
}

/// Runs one input; panics on a finding.
pub fn run(data: &[u8]) {
    note("differential.runs");
    let mut u = Unstructured::new(data);
    let Ok((_, bytes)) = generate::plain_module(&mut u) else {
        return;
    };
    let config = Config::plain(GasSchedule::V1);
    let module = match Module::new(&config, &bytes) {
        Ok(module) => {
            acceptance_oracle(&bytes, &Ok(()));
            module
        }
        Err(error) => {
            assert!(
                !matches!(error, ssvm_engine::ValidationError::Internal(_)),
                "internal engine error: {error}"
            );
            acceptance_oracle(&bytes, &Err(error));
            return;
        }
    };
    note("differential.modules");
    let calls = plan(&module, &mut u);
    let used = first_pass(&config, &module, &bytes, &calls);
    starved_pass(&config, &module, &bytes, &calls, &used, &mut u);
}

/// Every exported function (some twice), with arguments drawn from the input.
fn plan(module: &Module, u: &mut Unstructured<'_>) -> Vec<Call> {
    let mut calls = Vec::new();
    for export in module.exports() {
        let ExportKind::Func(func) = export.kind else {
            continue;
        };
        let Some(signature) = module.func_signature(func) else {
            continue;
        };
        let repeats = if u.ratio(1, 4).unwrap_or(false) { 2 } else { 1 };
        for _ in 0..repeats {
            let args = signature.params.iter().map(|ty| argument(u, *ty)).collect();
            calls.push(Call {
                name: export.name.clone(),
                func,
                args,
            });
        }
    }
    calls.truncate(MAX_CALLS);
    calls
}

/// An argument: an edge value half of the time.
fn argument(u: &mut Unstructured<'_>, ty: ValueType) -> u64 {
    const EDGES: [u64; 10] = [
        0,
        1,
        2,
        7,
        0xffff,
        0x1_0000,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        u64::MAX,
    ];
    let value = if u.arbitrary().unwrap_or(false) {
        EDGES[usize::from(u.arbitrary::<u8>().unwrap_or(0)) % EDGES.len()]
    } else {
        u.arbitrary().unwrap_or(0)
    };
    ty.canonical(value)
}

/// Instantiates on the three engines and makes every call with full gas, comparing
/// after each step. Returns the gas each call used (`None` where it did not run), the
/// instantiation's first.
fn first_pass(config: &Config, module: &Module, bytes: &[u8], calls: &[Call]) -> Vec<Option<u64>> {
    let mut host = ImportHost;
    let (pair, interpreter_gas, native_gas) =
        instantiate_both(config, module, bytes, &mut host, GAS);
    let wasmi = Wasmi::instantiate(module, bytes, FUEL);
    assert_eq!(interpreter_gas, native_gas, "gas after instantiation");
    let mut pair = match pair {
        Ok(pair) => pair,
        Err((interpreter, native)) => {
            assert_eq!(interpreter, native, "instantiation traps differ");
            let trap = interpreter.unwrap_or(Trap::HostTrap);
            let agrees = match &wasmi {
                _ if is_resource(trap) => true,
                Err(RefOutcome::Exhausted(what)) => {
                    note_exhausted(what);
                    true
                }
                Err(RefOutcome::Trapped(theirs)) => *theirs == trap,
                _ => false,
            };
            if !agrees {
                let reference = instantiated_on_wasmtime(module, bytes);
                settle("instantiation", &Err(trap), &wasmi.err(), reference);
            }
            note("differential.instantiation_trapped");
            return vec![Some(GAS - interpreter_gas)];
        }
    };
    if let Some(difference) = pair.state_difference() {
        panic!("after instantiation: {difference}");
    }
    // wasmi is compared while it runs what ssvm runs; a resource stop on either side,
    // or a disagreement that plain wasmtime settles in ssvm's favour, ends that.
    let mut wasmi = match wasmi {
        Ok(instance) => Some(instance),
        Err(RefOutcome::Exhausted(what)) => {
            note_exhausted(what);
            None
        }
        Err(theirs) => {
            let reference = instantiated_on_wasmtime(module, bytes);
            settle("instantiation", &Ok(Vec::new()), &Some(theirs), reference);
            None
        }
    };
    if let Some(reference) = &mut wasmi
        && let Some(difference) = reference.state_difference(&pair)
    {
        settle_state(module, bytes, &[], &pair, "instantiation", &difference);
        wasmi = None;
    }
    let mut used = vec![Some(GAS - interpreter_gas)];
    let mut compared: Vec<&Call> = Vec::new();
    for call in calls {
        let interpreter = call_on_both_paths(&mut pair, &mut host, call, GAS);
        used.push(Some(GAS - interpreter.1));
        note_outcome(&interpreter.0);
        let Some(reference) = wasmi.as_mut() else {
            continue;
        };
        let theirs = reference.call(&call.name, &call.args, FUEL);
        let what = format!("{}({:x?})", call.name, call.args);
        match compare_with_wasmi(&interpreter.0, &theirs) {
            Comparison::Same => {}
            Comparison::Stopped => {
                wasmi = None;
                continue;
            }
            Comparison::Different => {
                let settled = match replayed(module, bytes, &compared) {
                    Ok(mut reference) => reference.call(&call.name, &call.args, 10 * FUEL),
                    Err(error) => error,
                };
                settle(&what, &interpreter.0, &Some(theirs), Some(settled));
                wasmi = None;
                continue;
            }
        }
        compared.push(call);
        if let Some(difference) = reference.state_difference(&pair) {
            settle_state(module, bytes, &compared, &pair, &what, &difference);
            wasmi = None;
        }
    }
    used
}

/// Plain wasmtime, instantiated and given the calls `history` (which ran alike on every
/// engine): the state a disagreement is settled from.
/// Makes `call` with `gas` on the interpreter and on AOT: both must end alike (result or
/// trap, gas left) and leave the same memory and globals. Returns the interpreter's end.
fn call_on_both_paths(
    pair: &mut SsvmPair<'_>,
    host: &mut ImportHost,
    call: &Call,
    gas: u64,
) -> (SsvmOutcome, u64) {
    let (interpreter, native) = pair.call(host, &call.name, call.func, &call.args, gas);
    assert_eq!(
        interpreter, native,
        "{}({:x?}) with {gas} gas: interpreter vs AOT",
        call.name, call.args
    );
    if let Some(difference) = pair.state_difference() {
        panic!(
            "after {}({:x?}) with {gas} gas: {difference}",
            call.name, call.args
        );
    }
    interpreter
}

/// How plain wasmtime ends an instantiation: as a call that returns nothing, or its trap.
fn instantiated_on_wasmtime(module: &Module, bytes: &[u8]) -> Option<RefOutcome> {
    Some(match Wasmtime::instantiate(module, bytes, 10 * FUEL) {
        Ok(_) => RefOutcome::Returned(Vec::new()),
        Err(outcome) => outcome,
    })
}

fn replayed(module: &Module, bytes: &[u8], history: &[&Call]) -> Result<Wasmtime, RefOutcome> {
    let mut reference = Wasmtime::instantiate(module, bytes, 10 * FUEL)?;
    for call in history {
        reference.call(&call.name, &call.args, 10 * FUEL);
    }
    Ok(reference)
}

/// ssvm and wasmi disagree on `what`: plain wasmtime (`reference`) decides. If it agrees
/// with ssvm, wasmi is wrong (counted; its comparison ends); otherwise it is a finding.
fn settle(
    what: &str,
    ours: &SsvmOutcome,
    wasmi: &Option<RefOutcome>,
    reference: Option<RefOutcome>,
) {
    let agrees = match (ours, &reference) {
        (Ok(values), Some(RefOutcome::Returned(theirs))) => values == theirs,
        (Err(trap), Some(RefOutcome::Trapped(theirs))) => trap == theirs,
        _ => false,
    };
    assert!(
        agrees,
        "{what}: ssvm {ours:?}, wasmi {wasmi:?}, wasmtime {reference:?}"
    );
    note("differential.wasmi_wrong_wasmtime_agrees_with_ssvm");
}

/// wasmi's state differs from ssvm's after `what`: plain wasmtime, given the same calls,
/// decides.
fn settle_state(
    module: &Module,
    bytes: &[u8],
    history: &[&Call],
    pair: &SsvmPair<'_>,
    what: &str,
    difference: &str,
) {
    let reference = replayed(module, bytes, history);
    let agrees = reference.is_ok_and(|mut reference| reference.state_difference(pair).is_none());
    assert!(
        agrees,
        "after {what}: {difference}; wasmtime agrees with wasmi"
    );
    note("differential.wasmi_wrong_wasmtime_agrees_with_ssvm");
}

fn note_outcome(outcome: &SsvmOutcome) {
    note(match outcome {
        Ok(_) => "differential.calls_returned",
        Err(trap) if is_resource(*trap) => "differential.calls_stopped_by_a_resource",
        Err(_) => "differential.calls_trapped",
    });
}

fn note_exhausted(what: &str) {
    note(if what == "fuel" {
        "differential.wasmi_out_of_fuel"
    } else {
        "differential.wasmi_stack_exhausted"
    });
}

/// What a comparison with wasmi found.
enum Comparison {
    /// The same result or trap.
    Same,
    /// A resource stop on either side: the comparison ends for this instance.
    Stopped,
    /// Anything else: to be settled.
    Different,
}

fn compare_with_wasmi(ours: &SsvmOutcome, theirs: &RefOutcome) -> Comparison {
    match (ours, theirs) {
        (Err(trap), _) if is_resource(*trap) => {
            note(match trap {
                Trap::OutOfGas => "differential.ssvm_out_of_gas",
                Trap::CallStackExhausted => "differential.ssvm_call_stack_exhausted",
                _ => "differential.ssvm_value_stack_exhausted",
            });
            if let RefOutcome::Exhausted(_) = theirs {
                note("differential.both_stopped_by_resources");
            }
            Comparison::Stopped
        }
        (_, RefOutcome::Exhausted(what)) => {
            note_exhausted(what);
            Comparison::Stopped
        }
        (Ok(values), RefOutcome::Returned(theirs)) if values == theirs => Comparison::Same,
        (Err(trap), RefOutcome::Trapped(theirs)) if trap == theirs => Comparison::Same,
        _ => Comparison::Different,
    }
}

/// Instantiates again and repeats the calls with less gas than they used: both paths
/// must stop at the same point. One input in four starves the instantiation (which then
/// ends the pass); the others instantiate with full gas and starve every call.
fn starved_pass(
    config: &Config,
    module: &Module,
    bytes: &[u8],
    calls: &[Call],
    used: &[Option<u64>],
    u: &mut Unstructured<'_>,
) {
    let starve_instantiation = u.ratio(1, 4).unwrap_or(false);
    let mut starve = |used: Option<u64>| match used {
        Some(used) if used > 0 => u.int_in_range(0..=used - 1).unwrap_or(0),
        _ => GAS,
    };
    let mut host = ImportHost;
    let gas = if starve_instantiation {
        note("differential.starved_instantiations");
        starve(used.first().copied().flatten())
    } else {
        GAS
    };
    let (pair, interpreter_gas, native_gas) =
        instantiate_both(config, module, bytes, &mut host, gas);
    assert_eq!(
        interpreter_gas, native_gas,
        "gas after a starved instantiation with {gas}"
    );
    let mut pair = match pair {
        Ok(pair) => pair,
        Err((interpreter, native)) => {
            assert_eq!(
                interpreter, native,
                "starved instantiation with {gas}: traps differ"
            );
            return;
        }
    };
    for (call, used) in calls.iter().zip(used.iter().skip(1)) {
        let gas = starve(*used);
        // Only the two paths are compared: wasmi has no gas to starve.
        let _ = call_on_both_paths(&mut pair, &mut host, call, gas);
        note("differential.starved_calls");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(wat: &str) -> (Module, Vec<u8>) {
        let bytes = wat::parse_str(wat).expect("valid text");
        let module = Module::new(&Config::plain(GasSchedule::V1), &bytes).expect("accepted");
        (module, bytes)
    }

    /// A disagreement with wasmi at instantiation is settled by what wasmtime does there:
    /// an instantiation that succeeds on wasmtime sides with ssvm's success (it was read
    /// as "no outcome" once, a false finding).
    #[test]
    fn wasmtime_settles_instantiation() {
        let (plain, bytes) = module("(module (memory 1) (func $f) (start $f))");
        let reference = instantiated_on_wasmtime(&plain, &bytes);
        assert!(matches!(&reference, Some(RefOutcome::Returned(cells)) if cells.is_empty()));
        settle("instantiation", &Ok(Vec::new()), &None, reference);

        let (trapping, bytes) = module("(module (func $f unreachable) (start $f))");
        let reference = instantiated_on_wasmtime(&trapping, &bytes);
        assert!(matches!(
            reference,
            Some(RefOutcome::Trapped(Trap::Unreachable))
        ));
        settle("instantiation", &Err(Trap::Unreachable), &None, reference);
    }

    #[test]
    #[should_panic(expected = "instantiation: ssvm")]
    fn wasmtime_disagreeing_with_ssvm_is_a_finding() {
        let (trapping, bytes) = module("(module (func $f unreachable) (start $f))");
        let reference = instantiated_on_wasmtime(&trapping, &bytes);
        settle("instantiation", &Ok(Vec::new()), &None, reference);
    }
}

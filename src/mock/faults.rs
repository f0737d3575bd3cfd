//! Named faults: switches that make the mock deliberately non-conformant in one
//! specific way, so the harness can be proved to catch servers that get a rule wrong.
//! Each fault is a `static` beside the profile it breaks (in its folder's `faults.rs`),
//! naming the profile, the rules it breaks and the scenarios that must catch it; the
//! service registry gathers them ([`all_faults`](super::profiles::all_faults)). `myid-conformance faults` prints them, `serve` and
//! `check` take `--fault NAME`, the control plane toggles them, and the self-test proves
//! that the scenarios named fail, breaking the rules named, when each is on.

use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::protocol::rules::Rule;

/// A deliberate departure from the rules: what it breaks, the rules it breaks, and
/// which scenarios catch it (feature tag, scenario name).
#[derive(Debug)]
pub struct FaultInfo {
    /// Its name on the command line.
    pub name: &'static str,
    /// The name of the mock profile it belongs to (`myid`, `jim2`).
    pub profile: &'static str,
    /// What the server then does wrong.
    pub breaks: &'static str,
    /// The rules it breaks, as the catalogue names them.
    pub rules: &'static [&'static Rule],
    /// The scenarios that must fail with it on: (feature tag, scenario name).
    pub caught_by: &'static [(&'static str, &'static str)],
}

/// A fault, by reference to its entry: `&faults::myid::CODE_REUSE`.
pub type Fault = &'static FaultInfo;

impl PartialEq for FaultInfo {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for FaultInfo {}

/// Declares a profile's faults as `pub static`s and lists them in `FAULTS`, in the
/// order written.
macro_rules! faults {
    ($profile:literal; $( $(#[$meta:meta])* $name:ident = $id:literal, $breaks:literal,
        [$(&$rule:path),+ $(,)?], [$(($tag:literal, $scenario:literal)),+ $(,)?]; )*) => {
        $( $(#[$meta])* pub static $name: $crate::mock::faults::FaultInfo = $crate::mock::faults::FaultInfo {
            name: $id,
            profile: $profile,
            breaks: $breaks,
            rules: &[$(&$rule),+],
            caught_by: &[$(($tag, $scenario)),+],
        }; )*
        /// Every fault of this profile, in order.
        pub static FAULTS: &[&$crate::mock::faults::FaultInfo] = &[$(&$name),*];
    };
}
pub(crate) use faults;

/// The faults switched on in one mock. Read on every request: while none is on (every
/// mock but the self-test's), one atomic load answers.
#[derive(Debug, Default)]
pub struct FaultSet {
    any: AtomicBool,
    on: RwLock<Vec<Fault>>,
}

impl FaultSet {
    /// A set holding `faults`.
    pub fn new(faults: &[Fault]) -> Self {
        FaultSet {
            any: AtomicBool::new(!faults.is_empty()),
            on: RwLock::new(faults.to_vec()),
        }
    }

    /// Whether `fault` is on.
    pub fn on(&self, fault: &FaultInfo) -> bool {
        self.any.load(Ordering::Relaxed)
            && self
                .on
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .contains(&fault)
    }

    /// Switches `fault` on or off.
    pub fn set(&self, fault: Fault, on: bool) {
        let mut list = self.on.write().unwrap_or_else(|p| p.into_inner());
        list.retain(|f| *f != fault);
        if on {
            list.push(fault);
        }
        self.any.store(!list.is_empty(), Ordering::Relaxed);
    }

    /// The faults that are on, in the order they were switched on.
    pub fn list(&self) -> Vec<&'static str> {
        let list = self.on.read().unwrap_or_else(|p| p.into_inner());
        list.iter().map(|f| f.name).collect()
    }
}

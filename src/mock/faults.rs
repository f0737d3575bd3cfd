//! Named faults: switches that make the mock deliberately non-conformant in one
//! specific way, so the harness can be proved to catch servers that get a rule wrong.
//! Each fault is a `static` beside the profile it breaks ([`myid`] here, each other
//! vendor's in its own folder), naming the rules it breaks and the scenarios that must
//! catch it; [`all`] gathers them. `myid-conformance faults` prints them, `serve` and
//! `check` take `--fault NAME`, the control plane toggles them, and the self-test proves
//! that the scenarios named fail, breaking the rules named, when each is on.

/// MyID's faults, beside its endpoints.
pub use super::profiles::myid::faults as myid;

use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};

use super::profiles::Profile;
use crate::protocol::rules::Rule;

/// A deliberate departure from the rules: what it breaks, the rules it breaks, and
/// which scenarios catch it (feature tag, scenario name).
#[derive(Debug)]
pub struct FaultInfo {
    /// Its name on the command line.
    pub name: &'static str,
    /// The mock profile it belongs to.
    pub profile: Profile,
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
    ($profile:expr; $( $(#[$meta:meta])* $name:ident = $id:literal, $breaks:literal,
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

/// Every fault of every profile, in the order of [`SERVICES`](super::profiles::SERVICES).
pub fn all() -> impl Iterator<Item = Fault> {
    super::profiles::SERVICES
        .iter()
        .flat_map(|s| s.faults())
        .copied()
}

/// The fault with this name.
pub fn parse(name: &str) -> Option<Fault> {
    all().find(|f| f.name == name)
}

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

    /// The faults that are on, in the registry's order.
    pub fn list(&self) -> Vec<&'static str> {
        let list = self.on.read().unwrap_or_else(|p| p.into_inner());
        all().filter(|f| list.contains(f)).map(|f| f.name).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let faults: Vec<Fault> = all().collect();
        for (i, fault) in faults.iter().enumerate() {
            assert_eq!(parse(fault.name), Some(*fault));
            assert!(
                faults[..i].iter().all(|f| f.name != fault.name),
                "{} twice",
                fault.name
            );
            assert!(
                !fault.caught_by.is_empty() && !fault.rules.is_empty(),
                "{}",
                fault.name
            );
        }
        let set = FaultSet::new(&[&myid::CODE_REUSE]);
        assert!(set.on(&myid::CODE_REUSE) && !set.on(&myid::PKCE_IGNORED));
        set.set(&myid::PKCE_IGNORED, true);
        set.set(&myid::CODE_REUSE, false);
        assert_eq!(set.list(), ["pkce-ignored"]);
        set.set(&myid::PKCE_IGNORED, false);
        assert!(!set.on(&myid::PKCE_IGNORED) && set.list().is_empty());
    }
}

//! The feature files, compiled into the crate, and a cucumber parser that serves them.

use std::path::PathBuf;

use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, GherkinEnv};
use futures::stream;

include!(concat!(env!("OUT_DIR"), "/features.rs"));

/// Parses every embedded feature, with scenario outlines expanded.
pub fn load() -> Result<Vec<gherkin::Feature>, String> {
    FEATURES
        .iter()
        .map(|(path, text)| {
            let mut feature = gherkin::Feature::parse(text, GherkinEnv::default())
                .map_err(|e| format!("{path}: {e}"))?;
            feature.path = Some(PathBuf::from(path));
            feature
                .expand_examples()
                .map_err(|e| format!("{path}: {e}"))
        })
        .collect()
}

/// Hands already-parsed features to cucumber.
pub struct Embedded(pub Vec<gherkin::Feature>);

impl<I> cucumber::Parser<I> for Embedded {
    type Cli = cucumber::cli::Empty;
    type Output = stream::Iter<std::vec::IntoIter<cucumber::parser::Result<gherkin::Feature>>>;

    fn parse(self, _input: I, _cli: Self::Cli) -> Self::Output {
        stream::iter(self.0.into_iter().map(Ok).collect::<Vec<_>>())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_feature_parses() {
        let features = super::load().unwrap();
        assert!(features.len() >= 2);
        assert!(
            features
                .iter()
                .all(|f| !f.scenarios.is_empty() || !f.rules.is_empty())
        );
    }
}

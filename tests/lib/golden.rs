//! Golden files: real documents (`tests/golden/*.{trad,simp}.txt`, from the project's seed
//! pages) and OpenCC 1.4.2's own output for them (`*.CONFIG.expected.txt`, written by
//! `tests/golden/regen.py`). zhnorm's exact policy must reproduce them byte for byte.

use zhnorm::{Config, Converter, Policy};

use crate::util::{first_difference, read, repo};

/// Every (input, config, expected) triple in the golden folder.
pub fn golden_cases() -> Vec<(String, Config, String)> {
    let dir = repo().join("tests/golden");
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let parts: Vec<&str> = name.split('.').collect();
        if let [stem, config, "expected", "txt"] = parts[..] {
            let input = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .find(|n| {
                    n.starts_with(&format!("{stem}."))
                        && !n.contains(".expected.")
                        && n.ends_with(".txt")
                })
                .expect("the input of a golden file");
            cases.push((
                read(&format!("tests/golden/{input}")),
                config.parse().unwrap(),
                read(&format!("tests/golden/{name}")),
            ));
        }
    }
    assert!(cases.len() >= 8, "golden files are missing");
    cases
}

#[test]
fn exact_policy_reproduces_opencc_on_real_documents() {
    for (input, config, expected) in golden_cases() {
        let c = Converter::builder(config)
            .policy(Policy::OpenccExact)
            .build();
        let actual = c.convert(&input);
        assert!(
            actual == expected,
            "{config}: {}",
            first_difference(&expected, &actual)
        );
    }
}

#[test]
fn default_policy_differs_only_where_opencc_is_not_a_fixed_point() {
    for (input, config, expected) in golden_cases() {
        let c = Converter::new(config);
        let actual = c.convert(&input);
        for (got, want) in actual.lines().zip(expected.lines()) {
            if got != want {
                let exact = Converter::builder(config)
                    .policy(Policy::OpenccExact)
                    .build();
                assert_ne!(
                    exact.convert(want),
                    want,
                    "{config}: a line changed though OpenCC's was settled"
                );
            }
        }
        assert_eq!(actual.lines().count(), expected.lines().count());
    }
}
